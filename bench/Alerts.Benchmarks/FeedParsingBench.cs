using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml;
using Alerts.Core.Feeds;
using Alerts.Tests.Feeds;
using BenchmarkDotNet.Attributes;
using CodeHollow.FeedReader;

namespace Alerts.Benchmarks;

/// <summary>
/// The feed parser against a bare <see cref="XmlReader"/> read-through of the same bytes (the floor any
/// XmlReader-based parser stands on) and against CodeHollow.FeedReader, the library we chose not to use:
/// a generated ~1 MB RSS 2.0 feed and a ~1 MB Atom feed.
/// </summary>
[MemoryDiagnoser]
public class FeedParsingBench
{
    private byte[] _rss = [];
    private byte[] _atom = [];

    [GlobalSetup]
    public void Setup()
    {
        _rss = FeedCorpus.Rss(1024 * 1024);
        _atom = FeedCorpus.Atom(1024 * 1024);
    }

    [Benchmark(Baseline = true)]
    public int XmlReaderRss() => FeedCorpus.ReadThrough(_rss);

    [Benchmark]
    public int ParseRss() => FeedParser.Parse(_rss, FeedSource.None).Items.Count;

    [Benchmark]
    public int XmlReaderAtom() => FeedCorpus.ReadThrough(_atom);

    [Benchmark]
    public int ParseAtom() => FeedParser.Parse(_atom, FeedSource.None).Items.Count;

    [Benchmark]
    public int CodeHollowRss() => FeedReader.ReadFromByteArray(_rss).Items.Count;

    [Benchmark]
    public int CodeHollowAtom() => FeedReader.ReadFromByteArray(_atom).Items.Count;
}

/// <summary>Generated feeds shaped like real ones (escaped HTML descriptions, CDATA content, dates, entities).</summary>
internal static class FeedCorpus
{
    public static byte[] Rss(int approximateBytes)
    {
        var sb = new StringBuilder("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<rss version=\"2.0\" xmlns:content=\"http://purl.org/rss/1.0/modules/content/\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\">\n<channel><title>Generated news</title><link>https://news.example.com/</link><language>en</language>\n");
        for (var i = 0; sb.Length < approximateBytes; i++)
        {
            var day = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero).AddMinutes(i * 37);
            sb.Append(CultureInfo.InvariantCulture,
                $"<item><title>Council approves budget &amp; plan number {i}</title><link>https://news.example.com/a/{i}</link>")
                .Append(CultureInfo.InvariantCulture, $"<guid isPermaLink=\"false\">news-{i}</guid><pubDate>{day:ddd, dd MMM yyyy HH:mm:ss} +0000</pubDate>")
                .Append("<dc:creator>Staff writer</dc:creator><description>&lt;p&gt;The council voted 7 to 2 on Tuesday to approve the budget, officials said.&lt;/p&gt;</description>")
                .Append("<content:encoded><![CDATA[<p>The council voted <b>7 to 2</b> on Tuesday. <a href=\"/more\">More</a> details followed at the session, which ran late into the evening.</p>]]></content:encoded></item>\n");
        }

        return Encoding.UTF8.GetBytes(sb.Append("</channel></rss>\n").ToString());
    }

    public static byte[] Atom(int approximateBytes)
    {
        var sb = new StringBuilder("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:base=\"https://blog.example.com/\" xml:lang=\"en\"><title>Generated blog</title><link href=\"/\"/><id>tag:blog.example.com,2024:feed</id>\n");
        for (var i = 0; sb.Length < approximateBytes; i++)
        {
            var day = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero).AddMinutes(i * 37);
            sb.Append(CultureInfo.InvariantCulture,
                $"<entry><title type=\"html\">Notes on release {i} &amp;lt;beta&amp;gt;</title><link href=\"posts/{i}\"/><id>tag:blog.example.com,2024:{i}</id>")
                .Append(CultureInfo.InvariantCulture, $"<published>{day:yyyy-MM-dd'T'HH:mm:ss}Z</published><updated>{day.AddHours(2):yyyy-MM-dd'T'HH:mm:ss}+02:00</updated>")
                .Append("<author><name>Ada Example</name><email>ada@example.com</email></author><summary>Short notes on the release.</summary>")
                .Append("<content type=\"xhtml\"><div xmlns=\"http://www.w3.org/1999/xhtml\"><p>This release fixes <em>three</em> bugs; see <a href=\"issues\">the issues</a>.</p></div></content></entry>\n");
        }

        return Encoding.UTF8.GetBytes(sb.Append("</feed>\n").ToString());
    }

    /// <summary>Reads every node and touches every text value, the minimum work of any XmlReader-based parser.</summary>
    public static int ReadThrough(byte[] bytes)
    {
        var settings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null };
        using var reader = XmlReader.Create(new MemoryStream(bytes), settings);
        var total = 0;
        while (reader.Read())
        {
            if (reader.NodeType is XmlNodeType.Text or XmlNodeType.CDATA)
            {
                total += reader.Value.Length;
            }
        }

        return total;
    }
}

