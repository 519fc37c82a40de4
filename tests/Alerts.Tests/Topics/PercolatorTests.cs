using System.Text;
using Alerts.Core.Topics;

namespace Alerts.Tests.Topics;

public class PercolatorTests
{
    private static readonly AliasTable Aliases = AliasTable.Parse("@turkey = Turkey | Türkiye | Ankara");

    private static CompiledTopic Compile(string id, string query, IReadOnlyList<string>? languages = null, IReadOnlyList<long>? feeds = null) =>
        CompiledTopic.Compile(new Topic(id, id, query) { Languages = languages ?? [], FeedIds = feeds ?? [] }, Aliases);

    private static List<string> Ids(IReadOnlyList<TopicMatch> matches) => matches.Select(m => m.TopicId).ToList();

    [Fact]
    public void FindReturnsATopicByIdAndNullForAnUnknownOne()
    {
        var percolator = new Percolator([Compile("ports", "harbour"), Compile("mines", "quarry")]).With(Compile("ports", "dock"));

        percolator.Find("ports").ShouldNotBeNull().Query.ShouldBe(Compile("ports", "dock").Query);
        percolator.Find("mines").ShouldNotBeNull().Id.ShouldBe("mines");
        percolator.Find("rivers").ShouldBeNull();
    }

    [Fact]
    public void MatchesSayWhichClausesMatched()
    {
        var percolator = new Percolator([
            Compile("s400", "\"S-400\" AND (Turkey OR Türkiye)"),
            Compile("sanctions", "title:sanction* -opinion"),
            Compile("missiles", "@turkey NEAR/5 missile*"),
            Compile("greece", "Greece"),
        ]);

        var matches = percolator.Match(AnalyzedArticle.Create("New sanctions on Ankara", "Türkiye tested the S-400; Ankara will buy more missiles."));

        matches.ShouldBe([
            new TopicMatch("s400", ["\"S-400\"", "Türkiye"]),
            new TopicMatch("sanctions", ["title:sanction* (sanctions)"]),
            new TopicMatch("missiles", ["@turkey NEAR/5 missile*"]),
        ], ignoreOrder: false, comparer: new TopicMatchComparer());
    }

    [Fact]
    public void OnlyTopicsSharingTwoRequiredTermsWithTheArticleAreEvaluated()
    {
        var percolator = new Percolator([
            Compile("a", "turkey missile"),
            Compile("b", "greece OR cyprus"),
            Compile("c", "sanction*"),
            Compile("d", "-opinion"),
        ]);

        Ids(percolator.Match(AnalyzedArticle.Create("", "Greece and Cyprus talk about a missile"))).ShouldBe(["b", "d"]);
        percolator.Stats.ShouldBe(new PercolatorStats(Topics: 4, AlwaysEvaluated: 1, IndexedTerms: 4, IndexedPrefixes: 1, LastCandidates: 2));

        Ids(percolator.Match(AnalyzedArticle.Create("", "An opinion on sanctions in Brussels"))).ShouldBe(["c"]);
        percolator.Stats.LastCandidates.ShouldBe(2);
    }

    [Fact]
    public void RarestTermOfAnAndIsIndexedWhenStatisticsAreGiven()
    {
        var sample = Enumerable.Range(0, 50)
            .Select(i => AnalyzedArticle.Create("", i % 10 == 0 ? "missile turkey" : "turkey news"))
            .ToList();
        var topic = Compile("t", "turkey missile");

        var withCounts = new Percolator([topic], TermStatistics.FromArticles(sample));
        withCounts.Match(AnalyzedArticle.Create("", "turkey news")).ShouldBeEmpty();
        withCounts.Stats.LastCandidates.ShouldBe(0);
        withCounts.Match(AnalyzedArticle.Create("", "missile turkey")).Count.ShouldBe(1);
    }

    [Fact]
    public void WildcardsMatchKnownAndUnknownWordsAlike()
    {
        var statistics = TermStatistics.FromArticles([AnalyzedArticle.Create("", "sanctions and sanctioned banks")]);
        var percolator = new Percolator([Compile("s", "sanction*"), Compile("b", "bank* NEAR/2 sanction*")], statistics);

        Ids(percolator.Match(AnalyzedArticle.Create("", "new sanctions"))).ShouldBe(["s"]);
        Ids(percolator.Match(AnalyzedArticle.Create("", "sanctioning bankers"))).ShouldBe(["s", "b"]);
        Ids(percolator.Match(AnalyzedArticle.Create("", "sanitary banking"))).ShouldBeEmpty();
    }

    [Theory]
    [InlineData("en-GB", true)]
    [InlineData("EN", true)]
    [InlineData("de", false)]
    [InlineData("eng", false)]
    [InlineData(null, true)]
    public void LanguageRestrictionMatchesByTagPrefix(string? language, bool expected)
    {
        var percolator = new Percolator([Compile("t", "turkey", languages: ["en"])]);

        percolator.Match(AnalyzedArticle.Create("", "Turkey", language)).Count.ShouldBe(expected ? 1 : 0);
    }

    [Theory]
    [InlineData(7L, true)]
    [InlineData(8L, false)]
    [InlineData(null, false)]
    public void FeedRestrictionMatchesOnlyListedFeeds(long? feed, bool expected)
    {
        var percolator = new Percolator([Compile("t", "turkey", feeds: [7, 9])]);

        percolator.Match(AnalyzedArticle.Create("", "Turkey", "en", feed)).Count.ShouldBe(expected ? 1 : 0);
    }

