using System.Diagnostics;
using System.Globalization;
using System.Text;
using Alerts.Core.Articles;
using Alerts.Core.Claims;
using Alerts.Core.Claims.Stance;
using BenchmarkDotNet.Attributes;

namespace Alerts.Benchmarks;

/// <summary>Claim extraction, relate and the topic engine on generated news text (2 KB articles).</summary>
[MemoryDiagnoser]
public class ClaimsBench
{
    private ArticleInput _article = null!;
    private InMemoryClaimIndex _index = null!;

    [GlobalSetup]
    public void Setup()
    {
        _article = ClaimsCorpus.Article(7);
        _index = ClaimsCorpus.Index(1_000);
    }

    [Benchmark]
    public int Extract() => ClaimExtractor.Extract(_article).Count;

    [Benchmark]
    public Relation Relate() => ClaimRelator.Relate(ClaimsCorpus.Claim(7), _article.Text, _article.Title).Relation;

    [Benchmark]
    public int Engine() => TopicClaimEngine.Process("topic-0", ClaimExtractor.Extract(_article), _index).Events.Count;
}

/// <summary>
/// Quick figures: claims extracted per second (relate is measured by <see cref="StanceQuick"/>), and engine articles per
/// second with 1,000 and with 1,000,000 stored clusters (their ratio shows whether the cost stays flat).
/// </summary>
internal static class ClaimsQuick
{
    public static void Measure(IDictionary<string, object> result)
    {
        var articles = Enumerable.Range(0, 50).Select(ClaimsCorpus.Article).ToList();
        var claims = 0;
        var i = 0;
        var extractRate = QuickMeasures.Rate(() => claims += ClaimExtractor.Extract(articles[i++ % articles.Count]).Count, TimeSpan.FromSeconds(1.5));
        result["claims_extracted_per_s"] = Math.Round(extractRate * claims / Math.Max(1, i - 1), 0);
        result["claims_article_bytes"] = articles.Sum(a => a.Text.Length) / articles.Count;

        var smallIndex = ClaimsCorpus.Index(1_000);
        var watch = Stopwatch.StartNew();
        var largeIndex = ClaimsCorpus.Index(1_000_000);
        result["claims_index_1m_build_s"] = Math.Round(watch.Elapsed.TotalSeconds, 1);

        // Both sides in alternating rounds, so that load from other processes falls on both alike.
        double small = 0, large = 0;
        for (var round = 0; round < 4; round++)
        {
            small += EngineRate(smallIndex, articles) / 4;
            large += EngineRate(largeIndex, articles) / 4;
        }

        result["engine_articles_per_s_1k_clusters"] = Math.Round(small, 0);
        result["engine_articles_per_s_1m_clusters"] = Math.Round(large, 0);
        result["engine_flat_ratio"] = Math.Round(large / small, 2);

        // The learned engine beside the rules alone (the engine before embeddings and the stance model), each article
        // met for the first time: its claims embedded and the stance model asked, as ProcessArticle does. The
        // generated articles draw on small vocabularies, so their sentences repeat and some vectors come from the
        // cache; the real stories below have none of that.
        var next = 1_000;
        double rules = 0, learned = 0;
        for (var round = 0; round < 2; round++)
        {
            rules += EngineRate(smallIndex, articles) / 2;
            learned += QuickMeasures.Rate(
                () =>
                {
                    var article = ClaimsCorpus.Article(next++);
                    var claims = ClaimEmbeddings.Attach(ClaimExtractor.Extract(article), SentenceEmbedder.Shared);
                    TopicClaimEngine.Process("topic-0", claims, smallIndex, null, TopicClaimEngine.ArticleStance(article, StanceModel.Shared));
                },
                TimeSpan.FromSeconds(3)) / 2;
        }

        result["engine_rules_articles_per_s"] = Math.Round(rules, 1);
        result["engine_learned_articles_per_s"] = Math.Round(learned, 1);
        result["engine_learned_vs_rules_ratio"] = Math.Round(learned / rules, 3);
        MeasureStories(result);
    }

