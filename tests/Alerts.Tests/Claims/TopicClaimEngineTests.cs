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

    [Fact]
    public void AWildcardPrefixPutsLongerWordsInScope()
    {
        var scope = TopicScope.Of(["council"], ["ferr"]);
        var claim = ClaimExtractor.Extract(Article("a", "Daily", 1, "", "Estavia will buy two ferries from Norland for 40 million euros.")).ShouldHaveSingleItem();

        scope.Covers(claim).ShouldBeTrue();
        TopicScope.Of(["ferr"], []).Covers(claim).ShouldBeFalse();
    }

    [Fact]
    public void AConflictingFigureThatNamesNoOneContradictsTheKnownFigure()
    {
        var scope = TopicScope.Of(["cost", "budget"], ["ferr"]);
        var index = new InMemoryClaimIndex();
        TopicProcessResult RunScoped(ArticleInput article)
        {
            var result = TopicClaimEngine.Process("t", ClaimExtractor.Extract(article), index, scope);
            result.Clusters.ToList().ForEach(index.Upsert);
            return result;
        }

        var first = RunScoped(Article("a", "Harbour News", 1, "Council backs the new ferry link", "The new ferry link is expected to cost 90 million euros, the harbour office said."));
        var second = RunScoped(Article("b", "Harbour News", 8, "Ferry link budget under review", "The harbour office will review the ferry budget after a shipyard warned that the boats could cost more than 120 million euros."));

        first.Events.ShouldContain(e => e.Type == TopicEventType.NewClaim && e.Claim.Text.Contains("90 million", StringComparison.Ordinal));
        var contradiction = second.Events.ShouldHaveSingleItem();
        contradiction.Type.ShouldBe(TopicEventType.Contradiction);
        contradiction.Explanation.Note.ShouldNotBeNull().ShouldContain("different value");
    }

    [Fact]
    public void ADifferentFigureAboutTheSameActorIsANewFactNotARepeat()
    {
        var index = new InMemoryClaimIndex();
        Run(index, Article("a", "First Daily", 1, "", "Estavia signed the purchase of the Falcon-9 jets for $2 billion, the ministry said."));

        var second = Run(index, Article("b", "Second Daily", 2, "", "Estavia signed a maintenance contract for the Falcon-9 jets until 2031."));

        second.Events.ShouldHaveSingleItem().Type.ShouldBe(TopicEventType.NewClaim);
    }

    [Fact]
    public void ASentenceThatGoesOnAboutTheSubjectWithNoNewActorStaysInScope()
    {
        var result = TopicClaimEngine.Process("t", ClaimExtractor.Extract(Article("a", "Daily", 1, "",
            "Estavia signed the purchase of 12 Falcon-9 jets on Monday. Defence Minister Anna Kovac said the first jets would arrive in June. Norland held elections on Sunday.")),
            new InMemoryClaimIndex(), Scope);

        result.Events.Select(e => e.Claim.Text).ShouldBe([
            "Estavia signed the purchase of 12 Falcon-9 jets on Monday.",
            "Defence Minister Anna Kovac said the first jets would arrive in June.",
        ]);
    }

    [Theory]
    [InlineData("13", "13", false)]
    [InlineData("3", "3", true)]
    public void ADistinctiveNumberCountedInOtherWordsIsTheSameGroup(string reported, string restated, bool newClaim)
    {
        var index = new InMemoryClaimIndex();
        Run(index, Article("a", "First Daily", 1, "", $"Estavia said {reported} border guards were killed defending the Varna post."));

        var second = Run(index, Article("b", "Second Daily", 2, "", $"Estavia will honour {restated} soldiers who were killed defending the Varna post."));

        second.Events.Any(e => e.Type == TopicEventType.NewClaim).ShouldBe(newClaim);
    }

    [Fact]
    public void AFollowUpThatAddsOnlyHowFarAPlaceLiesIsNoNews()
    {
        var index = new InMemoryClaimIndex();
        Run(index, Article("a", "First Daily", 1, "", "Estavia's navy captured the Varna lighthouse on Monday, the interior ministry said."));

        var second = Run(index, Article("b", "Second Daily", 2, "",
            "Estavia's navy captured the Varna lighthouse on Monday. Estavia's waters reach 12 nautical miles beyond the Varna lighthouse."));

        second.Events.ShouldBeEmpty();
    }
}
