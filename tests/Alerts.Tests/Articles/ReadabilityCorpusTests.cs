using System.Globalization;
using System.Text.Json;
using Alerts.Core.Articles;

namespace Alerts.Tests.Articles;

/// <summary>
/// Extraction quality against Mozilla Readability's public test pages (../shared/corpora/readability):
/// the extracted text of each source.html against the plain text of its expected.html, scored as token F1
/// over 4-word shingles, and the metadata against expected-metadata.json.
/// </summary>
public class ReadabilityCorpusTests
{
    /// <summary>The pages' own placeholder host; their expected output resolves links against it.</summary>
    private static readonly Uri FakeHost = new("http://fakehost/test/page.html");

    [Fact]
    public void ExtractedTextMatchesReadabilityExpectationsWithAverageShingleF1OfAtLeastNinetyPercent()
    {
        var pages = CorpusPages();
        var scores = pages
            .Select(dir => (Name: Path.GetFileName(dir), F1: ShingleF1.Score(
                ArticleExtractor.Extract(File.ReadAllText(Path.Combine(dir, "source.html")), FakeHost).Text,
                ArticleText.FromHtml(File.ReadAllText(Path.Combine(dir, "expected.html"))))))
            .ToList();

        var average = scores.Average(s => s.F1);
        Report($"extract: shingle F1 average {average:F4} over {scores.Count} pages");
        foreach (var (name, f1) in scores.OrderBy(s => s.F1).ThenBy(s => s.Name, StringComparer.Ordinal).Take(10))
        {
            Report(string.Create(CultureInfo.InvariantCulture, $"extract:   {f1:F3} {name}"));
        }

        scores.Count.ShouldBeGreaterThan(100);
        average.ShouldBeGreaterThanOrEqualTo(0.90);
    }

    [Fact]
    public void MetadataMatchesReadabilityExpectations()
    {
        var title = new Rate();
        var byline = new Rate();
        var lang = new Rate();
        var published = new Rate();
        foreach (var dir in CorpusPages())
        {
            var page = ArticleExtractor.Extract(File.ReadAllText(Path.Combine(dir, "source.html")), FakeHost);
            using var expected = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "expected-metadata.json")));
            title.Add(expected.RootElement, "title", page.Title);
            byline.Add(expected.RootElement, "byline", page.Byline);
            lang.Add(expected.RootElement, "lang", page.Lang);
            published.AddInstant(expected.RootElement, "publishedTime", page.Published);
        }

        Report($"extract: metadata title {title}, byline {byline}, lang {lang} (exact after collapsing whitespace), published {published} (same instant)");
        title.Value.ShouldBeGreaterThanOrEqualTo(0.95);
        byline.Value.ShouldBeGreaterThanOrEqualTo(0.90);
        lang.Value.ShouldBeGreaterThanOrEqualTo(0.95);
        published.Value.ShouldBeGreaterThanOrEqualTo(0.90);
    }

    private static string[] CorpusPages()
    {
        var root = Path.Combine(TestEnvironment.RequireCorpus("readability"), "test", "test-pages");
        return Directory.GetDirectories(root)
            .Where(d => File.Exists(Path.Combine(d, "source.html")) && File.Exists(Path.Combine(d, "expected.html")))
            .Order(StringComparer.Ordinal)
            .ToArray();
    }

    private static void Report(string line)
    {
        // Diagnostic messages show when the runner enables them; test output shows under detailed console logging.
        TestContext.Current.SendDiagnosticMessage(line);
        TestContext.Current.TestOutputHelper?.WriteLine(line);
        Console.WriteLine(line);
    }

    /// <summary>An exact-match rate over the pages whose expected metadata has the key as a string.</summary>
    private sealed class Rate
    {
        private int _matched;
        private int _identical;
        private int _total;

        public double Value => _total == 0 ? 1 : _matched / (double)_total;

        public void Add(JsonElement expected, string key, string? actual)
        {
            if (!expected.TryGetProperty(key, out var value) || value.ValueKind != JsonValueKind.String)
            {
                return;
            }

            _total++;
            if ((value.GetString() ?? "") == (actual ?? ""))
            {
                _identical++;
            }

            if (Normalize(value.GetString()) == Normalize(actual))
            {
                _matched++;
            }
        }

        /// <summary>Counts a match when both sides name the same instant (an expected value without an offset is UTC).</summary>
        public void AddInstant(JsonElement expected, string key, DateTimeOffset? actual)
        {
            if (!expected.TryGetProperty(key, out var value) || value.ValueKind != JsonValueKind.String)
            {
                return;
            }

            _total++;
            if (DateTimeOffset.TryParse(value.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var instant) && instant == actual)
            {
                _matched++;
                _identical++;
            }
        }

        public override string ToString() => _identical == _matched
            ? string.Create(CultureInfo.InvariantCulture, $"{_matched}/{_total} ({Value:P1})")
            : string.Create(CultureInfo.InvariantCulture, $"{_matched}/{_total} ({Value:P1}; {_identical} character for character)");

        /// <summary>Collapses whitespace; an empty value and a missing one are the same.</summary>
        private static string Normalize(string? text) =>
            string.Join(' ', (text ?? "").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
    }
}