    /// <summary>
    /// Both engines on the real articles of ../shared/stories (when it is there), each story replayed into its own
    /// index in published order; the learned side with a fresh embedder and stance model, so nothing is cached.
    /// </summary>
    private static void MeasureStories(IDictionary<string, object> result)
    {
        var folder = SharedData.Find("stories");
        if (folder is null)
        {
            result["engine_stories"] = "skipped: ../shared/stories not found";
            return;
        }

        var stories = Directory.GetDirectories(folder).Order(StringComparer.Ordinal)
            .Select(d => ArticleFile.ReadFolder(d).Select(f => f.ToInput()).ToList())
            .Where(s => s.Count > 0)
            .ToList();
        var articles = stories.Sum(s => s.Count);

        // CPU seconds to replay every story, each into its own index in published order.
        double Replay(Func<ArticleInput, InMemoryClaimIndex, TopicProcessResult> process)
        {
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            foreach (var story in stories)
            {
                var index = new InMemoryClaimIndex();
                foreach (var article in story)
                {
                    foreach (var cluster in process(article, index).Clusters)
                    {
                        index.Upsert(cluster);
                    }
                }
            }

            return (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
        }

        var rulesSeconds = Replay((article, index) => TopicClaimEngine.Process("topic-0", ClaimExtractor.Extract(article), index));
        using var embedder = new SentenceEmbedder();
        var model = new StanceModel(StanceModel.Shared.File, StanceModel.Shared.Terms, texts => embedder.Embed(texts));
        var learnedSeconds = Replay((article, index) => TopicClaimEngine.Process(
            "topic-0", ClaimEmbeddings.Attach(ClaimExtractor.Extract(article), embedder), index, null, TopicClaimEngine.ArticleStance(article, model)));
        result["engine_stories_articles"] = articles;
        result["engine_stories_rules_articles_per_cpu_s"] = Math.Round(articles / rulesSeconds, 1);
        result["engine_stories_learned_articles_per_cpu_s"] = Math.Round(articles / learnedSeconds, 1);
        result["engine_stories_learned_vs_rules_ratio"] = Math.Round(rulesSeconds / learnedSeconds, 3);
    }

    private static double EngineRate(InMemoryClaimIndex index, List<ArticleInput> articles)
    {
        var extracted = articles.Select(ClaimExtractor.Extract).ToList();
        var n = 0;
        return QuickMeasures.Rate(() => TopicClaimEngine.Process("topic-0", extracted[n++ % extracted.Count], index), TimeSpan.FromSeconds(0.5));
    }
}

/// <summary>Deterministic generated news: names, predicates and amounts drawn from small vocabularies.</summary>
internal static class ClaimsCorpus
{
    private static readonly string[] Places = ["Estavia", "Norland", "Varnia", "Ostmark", "Kessel", "Dravik", "Tarvia", "Brunsvik", "Orvane", "Pellico"];
    private static readonly string[] People = ["Anna Kovac", "Pavel Renko", "Ilse Varga", "Mara Ostrova", "Daniel Price", "Erik Dahl", "Lena Marsh", "Colin Ashby"];
    private static readonly string[] Verbs = ["return", "sell", "buy", "transfer", "cancel", "approve", "ban", "deliver"];
    private static readonly string[] Things = ["jets", "tanks", "ships", "shares", "contracts", "licences", "turbines", "satellites"];
    private static readonly string[] Heads = ["return", "sell", "buy", "transfer", "cancel", "approve", "ban", "deliver", "agree", "remove"];

    public static string Claim(int seed) =>
        $"{Places[seed % Places.Length]} plans to {Verbs[seed % Verbs.Length]} its {Things[seed % Things.Length]} to {Places[(seed + 3) % Places.Length]}.";

    /// <summary>About 2 KB: a report, a denial, amounts, dates, boilerplate.</summary>
    public static ArticleInput Article(int seed)
    {
        var random = new Random(seed);
        string Place() => Places[random.Next(Places.Length)];
        string Person() => People[random.Next(People.Length)];
        string Verb() => Verbs[random.Next(Verbs.Length)];
        string Thing() => Things[random.Next(Things.Length)];
        var text = new StringBuilder();
        while (text.Length < 2000)
        {
            var sentence = random.Next(6) switch
            {
                0 => $"{Place()} is trying to {Verb()} its {Thing()} to {Place()}, Bloomberg reported, citing people familiar with the talks.",
                1 => $"Foreign Minister {Person()} denied that such a request was made during the meeting in {Place()}.",
                2 => $"{Place()} agreed to {Verb()} {random.Next(2, 90)} {Thing()} in a US${random.Next(1, 9)}.{random.Next(10)} billion deal signed in {random.Next(2000, 2025)}.",
                3 => $"The dispute could be resolved within {random.Next(2, 6)} to {random.Next(6, 12)} months, {Person()} said on Dec. {random.Next(1, 28)}.",
                4 => $"{Place()}'s position on the {Thing()} remains unchanged, the {Place()} defence ministry said.",
                _ => $"Read also: {Place()} weather. The {Thing()} have not been used since July {random.Next(2015, 2024)}.",
            };
            text.Append(sentence).Append(random.Next(3) == 0 ? '\n' : ' ');
        }

        return new ArticleInput(
            "gen-" + seed.ToString(CultureInfo.InvariantCulture),
            $"{Place()} seeks to {Verb()} {Thing()} to {Place()}, report says",
            text.ToString(),
            "Generated Times",
            new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero).AddHours(seed),
            null);
    }

    /// <summary>
    /// An index of <paramref name="count"/> compact clusters in one topic: each with a member signature of two of
    /// 50,000 generated entity names plus one place, one predicate head and a shared object set.
    /// </summary>
    public static InMemoryClaimIndex Index(int count)
    {
        const int Names = 50_000;
        var objects = new[] { Set("system"), Set("jet"), Set("contract"), Set("share") };
        var predicates = Heads.Select(h => Set(h)).ToArray();
        var empty = Array.Empty<Quantity>();
        var sighting = new SourceSighting("generated", "Generated", AttributionKind.Outlet, Polarity.Asserted, "g", "g", "generated", null, null, null);

        // Cluster i and cluster i + 50,000 have the same (immutable) signature: shared to keep a million clusters compact.
        var signatures = new ClaimSignature[Math.Min(count, Names)];
        for (var i = 0; i < signatures.Length; i++)
        {
            var entities = new[]
            {
                "name" + i.ToString(CultureInfo.InvariantCulture),
                "name" + ((i * 7 + 1) % Names).ToString(CultureInfo.InvariantCulture),
                Places[i % Places.Length].ToLowerInvariant(),
            };
            signatures[i] = new ClaimSignature(entities, predicates[i % predicates.Length], objects[i % objects.Length], empty);
        }

        var index = new InMemoryClaimIndex();
        for (var i = 0; i < count; i++)
        {
            var id = "c" + i.ToString(CultureInfo.InvariantCulture);
            index.Upsert(new ClaimCluster(id, "topic-0", [new ClusterMember(id, "g", "generated", Polarity.Asserted, signatures[i % Names])], [sighting]));
        }

        return index;
    }

    private static HashSet<string> Set(string value) => new(StringComparer.Ordinal) { value };
}
