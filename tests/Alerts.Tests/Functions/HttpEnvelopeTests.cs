using System.Text.Json;
using System.Text.Json.Nodes;
using Alerts.Functions.Invocations;
using Alerts.Functions.Web;

namespace Alerts.Tests.Functions;

/// <summary>Decoding the host's HTTP envelope and encoding the http output binding: pure functions of JSON.</summary>
public class HttpEnvelopeTests
{
    private static HttpEnvelope Read(JsonObject request)
    {
        using var json = JsonDocument.Parse(new JsonObject { ["Data"] = new JsonObject { ["req"] = request } }.ToJsonString());
        return HttpEnvelope.Read(json.RootElement, "req");
    }

    [Fact]
    public void TheEnvelopeGivesUrlMethodHeadersAndTextBody()
    {
        var envelope = Read(new JsonObject
        {
            ["Url"] = "https://alerts.example.net/confirm?token=abc",
            ["Method"] = "post",
            ["Headers"] = new JsonObject { ["Accept"] = new JsonArray("text/html", "application/xhtml+xml"), ["X-Single"] = "one" },
            ["Body"] = "a=1&b=2",
        });

        envelope.Url.PathAndQuery.ShouldBe("/confirm?token=abc");
        envelope.Method.ShouldBe("POST");
        envelope.Headers.Single(h => h.Key == "Accept").Value.ShouldBe(["text/html", "application/xhtml+xml"]);
        envelope.Headers.Single(h => h.Key == "X-Single").Value.ShouldBe(["one"]);
        envelope.Body.ShouldBe("a=1&b=2");
    }

    [Fact]
    public void AMissingBodyIsEmptyAndAParsedJsonBodyIsReplayedAsItsText()
    {
        Read(new JsonObject { ["Url"] = "https://a.example/", ["Method"] = "GET", ["Body"] = null }).Body.ShouldBe("");
        Read(new JsonObject { ["Url"] = "https://a.example/", ["Method"] = "GET" }).Body.ShouldBe("");
        Read(new JsonObject { ["Url"] = "https://a.example/", ["Method"] = "POST", ["Body"] = new JsonObject { ["email"] = "x@example.org" } })
            .Body.ShouldBe("{\"email\":\"x@example.org\"}");
    }

    [Fact]
    public void TheQueryComesFromTheUrlAndFromTheQueryObjectOnlyWhenTheUrlHasNone()
    {
        Read(new JsonObject { ["Url"] = "https://a.example/manage?token=t1", ["Method"] = "GET", ["Query"] = new JsonObject { ["token"] = "other" } })
            .Url.Query.ShouldBe("?token=t1");
        Read(new JsonObject { ["Url"] = "https://a.example/manage", ["Method"] = "GET", ["Query"] = new JsonObject { ["token"] = "a b&c" } })
            .Url.Query.ShouldBe("?token=a%20b%26c");
        Read(new JsonObject { ["Url"] = "https://a.example/manage", ["Method"] = "GET", ["Query"] = new JsonObject() })
            .Url.Query.ShouldBe("");
    }

    [Theory]
    [InlineData("{\"Method\":\"GET\"}", "Url")]
    [InlineData("{\"Url\":\"/relative\",\"Method\":\"GET\"}", "Url")]
    [InlineData("{\"Url\":\"https://a.example/\"}", "Method")]
    [InlineData("\"not an object\"", "HTTP request object")]
    public void AnEnvelopeWithoutUrlOrMethodIsRejected(string request, string named)
    {
        using var json = JsonDocument.Parse($"{{\"Data\":{{\"req\":{request}}}}}");

        Should.Throw<InvocationFormatException>(() => HttpEnvelope.Read(json.RootElement, "req")).Message.ShouldContain(named);
    }

    [Theory]
    [InlineData("192.0.2.1:80", "192.0.2.1")]
    [InlineData("[2001:db8::1]:443", "2001:db8::1")]
    [InlineData("2001:db8::1", "2001:db8::1")]
    [InlineData("[::1]", "::1")]
    [InlineData("not an address", null)]
    [InlineData("[2001:db8::1", null)]
    public void ForwardedForEntriesParseWithAndWithoutPorts(string entry, string? expected) =>
        (HttpEnvelope.ParseAddress(entry)?.ToString()).ShouldBe(expected);

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("[::1]:443")]
    [InlineData("0.0.0.0")]
    [InlineData("203.0.113.5, garbage")]
    [InlineData("203.0.113.5, 127.0.0.1:5000")]
    public void ALoopbackUnspecifiedOrUnreadableLastEntryGivesNoClientAddress(string forwardedFor)
    {
        var envelope = Read(new JsonObject
        {
            ["Url"] = "https://a.example/",
            ["Method"] = "GET",
            ["Headers"] = new JsonObject { ["x-forwarded-for"] = new JsonArray(forwardedFor) },
        });

        envelope.ClientAddress().ShouldBeNull();
    }

    [Fact]
    public void TheHttpOutputHasAStringStatusAndOneStringPerHeaderWithRepeatedValuesJoined()
    {
        var json = JsonNode.Parse(new InvocationReply()
            .HttpOutput("res", 303, [new("Location", ["/check-email"]), new("Vary", ["Accept", "Cookie"]), new("X-Empty", [])], "")
            .ToJson())!;

        var res = json["Outputs"]!["res"]!;
        res["statusCode"]!.GetValue<string>().ShouldBe("303");
        res["headers"]!["Location"]!.GetValue<string>().ShouldBe("/check-email");
        res["headers"]!["Vary"]!.GetValue<string>().ShouldBe("Accept, Cookie");
        res["headers"]!.AsObject().ContainsKey("X-Empty").ShouldBeFalse();
        res["body"]!.GetValue<string>().ShouldBe("");
        json["Logs"]!.AsArray().ShouldBeEmpty();
        json["ReturnValue"].ShouldBeNull();
    }

    [Fact]
    public void SeveralSetCookiesCannotCrossTheHostSoTheFirstIsKeptUnjoinedAndTheRestAreNamedInTheLogs()
    {
        var json = JsonNode.Parse(new InvocationReply()
            .HttpOutput("res", 200, [new("Set-Cookie", ["a=1; path=/; httponly", "b=2; path=/", "c=3"])], "ok")
            .ToJson())!;

        json["Outputs"]!["res"]!["headers"]!["Set-Cookie"]!.GetValue<string>().ShouldBe("a=1; path=/; httponly");
        json["Logs"]!.AsArray().ShouldHaveSingleItem()!.GetValue<string>().ShouldEndWith("kept a, dropped b, c");
    }
}
