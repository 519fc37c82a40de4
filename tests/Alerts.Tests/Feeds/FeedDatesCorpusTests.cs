using System.Globalization;
using System.Text;
using System.Text.Json;
using Alerts.Core.Feeds;

namespace Alerts.Tests.Feeds;

/// <summary>
/// <see cref="FeedDates"/> against the peer date lists: feedparser's date-parser cases (exact UTC instant, or
/// rejection when the expected value is null) and the snarfware RSS pubDate list (any of the acceptable instants).
/// </summary>
public class FeedDatesCorpusTests(ITestOutputHelper output)
{
    [Fact]
    public void FeedparserDateCasesPassAtLeastNinetyFivePercent()
    {
        var path = Path.Combine(TestEnvironment.RequireCorpus("dates"), "feedparser_dates.json");
        using var json = JsonDocument.Parse(File.ReadAllBytes(path));
        var cases = json.RootElement.EnumerateArray()
            .Select(c => (Label: c.GetProperty("parser").GetString()!, Input: c.GetProperty("input").GetString()!,
                Acceptable: c.GetProperty("expected_utc").GetString() is { } utc ? new[] { utc } : []))
            .ToList();

        Report("feedparser dates", cases);
    }

    [Fact]
    public void SnarfwareRssDatesPassAtLeastNinetyFivePercent()
    {
        var path = Path.Combine(TestEnvironment.RequireCorpus("dates"), "snarfware_rss_dates_everything.json");
        using var json = JsonDocument.Parse(File.ReadAllBytes(path));
        var cases = json.RootElement.EnumerateArray()
            .Select(c => (Label: c.GetProperty("title").GetString()!, Input: c.GetProperty("input").GetString()!,
                Acceptable: c.GetProperty("acceptable_utc").EnumerateArray().Select(a => a.GetString()!).ToArray()))
            .ToList();

        Report("snarfware RSS dates", cases);
    }

    [Fact]
    public void TheFeedparserCorpusCopyOfTheDatesIsTheSameList()
    {
        var inFeedparser = File.ReadAllText(Path.Combine(TestEnvironment.RequireCorpus("feedparser"), "dates.json"));
        var inDates = File.ReadAllText(Path.Combine(TestEnvironment.RequireCorpus("dates"), "feedparser_dates.json"));

        inFeedparser.ShouldBe(inDates);
    }

    private void Report(string name, List<(string Label, string Input, string[] Acceptable)> cases)
    {
        var failures = new List<string>();
        foreach (var (label, input, acceptable) in cases)
        {
            var parsed = FeedDates.TryParse(input, out var utc);
            var got = parsed ? utc.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture) : null;
            var ok = acceptable.Length == 0 ? !parsed : got is not null && acceptable.Contains(got);
            if (!ok)
            {
                failures.Add($"{label}: {JsonSerializer.Serialize(input)} expected {(acceptable.Length == 0 ? "rejection" : string.Join(" or ", acceptable))}, got {got ?? "rejection"}");
            }
        }

        var rate = 100.0 * (cases.Count - failures.Count) / cases.Count;
        var report = new StringBuilder()
            .AppendLine(CultureInfo.InvariantCulture, $"{name}: {cases.Count - failures.Count}/{cases.Count} pass ({rate:F1}%)");
        foreach (var failure in failures)
        {
            report.AppendLine("  " + failure);
        }

        var text = report.ToString();
        output.WriteLine(text);
        Console.WriteLine(text);
        TestContext.Current.SendDiagnosticMessage(text);
        cases.Count.ShouldBeGreaterThan(20);
        rate.ShouldBeGreaterThanOrEqualTo(95.0, text);
    }
}