internal static class FeedParsingQuick
{
    public static void Measure(IDictionary<string, object> result)
    {
        var rss = FeedCorpus.Rss(1024 * 1024);
        var atom = FeedCorpus.Atom(1024 * 1024);

        // Small feeds first, so that both sides are measured with tiered JIT settled rather than tier-0 code.
        var smallRss = FeedCorpus.Rss(32 * 1024);
        var smallAtom = FeedCorpus.Atom(32 * 1024);
        for (var i = 0; i < 60; i++)
        {
            FeedParser.Parse(smallRss, FeedSource.None);
            FeedParser.Parse(smallAtom, FeedSource.None);
            FeedCorpus.ReadThrough(smallRss);
            FeedCorpus.ReadThrough(smallAtom);
        }

        // Alternating short rounds, best of each side: on a shared machine the load changes from second to second.
        for (var i = 0; i < 60; i++)
        {
            FeedReader.ReadFromByteArray(smallRss);
            FeedReader.ReadFromByteArray(smallAtom);
        }

        var megabytes = (rss.Length + atom.Length) / (1024.0 * 1024.0);
        var budget = TimeSpan.FromSeconds(0.75);
        double parse = 0, read = 0, library = 0;
        for (var round = 0; round < 4; round++)
        {
            parse = Math.Max(parse, QuickMeasures.Rate(() => { FeedParser.Parse(rss, FeedSource.None); FeedParser.Parse(atom, FeedSource.None); }, budget) * megabytes);
            read = Math.Max(read, QuickMeasures.Rate(() => { FeedCorpus.ReadThrough(rss); FeedCorpus.ReadThrough(atom); }, budget) * megabytes);
            library = Math.Max(library, QuickMeasures.Rate(() => { FeedReader.ReadFromByteArray(rss); FeedReader.ReadFromByteArray(atom); }, budget) * megabytes);
        }

        result["feed_parse_mb_s"] = Math.Round(parse, 1);
        result["xmlreader_read_mb_s"] = Math.Round(read, 1);
        result["feed_parse_vs_xmlreader_ratio"] = Math.Round(parse / read, 3);
        result["codehollow_parse_mb_s"] = Math.Round(library, 1);
        result["feed_parse_vs_codehollow_ratio"] = Math.Round(parse / library, 3);
        FeedConformance.Measure(result);
    }
}

/// <summary>
/// feedparser's test cases (../shared/corpora/feedparser) judged for our parser and for CodeHollow.FeedReader
/// by the test suite's rules (FeedparserConformanceTests): same categories, same Expect: evaluator, the
/// library's feed mapped onto our model. A library that throws counts as feedparser's "bozo" with nothing
/// parsed, as our parser's refusals do. CodeHollow reports no detected encoding, so the cases that check
/// the encoding are also counted apart.
/// </summary>
internal static class FeedConformance
{
    private static readonly HashSet<string> Categories = ["rss", "atom", "atom10", "rdf", "amp", "base", "encoding", "entities", "lang"];

