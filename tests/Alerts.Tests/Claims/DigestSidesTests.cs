using Alerts.Core.Claims;
using Alerts.Core.Digests;

namespace Alerts.Tests.Claims;

/// <summary>The digest names each original source once per side, with the outlets that carried it.</summary>
public class DigestSidesTests
{
    private static ArticleInput Article(string key, string outlet, int day, string title, string text) =>
        new(key, title, text, outlet, new DateTimeOffset(2025, 3, day, 9, 0, 0, TimeSpan.Zero), $"https://{key}.example/");

    private static DigestTopic Replay(params ArticleInput[] articles)
    {
        var index = new InMemoryClaimIndex();
        var events = new List<TopicEvent>();
        foreach (var article in articles)
        {
            var result = TopicClaimEngine.Process("t", ClaimExtractor.Extract(article), index, TopicScope.Of("Estavia"));
            result.Clusters.ToList().ForEach(index.Upsert);
            events.AddRange(result.Events);
        }

        return DigestBuilder.Build("t", "Estavia", events, index.Get);
    }

    [Fact]
    public void OutletsRelayingAnAgencyCollapseIntoTheAgency()
    {
        var digest = Replay(
            Article("a", "First Daily", 1, "Estavia wants to sell its jets to Norland, Bloomberg reports", "Estavia is trying to sell its Falcon-9 jets to Norland, Bloomberg reported on Monday. The sale of the Falcon-9 jets to Norland would end a long dispute, Bloomberg said."),
            Article("b", "Second Daily", 1, "", "Estavia wants to sell the Falcon-9 jets to Norland, Bloomberg reported. Estavia is seeking to sell the Falcon-9 jets to Norland."),
            Article("c", "Third Daily", 2, "", "The Estavian Defence Ministry denied that Estavia would sell the Falcon-9 jets to Norland."));

        var item = digest.Items.First(i => i.Status != DigestStatus.New);
        var bloomberg = item.Asserting.ShouldHaveSingleItem();
        bloomberg.Source.ShouldBe("Bloomberg");
        bloomberg.Via.ShouldBe(["First Daily", "Second Daily"]);
        item.Disputing.ShouldHaveSingleItem().Via.ShouldBe(["Third Daily"]);

        var text = PlainTextDigest.Render([digest]);
        text.ShouldContain("asserted by Bloomberg (via First Daily, Second Daily; 2025-03-01)");
    }

    [Fact]
    public void APositionTakenLongBeforeIsMarkedEarlier()
    {
        var digest = Replay(
            new ArticleInput("old", "", "Defence Minister Anna Kovac said Estavia will not sell its Falcon-9 jets to Norland.", "Old Times", new DateTimeOffset(2023, 5, 1, 0, 0, 0, TimeSpan.Zero), null),
            Article("new", "New Daily", 3, "", "Estavia agreed to sell its Falcon-9 jets to Norland, Reuters reported."));

        var item = digest.Items.ShouldHaveSingleItem();
        item.Status.ShouldBe(DigestStatus.Reversed);
        PlainTextDigest.Render([digest]).ShouldContain("disputed earlier by");
    }
}
