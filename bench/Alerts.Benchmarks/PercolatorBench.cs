using System.Diagnostics;
using System.Text;
using Alerts.Core.Topics;
using BenchmarkDotNet.Attributes;

namespace Alerts.Benchmarks;

/// <summary>
/// Topic matching at 10,000 topics: the percolator (index the queries, pre-filter by rare terms, evaluate
/// the candidates) against evaluating every query on every article.
/// </summary>
[MemoryDiagnoser]
public class PercolatorBench
{
    private const int Articles = 100;
    private PercolatorCorpus corpus = null!;
    private Percolator percolator = null!;

    [GlobalSetup]
    public void Setup()
    {
        corpus = PercolatorCorpus.Generate(topicCount: 10_000, articleCount: Articles);
        percolator = new Percolator(corpus.Topics, TermStatistics.FromArticles(corpus.Articles));
    }

    [Benchmark(OperationsPerInvoke = Articles)]
    public int Percolate()
    {
        var matches = 0;
        foreach (var article in corpus.Articles)
        {
            matches += percolator.Match(article).Count;
        }

        return matches;
    }

    [Benchmark(OperationsPerInvoke = 10)]
    public int EvaluateEveryQuery()
    {
        var matches = 0;
        foreach (var article in corpus.Articles.Take(10))
        {
            matches += corpus.Topics.Count(t => t.Matches(article));
        }

        return matches;
    }

    [Benchmark]
    public Percolator BuildIndex() => new(corpus.Topics, TermStatistics.Heuristic);
}

internal static class PercolatorQuick
{
    public static void Measure(IDictionary<string, object> result)
    {
        var corpus = PercolatorCorpus.Generate(topicCount: 10_000, articleCount: 5_000);
        var statistics = TermStatistics.FromArticles(corpus.Articles.Take(500));

        // Index build: the median of a few builds (the first one warms up).
        var buildMs = new List<double>();
        Percolator percolator = null!;
        for (var i = 0; i < 6; i++)
        {
            var build = Stopwatch.StartNew();
            percolator = new Percolator(corpus.Topics, statistics);
            buildMs.Add(build.Elapsed.TotalMilliseconds);
        }

        buildMs = [.. buildMs.Skip(1).Order()];

        // Warm up both paths until tiered compilation and dynamic PGO have settled (about a second each).
        var warm = 0;
        QuickMeasures.Rate(() => percolator.MatchTopics(corpus.Articles[warm++ % corpus.Articles.Count]), TimeSpan.FromSeconds(1.5));
        QuickMeasures.Rate(() => _ = corpus.Topics.Count(t => t.Matches(corpus.Articles[warm++ % corpus.Articles.Count])), TimeSpan.FromSeconds(1.5));

        // Both sides in interleaved rounds, so that both see the same load on a shared machine: each round
        // percolates 500 articles and evaluates every query on 20 (the brute force is ~20x slower).
        const int Rounds = 10;
        const int Timed = 200;
        const int Checked = 1_000;
        var percolated = new List<string>[corpus.Articles.Count];
        var bruteForce = new List<string>[Checked];
        var candidates = 0L;
        var percolatorTime = TimeSpan.Zero;
        var bruteForceTime = TimeSpan.Zero;
        for (var round = 0; round < Rounds; round++)
        {
            var watch = Stopwatch.StartNew();
            var chunk = corpus.Articles.Count / Rounds;
            for (var i = round * chunk; i < (round + 1) * chunk; i++)
            {
                // The same output as the brute force below: the match set (explanations are measured apart).
                percolated[i] = percolator.MatchTopics(corpus.Articles[i]).Select(t => t.Id).ToList();
                candidates += percolator.Stats.LastCandidates;
            }

            percolatorTime += watch.Elapsed;
            watch.Restart();
            for (var i = round * Timed / Rounds; i < (round + 1) * Timed / Rounds; i++)
            {
                var article = corpus.Articles[i];
                bruteForce[i] = corpus.Topics.Where(t => t.Matches(article)).Select(t => t.Id).ToList();
            }

            bruteForceTime += watch.Elapsed;
        }

        var percolatorRate = corpus.Articles.Count / percolatorTime.TotalSeconds;
        var bruteForceRate = Timed / bruteForceTime.TotalSeconds;

        // What the pipeline calls: the match set plus the clauses that matched, for the digest's "why".
        var explained = 0;
        var explainedRate = QuickMeasures.Rate(() => percolator.Match(corpus.Articles[explained++ % corpus.Articles.Count]), TimeSpan.FromSeconds(1));
        result["percolator_with_explanations_articles_s"] = Math.Round(explainedRate, 0);

        // Compare the match sets on more articles than were timed.
        var missed = 0;
        var extra = 0;
        for (var i = 0; i < Checked; i++)
        {
            var article = corpus.Articles[i];
            var expected = bruteForce[i] ?? corpus.Topics.Where(t => t.Matches(article)).Select(t => t.Id).ToList();
            missed += expected.Except(percolated[i]).Count();
            extra += percolated[i].Except(expected).Count();
        }

        var heuristic = new Percolator(corpus.Topics, TermStatistics.Heuristic);
        var heuristicCandidates = 0L;
        foreach (var article in corpus.Articles.Take(Checked))
        {
            heuristic.Match(article);
            heuristicCandidates += heuristic.Stats.LastCandidates;
        }

        var analyze = QuickMeasures.Rate(() => AnalyzedArticle.Create(corpus.Texts[0].Title, corpus.Texts[0].Text), TimeSpan.FromSeconds(0.5));

        result["percolator_articles_s"] = Math.Round(percolatorRate);
        result["bruteforce_articles_s"] = Math.Round(bruteForceRate, 1);
        result["percolator_speedup"] = Math.Round(percolatorRate / bruteForceRate, 1);
        result["percolator_candidates_pct"] = Math.Round(100.0 * candidates / corpus.Articles.Count / corpus.Topics.Count, 3);
        result["percolator_candidates_pct_heuristic"] = Math.Round(100.0 * heuristicCandidates / Checked / corpus.Topics.Count, 3);
        result["percolator_always_evaluated"] = percolator.Stats.AlwaysEvaluated;
        result["percolator_missed"] = missed;
        result["percolator_extra"] = extra;
        result["percolator_checked_articles"] = Checked;
        result["percolator_matches_per_article"] = Math.Round(percolated.Average(p => p.Count), 2);
        result["percolator_index_build_ms"] = Math.Round(buildMs[buildMs.Count / 2], 1);
        result["percolator_analyze_articles_s"] = Math.Round(analyze);
    }
}