    public static void Measure(IDictionary<string, object> result)
    {
        var corpus = Corpus();
        if (corpus is null)
        {
            result["feed_conformance"] = "skipped: ../shared/corpora/feedparser not found";
            return;
        }

        var reasons = new Dictionary<string, int>(StringComparer.Ordinal);
        int cases = 0, ours = 0, library = 0, libraryThrew = 0, encodingCases = 0, oursWithoutEncoding = 0, libraryWithoutEncoding = 0;
        foreach (var line in File.ReadLines(Path.Combine(corpus, "manifest.jsonl")))
        {
            using var json = JsonDocument.Parse(line);
            var c = json.RootElement;
            if (!Categories.Contains(c.GetProperty("category").GetString()!.Split('/')[^1]))
            {
                continue;
            }

            var expression = PyNode.Parse(c.GetProperty("expect").GetString()!);
            if (FeedparserModel.UnsupportedPath(expression) is not null)
            {
                continue;
            }

            var bytes = File.ReadAllBytes(Path.Combine(corpus, "tests", c.GetProperty("path").GetString()!));
            var source = Source(c.GetProperty("path").GetString()!, c.GetProperty("headers"), c.GetProperty("http").GetBoolean());
            var oursPass = Passes(expression, Ours(bytes, source));
            var theirs = Library(bytes, out var error);
            if (error is not null)
            {
                // One line per kind: names and positions differ from case to case.
                var message = Regex.Replace(error.Message.Split('\n')[0], @"'[^']*'|Line \d+, position \d+|(?<=not closed: )[^.]*", "…");
                var reason = error.GetType().Name + ": " + message[..Math.Min(message.Length, 80)];
                reasons[reason] = reasons.GetValueOrDefault(reason) + 1;
            }

            var libraryPass = Passes(expression, theirs);
            var checksEncoding = c.GetProperty("expect").GetString()!.Contains("encoding", StringComparison.Ordinal);
            cases++;
            ours += oursPass ? 1 : 0;
            library += libraryPass ? 1 : 0;
            libraryThrew += theirs is null ? 1 : 0;
            encodingCases += checksEncoding ? 1 : 0;
            oursWithoutEncoding += oursPass && !checksEncoding ? 1 : 0;
            libraryWithoutEncoding += libraryPass && !checksEncoding ? 1 : 0;
        }

        MeasureDamaged(result);

        // Why CodeHollow gave no feed, most common first, on standard error so the JSON line stays one line.
        foreach (var (reason, count) in reasons.OrderByDescending(r => r.Value).Take(10))
        {
            Console.Error.WriteLine($"codehollow threw {count,4}x {reason}");
        }

        result["feed_conformance_cases"] = cases;
        result["feed_conformance_ours"] = ours;
        result["feed_conformance_codehollow"] = library;
        result["feed_conformance_codehollow_threw"] = libraryThrew;
        result["feed_conformance_cases_without_encoding"] = cases - encodingCases;
        result["feed_conformance_ours_without_encoding"] = oursWithoutEncoding;
        result["feed_conformance_codehollow_without_encoding"] = libraryWithoutEncoding;
    }

    /// <summary>
    /// Four kinds of damage seen in real feeds, each in a three-item RSS feed: how many of the four each
    /// parser turns into a feed, and how many items they keep in all.
    /// </summary>
    private static void MeasureDamaged(IDictionary<string, object> result)
    {
        const string Item = "<item><title>Story {0}</title><link>https://news.example/{0}</link><guid>s{0}</guid></item>";
        var items = string.Concat(Enumerable.Range(1, 3).Select(i => string.Format(CultureInfo.InvariantCulture, Item, i)));
        var head = "<?xml version=\"1.0\" encoding=\"utf-8\"?><rss version=\"2.0\"><channel><title>News</title><link>https://news.example/</link>";
        var whole = head + items + "</channel></rss>";
        string[] damaged =
        [
            whole[..(whole.IndexOf("<item><title>Story 3", StringComparison.Ordinal) + 20)],
            whole.Replace("<title>Story 2</title>", "<title>Story 2 & more</title>", StringComparison.Ordinal),
            whole.Replace("<title>Story 2</title>", "<title>Story <b>2</title></b>", StringComparison.Ordinal),
            whole.Replace("<title>Story 2</title>", "<title>Story 2</title><atom:link href=\"https://news.example/2\"/><itunes:author>Desk</itunes:author>", StringComparison.Ordinal),
        ];
        int oursFeeds = 0, oursItems = 0, libraryFeeds = 0, libraryItems = 0;
        foreach (var feed in damaged.Select(Encoding.UTF8.GetBytes))
        {
            if (Ours(feed, FeedSource.None) is { } ours)
            {
                oursFeeds++;
                oursItems += ours.Items.Count;
            }

            if (Library(feed) is { } theirs)
            {
                libraryFeeds++;
                libraryItems += theirs.Items.Count;
            }
        }

        result["feed_damaged_cases"] = damaged.Length;
        result["feed_damaged_ours_feeds"] = oursFeeds;
        result["feed_damaged_ours_items"] = oursItems;
        result["feed_damaged_codehollow_feeds"] = libraryFeeds;
        result["feed_damaged_codehollow_items"] = libraryItems;
    }

