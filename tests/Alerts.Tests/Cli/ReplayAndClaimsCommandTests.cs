using System.Text.Json;
using Alerts.Cli;

namespace Alerts.Tests.Cli;

public class ReplayAndClaimsCommandTests
{
    private static string Stories => TestEnvironment.TestData(Path.Combine("Cli", "testdata", "replay"));

    private static async Task<(int Exit, string Out, string Err)> RunAsync(string[] args, string? input = null)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        using var reader = new StringReader(input ?? "");
        var exit = await AlertsCommandLine.InvokeAsync(args, output, error, reader);
        return (exit, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task ReplayJsonPrintsOneObjectPerEventWithTheDocumentedFields()
    {
        var (exit, output, error) = await RunAsync(["replay", Stories, "--topic", "Velmar AND ferry", "--json"]);

        exit.ShouldBe(ExitCodes.Success, error);
        var events = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonDocument.Parse(line).RootElement).ToList();
        events.ShouldNotBeEmpty();
        foreach (var field in new[] { "article", "type", "cluster", "claim", "polarity", "attribution", "why" })
        {
            events.All(e => e.TryGetProperty(field, out _)).ShouldBeTrue(field);
        }

        events.ShouldContain(e => e.GetProperty("article").GetString() == "01-report.txt" && e.GetProperty("type").GetString() == "NewClaim");
        events.ShouldContain(e => e.GetProperty("article").GetString() == "02-denial.txt" && e.GetProperty("type").GetString() == "Contradiction"
            && e.GetProperty("polarity").GetString() == "denied");
        events.ShouldNotContain(e => e.GetProperty("article").GetString() == "03-unrelated.txt");
    }

    [Fact]
    public async Task ReplayEndsWithTheDigestASubscriberWouldReceive()
    {
        var (exit, output, error) = await RunAsync(["replay", Stories, "--topic", "Velmar AND ferry"]);

        exit.ShouldBe(ExitCodes.Success, error);
        output.ShouldContain("03-unrelated.txt  2025-03-05  Storm closes mountain pass for two days (does not match the topic)");
        output.ShouldContain("=== The digest a subscriber would receive ===");
        output.ShouldContain("[DISPUTED]");
        output.ShouldContain("disputed by");
    }

    [Fact]
    public async Task ReplayOfAMissingFolderOrAMalformedQueryExitsTwo()
    {
        (await RunAsync(["replay", Path.Combine(Stories, "nope"), "--topic", "x"])).Exit.ShouldBe(ExitCodes.Usage);

        var (exit, _, error) = await RunAsync(["replay", Stories, "--topic", "Velmar AND (ferry"]);

        exit.ShouldBe(ExitCodes.Usage);
        error.ShouldStartWith("topics: query error at position");
    }

    [Fact]
    public async Task ClaimsExtractJsonGivesEveryFieldOfEachClaim()
    {
        var (exit, output, error) = await RunAsync(["claims", "extract", Path.Combine(Stories, "02-denial.txt"), "--json"]);

        exit.ShouldBe(ExitCodes.Success, error);
        var claims = JsonDocument.Parse(output).RootElement.EnumerateArray().ToList();
        claims.ShouldNotBeEmpty();
        var headline = claims.First(c => c.GetProperty("isHeadline").GetBoolean());
        headline.GetProperty("text").GetString().ShouldBe("Velmar port authority denies ferry line sale");
        headline.GetProperty("polarity").GetString().ShouldBe("denied");
        foreach (var field in new[] { "entities", "predicateTerms", "quantities", "modality", "attribution", "cues" })
        {
            headline.TryGetProperty(field, out _).ShouldBeTrue(field);
        }
    }

    [Fact]
    public async Task ClaimsRelateAnswersOneLinePerRequestAndReportsMalformedLines()
    {
        var input = string.Join('\n',
            """{"id":1,"claim":"Velmar is selling its ferry line to Ostrova Shipping.","text":"The port authority of Velmar denied that it was selling its ferry line to Ostrova Shipping."}""",
            "not json",
            """{"id":"b","claim":"Velmar is selling its ferry line.","text":"The mountain pass reopened on Friday after the snow was cleared."}""");

        var (exit, output, error) = await RunAsync(["claims", "relate"], input);

        exit.ShouldBe(ExitCodes.Failures);
        error.ShouldContain("claims: line 2: not valid JSON");
        var answers = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonDocument.Parse(line).RootElement).ToList();
        answers.Count.ShouldBe(2);
        answers[0].GetProperty("id").GetInt32().ShouldBe(1);
        answers[0].GetProperty("relation").GetString().ShouldBe("disputes");
        answers[1].GetProperty("id").GetString().ShouldBe("b");
        answers[1].GetProperty("relation").GetString().ShouldBe("unrelated");
        answers[1].TryGetProperty("score", out _).ShouldBeTrue();
        answers[1].TryGetProperty("why", out _).ShouldBeTrue();
    }
}
