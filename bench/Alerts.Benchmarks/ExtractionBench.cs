using System.Globalization;
using System.Text;
using Alerts.Core.Articles;
using AngleSharp.Html.Parser;
using BenchmarkDotNet.Attributes;

namespace Alerts.Benchmarks;

/// <summary>Main-text extraction against the bare AngleSharp parse it starts from, on the same pages.</summary>
[MemoryDiagnoser]
public class ExtractionBench
{
    private IReadOnlyList<string> _pages = [];

    [GlobalSetup]
    public void Setup() => _pages = ExtractionPages.Load();

    [Benchmark(Baseline = true)]
    public int ParseOnly()
    {
        var parser = new HtmlParser();
        var nodes = 0;
        foreach (var page in _pages)
        {
            nodes += parser.ParseDocument(page).All.Length;
        }

        return nodes;
    }

    [Benchmark]
    public int Extract()
    {
        var length = 0;
        foreach (var page in _pages)
        {
            length += ArticleExtractor.Extract(page, null).Text.Length;
        }

        return length;
    }
}

internal static class ExtractionQuick
{
    public static void Measure(IDictionary<string, object> result)
    {
        var pages = ExtractionPages.Load();
        var parser = new HtmlParser();
        void Parse()
        {
            foreach (var page in pages)
            {
                parser.ParseDocument(page);
            }
        }

        void Extract()
        {
            foreach (var page in pages)
            {
                ArticleExtractor.Extract(page, null);
            }
        }

        // Alternating rounds, so that load from other processes falls on both sides alike.
        double parseRate = 0, extractRate = 0;
        const int rounds = 2;
        for (var round = 0; round < rounds; round++)
        {
            parseRate += QuickMeasures.Rate(Parse, TimeSpan.FromSeconds(1)) * pages.Count / rounds;
            extractRate += QuickMeasures.Rate(Extract, TimeSpan.FromSeconds(1)) * pages.Count / rounds;
        }

        result["extract_pages_s"] = Math.Round(extractRate, 1);
        result["anglesharp_parse_pages_s"] = Math.Round(parseRate, 1);
        // How many plain parses one extraction costs.
        result["extract_vs_parse_ratio"] = Math.Round(parseRate / extractRate, 2);
    }
}

/// <summary>
/// The pages both sides run on: up to 20 source pages of ../shared/corpora/readability when it is there
/// (beside the repository), otherwise generated news pages.
/// </summary>
internal static class ExtractionPages
{
    private const int MaxPages = 20;

    public static IReadOnlyList<string> Load()
    {
        var corpus = FindCorpus();
        if (corpus is not null)
        {
            var pages = Directory.GetDirectories(corpus)
                .Order(StringComparer.Ordinal)
                .Select(d => Path.Combine(d, "source.html"))
                .Where(File.Exists)
                .Take(MaxPages)
                .Select(File.ReadAllText)
                .ToList();
            if (pages.Count > 0)
            {
                return pages;
            }
        }

        return Enumerable.Range(0, 10).Select(Generate).ToList();
    }

    private static string? FindCorpus() => SharedData.Find("corpora", "readability", "test", "test-pages");

    /// <summary>A news page with navigation, a weather widget, a sidebar and a dozen paragraphs.</summary>
    private static string Generate(int seed)
    {
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html><html lang=\"en\"><head><title>Story ").Append(seed).Append(" | Example Ledger</title>");
        html.Append("<meta property=\"og:title\" content=\"Story ").Append(seed).Append("\"></head><body>");
        html.Append("<header><nav><ul>");
        for (var i = 0; i < 12; i++)
        {
            html.Append(CultureInfo.InvariantCulture, $"<li><a href=\"/section/{i}\">Section {i}</a></li>");
        }

        html.Append("</ul></nav><div class=\"weather\">20.4 C</div></header><main><article><h1>Story ").Append(seed).Append("</h1>");
        for (var p = 0; p < 12; p++)
        {
            html.Append(CultureInfo.InvariantCulture, $"<p>Paragraph {p} of story {seed}: the council met on Tuesday, heard from residents, engineers and operators, and agreed to publish a full report on the harbour works, including costs, timing and the effect on ferry crossings during the winter.</p>");
            if (p == 5)
            {
                html.Append("<p>Read also: <a href=\"/other\">Another story about the harbour</a></p>");
            }
        }

        html.Append("<p>Comments (0)</p></article></main><aside class=\"sidebar\"><ul>");
        for (var i = 0; i < 8; i++)
        {
            html.Append(CultureInfo.InvariantCulture, $"<li><a href=\"/popular/{i}\">Popular story number {i}</a></li>");
        }

        return html.Append("</ul></aside><footer>Copyright</footer></body></html>").ToString();
    }
}
