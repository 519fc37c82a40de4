using System.Text.Json;
using Alerts.Core.Claims;
using Alerts.Core.Text;

namespace Alerts.Tests.Claims;

/// <summary>
/// The engine over the fixture stories (testdata/stories/&lt;subject&gt;), scored against each subject's gold.json:
/// an event matches a gold entry when the article and type agree and the gold phrase occurs in the event's
/// sentence. Precision and recall are over all subjects together.
/// </summary>
public class GoldEvaluationTests(ITestOutputHelper output)
{
    private sealed record GoldEvent(string Article, string Type, string Phrase);

    private sealed record Gold(string[] Topic, GoldEvent[] Events);

    private static readonly JsonSerializerOptions Json = new() { PropertyNameCaseInsensitive = true };

    [Fact]
    public void EventsOnFixtureStoriesReachPrecisionAndRecallThresholds()
    {
        var root = TestEnvironment.TestData("Claims/testdata/stories");
        var subjects = Directory.GetDirectories(root).Order(StringComparer.Ordinal).ToList();
        subjects.Count.ShouldBeGreaterThanOrEqualTo(4);

        int produced = 0, gold = 0, matchedProduced = 0, matchedGold = 0;
        foreach (var subject in subjects)
        {
            var expected = JsonSerializer.Deserialize<Gold>(File.ReadAllText(Path.Combine(subject, "gold.json")), Json)!;
            var runs = StoryReplay.Run(StoryReplay.ReadFolder(subject), TopicScope.Of(expected.Topic), new InMemoryClaimIndex());
            var remaining = expected.Events.ToList();
            foreach (var (article, events) in runs)
            {
                foreach (var e in events)
                {
                    produced++;
                    var match = remaining.FirstOrDefault(g => g.Article == article.Key && g.Type == e.Type.ToString()
                        && e.Merged.Prepend(e.Claim).Any(c => Contains(c.Text, g.Phrase)));
                    output.WriteLine($"{(match is null ? "  extra" : "  ok   ")} {Path.GetFileName(subject)}/{article.Key} {e.Type}: {e.Claim.Text} | {e.Why}");
                    if (match is not null)
                    {
                        matchedProduced++;
                        remaining.Remove(match);
                    }
                }
            }

            gold += expected.Events.Length;
            matchedGold += expected.Events.Length - remaining.Count;
            foreach (var missed in remaining)
            {
                output.WriteLine($"  MISSED {Path.GetFileName(subject)}/{missed.Article} {missed.Type}: {missed.Phrase}");
            }
        }

        var precision = (double)matchedProduced / Math.Max(1, produced);
        var recall = (double)matchedGold / Math.Max(1, gold);
        output.WriteLine($"claims gold evaluation: precision {precision:0.000} ({matchedProduced}/{produced}), recall {recall:0.000} ({matchedGold}/{gold})");
        precision.ShouldBeGreaterThanOrEqualTo(0.8);
        recall.ShouldBeGreaterThanOrEqualTo(0.8);
    }

    private static bool Contains(string text, string phrase) =>
        TextFolding.Fold(text).Contains(TextFolding.Fold(phrase), StringComparison.Ordinal);
}
