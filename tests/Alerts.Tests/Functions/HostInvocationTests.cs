using System.Text.Json;
using Alerts.Functions.Invocations;

namespace Alerts.Tests.Functions;

public class HostInvocationTests
{
    private static JsonElement Json(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    [Fact]
    public void DoubleEncodedMessageTextDecodesToTheMessageJson()
    {
        // Data.message holds the string "{\"feedId\":7}" including its quotes.
        var body = Json("""{"Data":{"message":"\"{\\\"feedId\\\":7}\""},"Metadata":{"DequeueCount":"1"}}""");

        HostInvocation.ReadQueue(body, "message").MessageText.ShouldBe("""{"feedId":7}""");
    }

    [Fact]
    public void SingleEncodedMessageTextIsTakenAsIs()
    {
        var body = Json("""{"Data":{"message":"{\"feedId\":7}"},"Metadata":{"DequeueCount":"1"}}""");

        HostInvocation.ReadQueue(body, "message").MessageText.ShouldBe("""{"feedId":7}""");
    }

    [Fact]
    public void AnObjectMessageIsTakenAsItsJsonText()
    {
        var body = Json("""{"Data":{"message":{"feedId":7,"v":1}},"Metadata":{}}""");

        JsonDocument.Parse(HostInvocation.ReadQueue(body, "message").MessageText).RootElement.GetProperty("feedId").GetInt32().ShouldBe(7);
    }

    [Fact]
    public void TextThatOnlyStartsWithAQuoteStaysTheMessage()
    {
        var body = Json("""{"Data":{"message":"\"quoted\" and more"}}""");

        HostInvocation.ReadQueue(body, "message").MessageText.ShouldBe("\"quoted\" and more");
    }

    [Theory]
    [InlineData("\"3\"", 3)]
    [InlineData("3", 3)]
    [InlineData("\"\\\"4\\\"\"", 4)]
    [InlineData("null", 1)]
    public void DequeueCountArrivesAsAStringOrANumber(string raw, int expected)
    {
        var body = Json($$$"""{"Data":{"message":"x"},"Metadata":{"DequeueCount":{{{raw}}}}}""");

        HostInvocation.ReadQueue(body, "message").DequeueCount.ShouldBe(expected);
    }

    [Fact]
    public void ADequeueCountThatIsNotACountIsAFormatError()
    {
        var body = Json("""{"Data":{"message":"x"},"Metadata":{"DequeueCount":"many"}}""");

        Should.Throw<InvocationFormatException>(() => HostInvocation.ReadQueue(body, "message")).Message.ShouldContain("DequeueCount");
    }

    [Fact]
    public void IdAndPopReceiptLoseTheQuotesTheHostKeeps()
    {
        var body = Json("""{"Data":{"message":"x"},"Metadata":{"DequeueCount":"1","Id":"\"ab-12\"","PopReceipt":"\"AgAAAA==\""}}""");

        var trigger = HostInvocation.ReadQueue(body, "message");

        trigger.Id.ShouldBe("ab-12");
        trigger.PopReceipt.ShouldBe("AgAAAA==");
    }

    [Fact]
    public void AMissingTriggerBindingIsAFormatErrorNamingIt()
    {
        var body = Json("""{"Data":{"other":"x"},"Metadata":{}}""");

        Should.Throw<InvocationFormatException>(() => HostInvocation.ReadQueue(body, "message")).Message.ShouldContain("Data.message");
    }

    [Fact]
    public void TimerReadsPastDueAndTheScheduleStatus()
    {
        var body = Json("""
            {"Data":{"timer":{"Schedule":{"AdjustForDST":true},
              "ScheduleStatus":{"Last":"2025-12-12T07:55:00+00:00","Next":"2025-12-12T08:00:00+00:00","LastUpdated":"2025-12-12T07:55:00+00:00"},
              "IsPastDue":true}},"Metadata":{}}
            """);

        var timer = HostInvocation.ReadTimer(body, "timer");

        timer.IsPastDue.ShouldBeTrue();
        timer.Last.ShouldBe(new DateTimeOffset(2025, 12, 12, 7, 55, 0, TimeSpan.Zero));
        timer.Next.ShouldBe(new DateTimeOffset(2025, 12, 12, 8, 0, 0, TimeSpan.Zero));
    }

    [Fact]
    public void TimerWithoutAScheduleStatusHasNoInstants()
    {
        var timer = HostInvocation.ReadTimer(Json("""{"Data":{"timer":{"Schedule":{},"ScheduleStatus":null,"IsPastDue":false}}}"""), "timer");

        timer.ShouldBe(new TimerTrigger(false, null, null));
    }

    [Fact]
    public void QueueOutputsAreArraysOfJsonObjects()
    {
        var reply = new InvocationReply().Log("one line").QueueOutput("articles", ["""{"articleId":1,"v":1}""", """{"articleId":2,"v":1}"""]);

        using var json = JsonDocument.Parse(reply.ToJson());
        var articles = json.RootElement.GetProperty("Outputs").GetProperty("articles");
        articles.EnumerateArray().ShouldAllBe(m => m.ValueKind == JsonValueKind.Object);
        articles.GetArrayLength().ShouldBe(2);
        json.RootElement.GetProperty("Logs")[0].GetString().ShouldBe("one line");
        json.RootElement.GetProperty("ReturnValue").ValueKind.ShouldBe(JsonValueKind.Null);
    }

    [Fact]
    public void AQueueOutputThatIsNotAJsonObjectIsRefused() =>
        Should.Throw<ArgumentException>(() => new InvocationReply().QueueOutput("articles", ["\"QUJD\""])).Message.ShouldContain("JSON object");
}