/// <summary>
/// A deterministic synthetic news corpus and topic set. Article words follow a Zipf law over a 20,000-word
/// vocabulary (the first ranks are real English function words); each article also names a few entities
/// (people, places, model codes, amounts), themselves Zipf-distributed, several times. Topics combine an
/// entity or two with content words in the shapes people write: implicit AND, phrases, OR groups,
/// exclusions, NEAR with a wildcard, title: restrictions, aliases, and a few pure exclusions.
/// </summary>
internal sealed class PercolatorCorpus
{
    private static readonly string[] FunctionWords =
        """
        the of and to a in that is was he for it with as his on be at by i this had not are but from or have an
        they which one you were her all she there would their we him been has when who will more no if out so said
        what up its about into than them can only other new some could time these two may then do first any my now
        such like our over man me even most made after also did many before must through back years where much your
        way well down should because each just those people how too little state good very make world still own see
        """.Split((char[])[' ', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries);

    private static readonly string[] Syllables =
    [
        "ka", "lo", "mi", "ne", "ru", "sa", "te", "vi", "do", "ga", "be", "fu", "ho", "ji", "pa", "ri", "so", "tu",
        "we", "zo", "ban", "cor", "del", "fin", "gor", "hal", "kin", "lor", "man", "nor", "pel", "ras", "sil", "tor",
    ];

    private PercolatorCorpus(List<CompiledTopic> topics, List<AnalyzedArticle> articles, List<(string Title, string Text)> texts)
    {
        Topics = topics;
        Articles = articles;
        Texts = texts;
    }

    public List<CompiledTopic> Topics { get; }

    public List<AnalyzedArticle> Articles { get; }

    public List<(string Title, string Text)> Texts { get; }

    public static PercolatorCorpus Generate(int topicCount, int articleCount)
    {
        var random = new Random(424242);
        var vocabulary = Vocabulary(random, 20_000);
        var entities = Entities(random, 3_000);
        var words = new Zipf(vocabulary.Length, 1.0);
        var popularEntities = new Zipf(entities.Length, 0.7);

        var texts = new List<(string Title, string Text)>(articleCount);
        for (var i = 0; i < articleCount; i++)
        {
            texts.Add(Article(random, vocabulary, words, entities, popularEntities));
        }

        var aliasText = new StringBuilder();
        for (var i = 0; i < 200; i++)
        {
            aliasText.Append(System.Globalization.CultureInfo.InvariantCulture, $"@group{i} = ")
                .AppendJoin(" | ", Enumerable.Range(0, 3).Select(_ => Quote(entities[popularEntities.Next(random)]))).Append('\n');
        }

        var aliases = AliasTable.Parse(aliasText.ToString());
        var topics = new List<CompiledTopic>(topicCount);
        for (var i = 0; i < topicCount; i++)
        {
            var query = TopicQuery(random, i, vocabulary, entities, popularEntities);
            topics.Add(CompiledTopic.Compile(new Topic($"topic-{i}", $"Topic {i}", query), aliases));
        }

        var articles = texts.Select(t => AnalyzedArticle.Create(t.Title, t.Text, "en", 1)).ToList();
        return new PercolatorCorpus(topics, articles, texts);
    }

    private static string Quote(string entity) => entity.Contains(' ', StringComparison.Ordinal) ? $"\"{entity}\"" : entity;

    private static string[] Vocabulary(Random random, int size)
    {
        var words = new List<string>(FunctionWords);
        var seen = new HashSet<string>(words, StringComparer.Ordinal);
        while (words.Count < size)
        {
            var word = string.Concat(Enumerable.Range(0, random.Next(2, 5)).Select(_ => Syllables[random.Next(Syllables.Length)]));
            if (seen.Add(word))
            {
                words.Add(word);
            }
        }

        return [.. words];
    }

    private static string[] Entities(Random random, int count)
    {
        string Name() => string.Concat(Enumerable.Range(0, random.Next(2, 4)).Select(_ => Syllables[random.Next(Syllables.Length)]));
        string Capital(string s) => char.ToUpperInvariant(s[0]) + s[1..];
        var entities = new HashSet<string>(StringComparer.Ordinal);
        while (entities.Count < count)
        {
            entities.Add(random.Next(10) switch
            {
                0 => $"{(char)('A' + random.Next(26))}{(char)('A' + random.Next(26))}-{random.Next(2, 999)}",
                1 => $"${random.Next(1, 99)}.{random.Next(1, 9)}bn",
                2 => Capital(Name()).Replace('o', 'ö').Replace('g', 'ğ'),
                3 => $"{Capital(Name())}-{Capital(Name())}",
                4 or 5 or 6 => $"{Capital(Name())} {Capital(Name())}",
                _ => Capital(Name()) + "ex",
            });
        }

        return [.. entities];
    }

    private static (string Title, string Text) Article(Random random, string[] vocabulary, Zipf words, string[] entities, Zipf popularEntities)
    {
        var named = Enumerable.Range(0, random.Next(4, 9)).Select(_ => entities[popularEntities.Next(random)]).ToArray();
        string Sentence(int length)
        {
            var sentence = new StringBuilder();
            for (var w = 0; w < length; w++)
            {
                sentence.Append(random.Next(12) == 0 ? named[random.Next(named.Length)] : vocabulary[words.Next(random)]);
                sentence.Append(random.Next(15) == 0 ? ", " : " ");
            }

            sentence[0] = char.ToUpperInvariant(sentence[0]);
            return sentence.ToString().TrimEnd(' ', ',') + ". ";
        }

        var text = new StringBuilder();
        while (text.Length < 5_000)
        {
            text.Append(Sentence(random.Next(10, 26)));
        }

        return (Sentence(random.Next(6, 12)).TrimEnd(' ', '.'), text.ToString());
    }

    private static string TopicQuery(Random random, int i, string[] vocabulary, string[] entities, Zipf popularEntities)
    {
        // Content words: past the function words, up to rank 5,000, uniform on a log scale.
        var first = Math.Log(FunctionWords.Length);
        string Word() => vocabulary[(int)Math.Exp(first + (random.NextDouble() * (Math.Log(5_000) - first)))];
        string Entity() => Quote(entities[popularEntities.Next(random)]);
        string Words(int count) => string.Join(' ', Enumerable.Range(0, count).Select(_ => Word()));
        if (i % 2_000 == 1_999)
        {
            return $"-{Word()} -{Word()}";
        }

        return random.Next(20) switch
        {
            0 or 1 or 2 or 3 => $"{Entity()} {Words(random.Next(1, 3))}",
            4 or 5 => $"{Entity()} ({Word()} OR {Word()})",
            6 or 7 => $"{Entity()} NEAR/5 {Word()[..4]}*",
            8 or 9 => $"{Entity()} {Word()} -{Word()}",
            10 or 11 or 12 => $"({Entity()} OR {Entity()}) {Words(random.Next(1, 3))}",
            13 => $"title:{Word()[..4]}* {Entity()}",
            14 => $"@group{random.Next(200)} {Word()}",
            15 => $"\"{Word()} {Word()}\" {Word()} -{Word()}",
            _ => Words(random.Next(2, 5)),
        };
    }

    /// <summary>Ranks 0..n-1 drawn with probability proportional to 1 / (rank + 1)^s.</summary>
    private sealed class Zipf
    {
        private readonly double[] cumulative;

        public Zipf(int n, double s)
        {
            cumulative = new double[n];
            var total = 0.0;
            for (var r = 0; r < n; r++)
            {
                total += 1 / Math.Pow(r + 1, s);
                cumulative[r] = total;
            }

            for (var r = 0; r < n; r++)
            {
                cumulative[r] /= total;
            }
        }

        public int Next(Random random)
        {
            var i = Array.BinarySearch(cumulative, random.NextDouble());
            return Math.Min(i < 0 ? ~i : i, cumulative.Length - 1);
        }
    }
}