    private static ParsedFeed? Ours(byte[] bytes, FeedSource source)
    {
        try
        {
            return FeedParser.Parse(bytes, source);
        }
        catch (FeedParseException)
        {
            return null;
        }
    }

    /// <summary>CodeHollow's feed in our model: the fields feedparser's expectations look at.</summary>
    private static ParsedFeed? Library(byte[] bytes) => Library(bytes, out _);

    private static ParsedFeed? Library(byte[] bytes, out Exception? error)
    {
        Feed feed;
        error = null;
        try
        {
            feed = FeedReader.ReadFromByteArray(bytes);
        }
#pragma warning disable CA1031 // The library throws many types (XmlException, FormatException, NullReferenceException, ...): each is "no feed".
        catch (Exception ex)
#pragma warning restore CA1031
        {
            error = ex;
            return null;
        }

        var format = feed.Type switch
        {
            FeedType.Atom => "atom10",
            FeedType.Rss_2_0 or FeedType.MediaRss => "rss20",
            FeedType.Rss_1_0 => "rss10",
            FeedType.Rss_0_91 => "rss091u",
            FeedType.Rss_0_92 => "rss092",
            FeedType.Rss => "rss",
            _ => "",
        };
        var items = feed.Items.Select(i => new Alerts.Core.Feeds.FeedItem(
            Blank(i.Id), Blank(i.Link), Blank(i.Title), Instant(i.PublishingDate), null,
            Blank(i.Author) is { } author ? [author] : [], Blank(i.Description), Blank(i.Content))
        { Language = Blank(feed.Language) }).ToList();
        return new ParsedFeed(format, Blank(feed.Title), Blank(feed.Link), Blank(feed.Language), null, items);
    }

    private static bool Passes(PyNode expression, ParsedFeed? feed)
    {
        try
        {
            return FeedparserModel.Truthy(FeedparserModel.Evaluate(expression, FeedparserModel.Globals(feed)));
        }
        catch (PyLookupException)
        {
            return false;
        }
    }

    private static string? Blank(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private static DateTimeOffset? Instant(DateTime? value) => value is { } d
        ? new DateTimeOffset(d.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(d, DateTimeKind.Utc) : d.ToUniversalTime())
        : null;

    /// <summary>What feedparser's test server stood in for, as the conformance test sets it.</summary>
    private static FeedSource Source(string path, JsonElement headers, bool http)
    {
        Uri? baseUri = http ? new Uri(new Uri("http://127.0.0.1:8097/"), "tests/" + path) : null;
        string? contentType = null, language = null;
        foreach (var header in headers.EnumerateArray())
        {
            var (name, value) = (header[0].GetString()!, header[1].GetString()!);
            contentType = name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase) ? value : contentType;
            language = name.Equals("Content-Language", StringComparison.OrdinalIgnoreCase) ? value : language;
            if (name.Equals("Content-Location", StringComparison.OrdinalIgnoreCase))
            {
                baseUri = baseUri is null ? new Uri(value) : new Uri(baseUri, value);
            }
        }

        return new FeedSource(baseUri, contentType) { ContentLanguage = language };
    }

    /// <summary>../shared/corpora/feedparser beside the repository this bench was built from, or null.</summary>
    private static string? Corpus() =>
        SharedData.Find("corpora", "feedparser", "manifest.jsonl") is null ? null : SharedData.Find("corpora", "feedparser");
}
