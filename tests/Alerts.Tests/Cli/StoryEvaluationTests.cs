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
    public async Task EngineOnRealStoriesKeepsTheFiguresItHasReached()
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

    // What the engine reaches (measured with `alerts eval stories ../shared/stories`: 0.69 / 0.85 / 1.00 / 1.00, 42 of 60;
    // before this work 0.54 / 0.92 / 0.78 / 0.86, 44 of 60). The targets for disputes and new claims (0.90) are not met yet.
    private const double TargetDisputes = 0.69;
    private const double TargetNew = 0.84;
    private const double TargetQuiet = 1.0;
    private const double TargetNoFalseDispute = 1.0;
    private const int MaxAlerting = 42;
}
