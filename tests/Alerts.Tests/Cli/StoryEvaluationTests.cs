using System.Text.Json;
using Alerts.Cli;

namespace Alerts.Tests.Cli;

/// <summary>
/// <c>alerts eval stories ../shared/stories</c>: the real story clusters (shared/stories/README.md) replayed through
/// the pipeline and scored against their gold. Skipped when ../shared is not beside the repository (fails under CI).
/// </summary>
public class StoryEvaluationTests(ITestOutputHelper output)
{
    [Fact]
    public async Task EngineOnRealStoriesMeetsTheTargetsOfTheIssue()
    {
        var stories = Path.GetFullPath(Path.Combine(TestEnvironment.RepositoryRoot, "..", "shared", "stories"));
        TestEnvironment.RequireOrSkip(Directory.Exists(stories), $"the story set {stories} is not there (it sits beside the repository as ../shared)");

        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exit = await AlertsCommandLine.InvokeAsync(["eval", "stories", stories, "--json"], stdout, stderr, new StringReader(""));

        exit.ShouldBe(ExitCodes.Success, stderr.ToString());
        output.WriteLine(stdout.ToString());
        var result = JsonDocument.Parse(stdout.ToString()).RootElement;
        result.GetProperty("stories").GetArrayLength().ShouldBeGreaterThanOrEqualTo(10);
        var total = result.GetProperty("total");
        double Ratio(string name) => total.GetProperty(name).GetProperty("ratio").GetDouble();
        Ratio("disputes").ShouldBeGreaterThanOrEqualTo(TargetDisputes);
        Ratio("newClaims").ShouldBeGreaterThanOrEqualTo(TargetNew);
        Ratio("quiet").ShouldBeGreaterThanOrEqualTo(TargetQuiet);
        Ratio("noFalseDispute").ShouldBeGreaterThanOrEqualTo(TargetNoFalseDispute);
        total.GetProperty("alerting").GetInt32().ShouldBeLessThanOrEqualTo(MaxAlerting);
        total.GetProperty("alertingWithoutNews").GetInt32().ShouldBeLessThanOrEqualTo(MaxAlertingWithoutNews);
        total.GetProperty("alertingWithoutLabelledNews").GetInt32().ShouldBeLessThanOrEqualTo(MaxAlertingWithoutLabelledNews);
    }

    [Fact]
    public async Task EvalOfAFolderWithoutStoriesExitsTwo()
    {
        var empty = Directory.CreateTempSubdirectory("alerts-eval-").FullName;
        try
        {
            using var stdout = new StringWriter();
            using var stderr = new StringWriter();
            var exit = await AlertsCommandLine.InvokeAsync(["eval", "stories", empty], stdout, stderr, new StringReader(""));

            exit.ShouldBe(ExitCodes.Usage);
            stderr.ToString().ShouldStartWith("eval: no story folders with a gold.json");
        }
        finally
        {
            Directory.Delete(empty, recursive: true);
        }
    }

    // The issue's targets (0.90 / 0.90 / 0.90 / 0.95). Measured with `alerts eval stories ../shared/stories`: 1.00 / 1.00 /
    // 1.00 / 1.00, 35 of 60 articles alerting (9 where the gold lists no news; 45 and 19 before the rules against
    // repeated disputes, follow-ups and background; 1 where no gold.md label says ASSERTS, DENIES or CONTRADICTS either,
    // trump-losers-suckers 03, a repeated denial from a new denier); before the learned engine 0.54 / 0.92 /
    // 0.78 / 0.86, 44 of 60. The alerting bounds are one above what the engine reaches (the 8-bit arithmetic may round
    // differently on another processor), so that more noise fails the test.
    private const double TargetDisputes = 0.90;
    private const double TargetNew = 0.90;
    private const double TargetQuiet = 0.90;
    private const double TargetNoFalseDispute = 0.95;
    private const int MaxAlerting = 36;
    private const int MaxAlertingWithoutNews = 10;
    private const int MaxAlertingWithoutLabelledNews = 2;
}
