using System.Text.Json;
using Alerts.Core.Claims;

namespace Alerts.Tests.Claims;

public class TopicClaimEngineTests
{
    private static readonly TopicScope Scope = TopicScope.Of("Estavia");

    private static ArticleInput Article(string key, string outlet, int day, string title, string text) =>
        new(key, title, text, outlet, new DateTimeOffset(2025, 3, day, 9, 0, 0, TimeSpan.Zero), $"https://{key}.example/");

    private static TopicProcessResult Run(InMemoryClaimIndex index, ArticleInput article)
    {
        var result = TopicClaimEngine.Process("t", ClaimExtractor.Extract(article), index, Scope);
        foreach (var cluster in result.Clusters)
        {
            index.Upsert(cluster);
        }

        return result;
    }

    [Fact]
    public void TwoOutletsRelayingTheSameAgencyAreOneSource()
    {
        var index = new InMemoryClaimIndex();
        Run(index, Article("a", "First Daily", 1, "", "Estavia plans to sell its Falcon-9 jets to Norland, Bloomberg reported, citing people familiar with the talks."));

        var second = Run(index, Article("b", "Second Daily", 1, "", "Estavia plans to sell its Falcon-9 jets to Norland, according to Bloomberg."));

        second.Events.ShouldBeEmpty();
        second.Assignments.ShouldHaveSingleItem().Outcome.ShouldStartWith("repeat");
    }

    [Fact]
    public void AnIndependentSourceCorroboratesAndADenialContradicts()
    {
        var index = new InMemoryClaimIndex();
        Run(index, Article("a", "First Daily", 1, "", "Estavia plans to sell its Falcon-9 jets to Norland, Bloomberg reported."));

        var corroboration = Run(index, Article("b", "Second Daily", 2, "", "Defence Minister Anna Kovac said Estavia will sell the Falcon-9 jets to Norland."));
        var denial = Run(index, Article("c", "Third Daily", 3, "", "Estavian army chief Piet Molen denied that Estavia would sell the Falcon-9 jets to Norland."));

        corroboration.Events.ShouldHaveSingleItem().Type.ShouldBe(TopicEventType.Corroboration);
        var contradiction = denial.Events.ShouldHaveSingleItem();
        contradiction.Type.ShouldBe(TopicEventType.Contradiction);
        contradiction.Explanation.OtherSentence.ShouldNotBeNull().ShouldContain("Falcon-9");
        contradiction.Explanation.SharedEntities.ShouldContain("falcon-9");
        contradiction.Explanation.Cues.ShouldContain("denied");
    }

    [Fact]
    public void ClaimsOutsideTheTopicScopeAreIgnored()
    {
        var result = TopicClaimEngine.Process("t", ClaimExtractor.Extract(Article("a", "Daily", 1, "", "Norland raised interest rates by half a point, the central bank said.")), new InMemoryClaimIndex(), Scope);

        result.Events.ShouldBeEmpty();
        result.Clusters.ShouldBeEmpty();
    }

    [Fact]
    public void ClustersRoundTripThroughJsonForStorage()
    {
        var result = TopicClaimEngine.Process("t", ClaimExtractor.Extract(Article("a", "Daily", 1, "", "Estavia sold 12 Falcon-9 jets to Norland for $2.5 billion in 2019, the ministry said.")), new InMemoryClaimIndex(), Scope);
        var cluster = result.Clusters.ShouldHaveSingleItem();

        var copy = JsonSerializer.Deserialize<ClaimCluster>(JsonSerializer.Serialize(cluster))!;

        copy.Id.ShouldBe(cluster.Id);
        copy.IndexKeys().ShouldBe(cluster.IndexKeys());
        ClaimSimilarity.Compare(copy.Representative.Signature, cluster.Representative.Signature).Score.ShouldBeGreaterThan(0.9);
    }
}
