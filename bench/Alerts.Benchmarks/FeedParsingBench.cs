using System.Globalization;
using System.Text;
using System.Xml;
using Alerts.Core.Feeds;
using BenchmarkDotNet.Attributes;

namespace Alerts.Benchmarks;

/// <summary>
/// The feed parser against a bare <see cref="XmlReader"/> read-through of the same bytes (the floor any
/// XmlReader-based parser stands on): a generated ~1 MB RSS 2.0 feed and a ~1 MB Atom feed.
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
        var megabytes = (rss.Length + atom.Length) / (1024.0 * 1024.0);
        var budget = TimeSpan.FromSeconds(0.75);
        double parse = 0, read = 0;
        for (var round = 0; round < 4; round++)
        {
            parse = Math.Max(parse, QuickMeasures.Rate(() => { FeedParser.Parse(rss, FeedSource.None); FeedParser.Parse(atom, FeedSource.None); }, budget) * megabytes);
            read = Math.Max(read, QuickMeasures.Rate(() => { FeedCorpus.ReadThrough(rss); FeedCorpus.ReadThrough(atom); }, budget) * megabytes);
        }

        result["feed_parse_mb_s"] = Math.Round(parse, 1);
        result["xmlreader_read_mb_s"] = Math.Round(read, 1);
        result["feed_parse_vs_xmlreader_ratio"] = Math.Round(parse / read, 3);
    }
}
