using Alerts.Core.Claims;

namespace Alerts.Tests.Claims;

/// <summary>
/// The reference story (../shared/seeds, see its README): replayed in published order (004, 000, 001, 003, 002)
/// for the topic "S-400" AND (Turkey OR Türkiye), the engine must raise the events the README lists.
/// </summary>
public class SeedStoryTests(ITestOutputHelper output)
{
    private static string SeedsFolder()
    {
        var path = Path.GetFullPath(Path.Combine(TestEnvironment.RepositoryRoot, "..", "shared", "seeds"));
        TestEnvironment.RequireOrSkip(Directory.Exists(path), $"the seed articles {path} are not there (they sit beside the repository as ../shared/seeds)");
        return path;
    }

    private Dictionary<string, IReadOnlyList<TopicEvent>> Replay()
    {
        var articles = StoryReplay.ReadFolder(SeedsFolder());
        articles.Select(a => a.Key[..3]).ShouldBe(["004", "000", "001", "003", "002"]);
        var runs = StoryReplay.Run(articles, TopicScope.Of("S-400", "Turkey", "Türkiye"), new InMemoryClaimIndex());
        foreach (var (article, events) in runs)
        {
            output.WriteLine($"== {article.Key} ({article.Outlet}, {article.Published:yyyy-MM-dd})");
            foreach (var e in events)
            {
                output.WriteLine($"  {e.Type} {e.Polarity} [{e.Attribution.Source}] {e.Claim.Text}");
                output.WriteLine($"     why: {e.Why}");
            }
        }

        return runs.ToDictionary(r => r.Article.Key[..3], r => r.Events, StringComparer.Ordinal);
    }

    private static bool Says(TopicEvent e, string phrase) =>
        e.Merged.Prepend(e.Claim).Any(c => c.Text.Contains(phrase, StringComparison.OrdinalIgnoreCase));

    [Fact]
    public void ANegationThatDoesNotSpeakToTheReturnClaimIsNotListedAsDisputingIt()
    {
        // "Bloomberg says Türkiye has never activated the S-400s" joins the return claim's cluster but does not dispute
        // it: the digest must not show Bloomberg among those disputing its own report.
        var index = new InMemoryClaimIndex();
        var runs = StoryReplay.Run(StoryReplay.ReadFolder(SeedsFolder()), TopicScope.Of("S-400", "Turkey", "Türkiye"), index);
        var central = runs.SelectMany(r => r.Events).First(e => e.Type == TopicEventType.NewClaim && Says(e, "abandoning")).ClusterId;

        var cluster = index.Get(central).ShouldNotBeNull();

        cluster.Sightings.ShouldContain(s => s.Polarity == Polarity.Denied && s.SourceKey == "kremlin");
        cluster.Sightings.ShouldNotContain(s => s.Polarity == Polarity.Denied && s.SourceKey == "bloomberg");
    }

    [Fact]
    public void ReplayRaisesTheEventsTheSeedReadmeExpects()
    {
        var events = Replay();

        // 004 (2022): the SSB head says Turkey will not give up the S-400.
        var giveUp = events["004"].Single(e => e.Type == TopicEventType.NewClaim && Says(e, "abandoning"));
        giveUp.Polarity.ShouldBe(Polarity.Denied);
        giveUp.Attribution.Kind.ShouldBe(AttributionKind.Official);
        giveUp.Attribution.SourceKey.ShouldBe("ssb");
        var central = giveUp.ClusterId;

        // 000: the return claim reverses the 2022 position; the Kremlin denial contradicts the request; a refund is new.
        var reversal = events["000"].Single(e => e.ClusterId == central && e.Polarity == Polarity.Asserted);
        reversal.Type.ShouldBe(TopicEventType.Contradiction);
        reversal.Attribution.SourceKey.ShouldBe("bloomberg");
        reversal.Explanation.Note.ShouldNotBeNull().ShouldContain("reversal over time");
        var kremlin = events["000"].Single(e => e.ClusterId == central && e.Polarity == Polarity.Denied);
        kremlin.Type.ShouldBe(TopicEventType.Contradiction);
        kremlin.Attribution.SourceKey.ShouldBe("kremlin");
        kremlin.Claim.RefersTo.ShouldNotBeNull();
        events["000"].ShouldContain(e => e.Type == TopicEventType.NewClaim && Says(e, "refund"));

        // 001: the same Bloomberg report and the same Kremlin denial raise nothing on the central claim.
        events["001"].ShouldNotContain(e => e.ClusterId == central);
        events["000"].Concat(events["001"]).Count(e => e.Type == TopicEventType.NewClaim && Says(e, "sanctions to be lifted")).ShouldBe(1);

        // 003: the Kremlin spokesman puts the known Kremlin denial on record: the same source, a corroboration.
        var peskov = events["003"].Single(e => e.ClusterId == central);
        peskov.Polarity.ShouldBe(Polarity.Denied);
        peskov.Type.ShouldBe(TopicEventType.Corroboration);
        peskov.Attribution.SourceKey.ShouldBe("kremlin");
        Says(peskov, "Peskov").ShouldBeTrue();

        // 002: the Turkish Armed Forces say the position is unchanged, against the return claim.
        var military = events["002"].Where(e => e.ClusterId == central && e.Type == TopicEventType.Contradiction).ShouldHaveSingleItem();
        military.Polarity.ShouldBe(Polarity.Denied);
        military.Attribution.Source.ShouldContain("Armed Forces");
        Says(military, "unchanged").ShouldBeTrue();

        // 002: the contract's ban on transfers to third countries is a claim of its own.
        events["002"].ShouldContain(e => e.Type == TopicEventType.NewClaim && e.ClusterId != central && Says(e, "third-party countries"));
    }

    [Theory]
    [InlineData("second-largest military power")]
    [InlineData("This comes amid")]
    [InlineData("was discussed during")]
    [InlineData("These concerns helped drive")]
    [InlineData("The following year")]
    [InlineData("Erdoğan seeks S-400 return during talks")]
    [InlineData("were the result of increased pressure")]
    public void BackgroundAndContextSentencesRaiseNoEvent(string phrase)
    {
        Replay().Values.SelectMany(e => e).ShouldNotContain(e => e.Claim.Text.Contains(phrase, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("2.5 billion")]
    [InlineData("July 2019")]
    [InlineData("CAATSA")]
    [InlineData("four to six months")]
    public void BackgroundFactsRepeatedAcrossOutletsRaiseAtMostOneNewClaim(string phrase)
    {
        var all = Replay().Values.SelectMany(e => e).ToList();

        all.Count(e => e.Type == TopicEventType.NewClaim && Says(e, phrase)).ShouldBeLessThanOrEqualTo(1);
        all.ShouldNotContain(e => e.Type == TopicEventType.Contradiction && Says(e, phrase));
    }
}
