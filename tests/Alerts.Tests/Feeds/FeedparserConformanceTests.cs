using System.Globalization;
using System.Text;
using System.Text.Json;
using Alerts.Core.Feeds;

namespace Alerts.Tests.Feeds;

/// <summary>
/// feedparser's own test cases (corpora/feedparser) run against <see cref="FeedParser"/>: each case's
/// "Expect:" expression is evaluated over our result mapped onto feedparser's keys. Cases whose expression
/// needs a key our model has no field for are not applicable, listed with the key.
/// </summary>
public class FeedparserConformanceTests(ITestOutputHelper output)
{
    private static readonly HashSet<string> Categories = ["rss", "atom", "atom10", "rdf", "amp", "base", "encoding", "entities", "lang"];

    /// <summary>What feedparser's test server stands in for: http cases are fetched from this address.</summary>
    private static readonly Uri TestServer = new("http://127.0.0.1:8097/");

    [Fact]
    public void FeedparserCasesPassAtLeastNinetyFivePercent()
    {
        var corpus = TestEnvironment.RequireCorpus("feedparser");
        var passed = new List<string>();
        var failed = new List<string>();
        var notApplicable = new List<(string Reason, string Path)>();
        foreach (var line in File.ReadLines(Path.Combine(corpus, "manifest.jsonl")))
        {
            using var json = JsonDocument.Parse(line);
            var c = json.RootElement;
            var category = c.GetProperty("category").GetString()!.Split('/')[^1];
            if (!Categories.Contains(category))
            {
                continue;
            }

            var path = c.GetProperty("path").GetString()!;
            var expect = c.GetProperty("expect").GetString()!;
            var expression = PyNode.Parse(expect);
            if (FeedparserModel.UnsupportedPath(expression) is { } unsupported)
            {
                notApplicable.Add((unsupported, path));
                continue;
            }

            var source = Source(path, c.GetProperty("headers"), c.GetProperty("http").GetBoolean());
            ParsedFeed? feed = null;
            string? error = null;
            try
            {
                feed = FeedParser.Parse(File.ReadAllBytes(Path.Combine(corpus, "tests", path)), source);
            }
            catch (FeedParseException e)
            {
                // feedparser never throws; a refusal counts as its "bozo" with nothing parsed.
                error = e.Message;
            }

            bool ok;
            try
            {
                ok = FeedparserModel.Truthy(FeedparserModel.Evaluate(expression, FeedparserModel.Globals(feed)));
            }
            catch (PyLookupException e)
            {
                ok = false;
                error ??= e.Message;
            }

            if (ok)
            {
                passed.Add(path);
            }
            else
            {
                failed.Add($"{path}: expected {expect}; got {Describe(feed, error)}");
            }
        }

        var applicable = passed.Count + failed.Count;
        var rate = applicable == 0 ? 0 : 100.0 * passed.Count / applicable;
        var report = new StringBuilder()
            .AppendLine(CultureInfo.InvariantCulture,
                $"feedparser conformance: {passed.Count}/{applicable} applicable cases pass ({rate:F1}%); {notApplicable.Count} not applicable")
            .AppendLine("failures:");
        foreach (var failure in failed)
        {
            report.AppendLine("  " + failure);
        }

        report.AppendLine("not applicable (key or construct our model has no field for), by reason:");
        foreach (var group in notApplicable.GroupBy(n => n.Reason).OrderByDescending(g => g.Count()))
        {
            report.AppendLine(CultureInfo.InvariantCulture, $"  {group.Count(),4}  {group.Key}");
        }

        var text = report.ToString();
        output.WriteLine(text);
        Console.WriteLine(text);
        TestContext.Current.SendDiagnosticMessage(text);
        applicable.ShouldBeGreaterThan(500);
        rate.ShouldBeGreaterThanOrEqualTo(95.0, text);
    }

    private static FeedSource Source(string path, JsonElement headers, bool http)
    {
        Uri? baseUri = http ? new Uri(TestServer, "tests/" + path) : null;
        string? contentType = null, language = null;
        foreach (var header in headers.EnumerateArray())
        {
            var name = header[0].GetString()!;
            var value = header[1].GetString()!;
            if (name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase))
            {
                contentType = value;
            }
            else if (name.Equals("Content-Location", StringComparison.OrdinalIgnoreCase))
            {
                baseUri = baseUri is null ? new Uri(value) : new Uri(baseUri, value);
            }
            else if (name.Equals("Content-Language", StringComparison.OrdinalIgnoreCase))
            {
                language = value;
            }
        }

        return new FeedSource(baseUri, contentType) { ContentLanguage = language };
    }

    private static string Describe(ParsedFeed? feed, string? error)
    {
        if (feed is null)
        {
            return "exception " + error;
        }

        var item = feed.Items.Count > 0 ? feed.Items[0] : null;
        return $"format={feed.Format} enc={feed.Encoding} title={Quote(feed.Title)} link={Quote(feed.Link)} lang={Quote(feed.Language)} "
            + $"items={feed.Items.Count} [0]: id={Quote(item?.Id)} link={Quote(item?.Link)} title={Quote(item?.Title)} "
            + $"summary={Quote(item?.Summary)} content={Quote(item?.Content)} authors={string.Join('|', item?.Authors ?? [])} "
            + $"pub={item?.Published:o} upd={item?.Updated:o} lang={Quote(item?.Language)} warnings=[{string.Join("; ", feed.Warnings)}]"
            + (error is null ? "" : " error=" + error);
    }

    private static string Quote(string? s) => s is null ? "None" : JsonSerializer.Serialize(s);
}