    [Fact]
    public void WithReplacesATopicOfTheSameIdAndWithoutRemovesIt()
    {
        var article = AnalyzedArticle.Create("", "Greece and Turkey");
        var percolator = new Percolator([Compile("a", "turkey"), Compile("b", "cyprus")]);

        var replaced = percolator.With(Compile("b", "greece"));
        Ids(replaced.Match(article)).ShouldBe(["a", "b"]);
        replaced.Stats.Topics.ShouldBe(2);

        Ids(replaced.Without("a").Match(article)).ShouldBe(["b"]);
        Ids(percolator.Match(article)).ShouldBe(["a"]);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void PercolatorFindsExactlyWhatEvaluatingEveryQueryFinds(bool withCounts)
    {
        var random = new Random(20261121);
        var articles = Enumerable.Range(0, 300).Select(_ => RandomArticle(random)).ToList();
        var topics = Enumerable.Range(0, 2000).Select(i => RandomTopic(random, i)).ToList();
        var statistics = withCounts ? TermStatistics.FromArticles(articles.Take(100)) : TermStatistics.Heuristic;
        var percolator = new Percolator(topics, statistics);

        var candidates = 0L;
        var matched = 0L;
        foreach (var article in articles)
        {
            var expected = topics.Where(t => t.Matches(article)).Select(t => t.Id).ToList();
            var actual = Ids(percolator.Match(article));
            actual.ShouldBe(expected);
            candidates += percolator.Stats.LastCandidates;
            matched += expected.Count;
        }

        // The test is only meaningful if some topics match and the pre-filter skips most of the rest.
        matched.ShouldBeGreaterThan(articles.Count);
        candidates.ShouldBeLessThan(topics.Count * (long)articles.Count / 2);
        percolator.Stats.AlwaysEvaluated.ShouldBeGreaterThan(0);
    }

    private static readonly string[] Vocabulary =
    [
        "turkey", "Türkiye", "ankara", "S-400", "F-35", "missile", "missiles", "sanction", "sanctions", "russia",
        "ukraine", "Russia-Ukraine", "deal", "$2.5bn", "COVID-19", "Erdoğan", "erdogan", "talks", "greece", "opinion",
        "brussels", "vaccine", "vaccines", "the", "and", "near", "S-300", "U.S.", "jets", "sanctioned",
    ];

    private static readonly string[] Fillers =
    [
        "weather", "market", "football", "report", "minister", "city", "river", "price", "school", "budget",
        "election", "court", "storm", "bank", "energy", "health", "music", "science", "travel", "train",
    ];

    private static readonly string[] Prefixes = ["tu", "tür", "ank", "s-4", "s-3", "missi", "sanction", "ru", "ukr", "covid-1", "erd", "$2", "va", "f-3"];

    private static AnalyzedArticle RandomArticle(Random random)
    {
        string Words(int count)
        {
            var text = new StringBuilder();
            for (var i = 0; i < count; i++)
            {
                // Most words of a text are words no query uses, as in real articles.
                var word = random.Next(3) == 0 ? Vocabulary[random.Next(Vocabulary.Length)] : Fillers[random.Next(Fillers.Length)];
                text.Append(random.Next(4) == 0 ? word.ToUpperInvariant() : word);
                text.Append(random.Next(10) switch { 0 => ". ", 1 => ", ", 2 => "-", 3 => "s ", _ => " " });
            }

            return text.ToString();
        }

        string?[] languages = [null, "en", "en-GB", "de"];
        return AnalyzedArticle.Create(Words(random.Next(0, 6)), Words(random.Next(3, 40)),
            languages[random.Next(languages.Length)], random.Next(3) == 0 ? null : random.Next(1, 4));
    }

    private static CompiledTopic RandomTopic(Random random, int i)
    {
        var query = RandomQuery(random, depth: 0);
        var topic = new Topic($"t{i}", $"Topic {i}", query)
        {
            Languages = random.Next(8) == 0 ? ["en"] : [],
            FeedIds = random.Next(8) == 0 ? [1, 2] : [],
        };
        return CompiledTopic.Compile(topic, Aliases);
    }

    private static string RandomQuery(Random random, int depth)
    {
        if (depth >= 3 || random.Next(3) == 0)
        {
            return RandomSpan(random, depth);
        }

        string Sub() => RandomQuery(random, depth + 1);
        return random.Next(7) switch
        {
            0 => $"{Sub()} {Sub()}",
            1 => $"({Sub()} AND {Sub()})",
            2 => $"({Sub()} OR {Sub()})",
            3 => $"-{RandomSpan(random, depth)} {Sub()}",
            4 => $"NOT ({Sub()})",
            5 => $"{RandomSpan(random, depth)} NEAR/{random.Next(1, 6)} {RandomSpan(random, depth)}",
            _ => $"title:({Sub()})",
        };
    }

    private static string RandomSpan(Random random, int depth)
    {
        string Word() => Vocabulary[random.Next(Vocabulary.Length)];
        return random.Next(8) switch
        {
            0 => $"\"{Word()} {Word()}\"",
            1 => Prefixes[random.Next(Prefixes.Length)] + "*",
            2 => "@turkey",
            3 when depth < 3 => $"({Word()} OR {Word()})",
            4 => "title:" + Word(),
            _ => Word(),
        };
    }

    private sealed class TopicMatchComparer : IEqualityComparer<TopicMatch>
    {
        public bool Equals(TopicMatch? x, TopicMatch? y) =>
            x is not null && y is not null && x.TopicId == y.TopicId && x.MatchedClauses.SequenceEqual(y.MatchedClauses);

        public int GetHashCode(TopicMatch obj) => obj.TopicId.GetHashCode(StringComparison.Ordinal);
    }
}
