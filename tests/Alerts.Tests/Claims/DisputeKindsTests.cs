using Alerts.Core.Claims;
using Alerts.Core.Claims.Stance;

namespace Alerts.Tests.Claims;

/// <summary>
/// The kinds of dispute news carries besides a denial word, on the real models (embeddings and the stance model):
/// the opposite outcome put cautiously, evidence against a denial, an emphatic confirmation, a finding; and what is
/// no dispute (a denial left unsaid, a negation inside a relative clause). Every text is written for the project.
/// </summary>
public class DisputeKindsTests
{
    private static ArticleInput Article(string key, string outlet, int day, string title, string text) =>
        new(key, title, text, outlet, new DateTimeOffset(2025, 3, day, 9, 0, 0, TimeSpan.Zero), $"https://{key}.example/");

    private static TopicProcessResult Run(InMemoryClaimIndex index, ArticleInput article, params string[] scope)
    {
        var claims = ClaimEmbeddings.Attach(ClaimExtractor.Extract(article), SentenceEmbedder.Shared);
        var result = TopicClaimEngine.Process("t", claims, index, TopicScope.Of(scope), TopicClaimEngine.ArticleStance(article, StanceModel.Shared));
        foreach (var cluster in result.Clusters)
        {
            index.Upsert(cluster);
        }

        return result;
    }

    [Fact]
    public void TheOppositeOutcomeFromANamedSourceDisputesTheReportAndIsANewClaim()
    {
        var index = new InMemoryClaimIndex();
        Run(index, Article("a", "Harbour Post", 1, "", "Nine Estavian coast guards were killed when a patrol boat shelled Gull Rock lighthouse, President Ana Ruiz announced."), "Gull", "Rock");

        var later = Run(index, Article("b", "Coastal Times", 3, "", "Estavian coast guards believed to have been killed at Gull Rock lighthouse may still be alive, according to the Estavian Coast Guard Service."), "Gull", "Rock");

        later.Events.ShouldContain(e => e.Type == TopicEventType.Contradiction);
        later.Events.ShouldContain(e => e.Type == TopicEventType.NewClaim);
        // The report's cluster lists the border service among those disputing it, however cautiously it spoke.
        later.Clusters.ShouldContain(c => c.Sightings.Any(s => s.ArticleKey == "a" && s.Polarity == Polarity.Asserted)
            && c.Sightings.Any(s => s.ArticleKey == "b" && s.Polarity == Polarity.Denied));
    }

    [Fact]
    public void AnAppFeeIsNoConflictingFigureForTheCompanysSalePrice()
    {
        var index = new InMemoryClaimIndex();
        Run(index, Article("a", "Tech Ledger", 1, "", "Orvane would pay $1 billion for the messaging app Velmar, people familiar with the matter said."), "Velmar");

        var later = Run(index, Article("b", "App Courier", 3, "", "Velmar chief executive Ada Holm revealed the pay structure of the app will change from a one-time fee of $0.99 to a yearly subscription."), "Velmar");

        later.Events.ShouldNotContain(e => e.Type == TopicEventType.Contradiction, string.Join("; ", later.Events.Select(e => e.Why)));
    }

    [Fact]
    public void ACrowdCountedAtAFractionOfTheOrganisersFigureConflictsWithIt()
    {
        var index = new InMemoryClaimIndex();
        Run(index, Article("a", "Harbour Post", 1, "", "About 120,000 people marched through Estavia City on Saturday against the port sale, the organisers said."), "march");

        var later = Run(index, Article("b", "Coastal Times", 2, "", "About 6,000 people marched through Estavia City on Saturday against the port sale, the police said."), "march");

        later.Events.ShouldContain(e => e.Type == TopicEventType.Contradiction, string.Join("; ", later.Events.Select(e => e.Why)));
    }

    [Fact]
    public void EvidenceAgainstADenialContradictsIt()
    {
        var index = new InMemoryClaimIndex();
        Run(index, Article("a", "Capital Courier", 1, "", "The Estavian interior ministry has denied that a staff party was held at its headquarters during the lockdown."), "party");

        var video = Run(index, Article("b", "Evening Ledger", 4, "", "A leaked video appears to show Estavian interior ministry staff joking about a party at the headquarters during the lockdown."), "party");

        video.Events.ShouldContain(e => e.Type == TopicEventType.Contradiction);
    }

    [Fact]
    public void AnEmphaticConfirmationContradictsTheDenial()
    {
        var index = new InMemoryClaimIndex();
        Run(index, Article("a", "Morning Star Gazette", 1, "", "Governor Lena Brandt called the Estavian flood volunteers \"amateurs\" at a closed meeting, the Morning Star Gazette reported."), "Brandt");
        Run(index, Article("b", "Daily Beacon", 2, "", "The office of Governor Lena Brandt denied the report that she had called the Estavian flood volunteers \"amateurs\"."), "Brandt");

        var confirmed = Run(index, Article("c", "River News", 30, "Brandt did call flood volunteers \"amateurs,\" her former deputy says", "Brandt did call flood volunteers \"amateurs,\" her former deputy says."), "Brandt");

        confirmed.Events.ShouldContain(e => e.Type == TopicEventType.Contradiction);
    }

    [Fact]
    public void ADenialLeftUnsaidTakesNoSide()
    {
        var index = new InMemoryClaimIndex();
        Run(index, Article("a", "Harbour Post", 1, "", "Mayor Tomas Berg attended a gala dinner in Estavia during the lockdown, the Harbour Post reported."), "Berg");

        var unsaid = Run(index, Article("b", "Coastal Times", 2, "", "Mayor Tomas Berg did not deny that he attended a gala dinner in Estavia during the lockdown."), "Berg");

        unsaid.Events.ShouldNotContain(e => e.Type == TopicEventType.Contradiction);
    }

    [Fact]
    public void ANegationInsideARelativeClauseLeavesTheClaimAsserted()
    {
        var claims = ClaimExtractor.Extract(Article("a", "Health Weekly", 1, "", "Patients in Estavia who took the drug had a death rate twice as high as patients who weren't treated with it, the Estavian health agency said."));

        claims.ShouldHaveSingleItem().Polarity.ShouldBe(Polarity.Asserted);
    }

    [Theory]
    [InlineData("Officials at the Estavian ministry have not commented on the report.")]
    [InlineData("The Estavian ministry declined to answer questions about the contract.")]
    [InlineData("Estavian Rail did not respond to a request for comment.")]
    public void ACommentRefusalIsNoClaim(string sentence)
    {
        ClaimExtractor.Extract(Article("a", "Harbour Post", 1, "", sentence)).ShouldBeEmpty();
    }

    [Fact]
    public void ASpeakersTitleDoesNotReachBackAcrossAQuote()
    {
        var claim = ClaimExtractor.Extract(Article("a", "Harbour Post", 1, "", "Nine Estavian coast guards will receive the title of \"Hero of Estavia,\" President Ana Ruiz announced.")).ShouldHaveSingleItem();

        claim.Attribution.Source.ShouldBe("President Ana Ruiz");
    }

    [Fact]
    public void ASentenceOpeningAdverbIsNoName()
    {
        var claim = ClaimExtractor.Extract(Article("a", "Harbour Post", 1, "", "Specifically, the Estavian committee found that the audit data were falsified.")).ShouldHaveSingleItem();

        claim.Entities.ShouldNotContain("specifically");
    }

    [Fact]
    public void ASecondVoiceDenyingAKnownDisputeCorroboratesIt()
    {
        var index = new InMemoryClaimIndex();
        Run(index, Article("a", "Harbour Post", 1, "", "Governor Lena Brandt called the Estavian flood volunteers \"amateurs\" at a closed meeting, the Harbour Post reported."), "Brandt");
        var first = Run(index, Article("b", "Daily Beacon", 2, "", "The office of Governor Lena Brandt denied the report that she had called the Estavian flood volunteers \"amateurs\"."), "Brandt");

        var again = Run(index, Article("c", "River News", 3, "", "Deputy governor Piet Laar rejected the report on Thursday, insisting that Brandt never insulted the Estavian flood volunteers."), "Brandt");

        first.Events.ShouldContain(e => e.Type == TopicEventType.Contradiction);
        again.Events.ShouldNotContain(e => e.Type == TopicEventType.Contradiction || e.Type == TopicEventType.NewClaim);
        again.Events.ShouldContain(e => e.Type == TopicEventType.Corroboration && e.Polarity == Polarity.Denied);
    }

    [Fact]
    public void TheOppositeOutcomeRepeatedAfterAKnownDisputeRaisesNothingNew()
    {
        var index = new InMemoryClaimIndex();
        Run(index, Article("a", "Harbour Post", 1, "", "Nine Estavian coast guards were killed when a patrol boat shelled Gull Rock lighthouse, President Ana Ruiz announced."), "Gull", "Rock");
        Run(index, Article("b", "Coastal Times", 3, "", "Estavian coast guards believed to have been killed at Gull Rock lighthouse may still be alive, according to the Estavian Coast Guard Service."), "Gull", "Rock");

        var later = Run(index, Article("c", "Evening Ledger", 6, "", "The nine coast guards who defended Gull Rock lighthouse are alive but held captive in Norland, Estavian navy officials said."), "Gull", "Rock");

        later.Events.ShouldNotContain(e => e.Type == TopicEventType.Contradiction || e.Type == TopicEventType.NewClaim);
        later.Events.ShouldContain(e => e.Type == TopicEventType.Corroboration && e.Polarity == Polarity.Denied);
    }

    [Fact]
    public void AFollowUpWhoseLeadIsKnownRaisesNoNewClaimForItsDetails()
    {
        const string Report = "The Estavian transport ministry will buy 12 trains from Norland Works for 300 million euros, Minister Piet Laar said on Monday.";
        const string Detail = "Norland Works will deliver the first trains to Estavian ports in June, the company said.";
        var index = new InMemoryClaimIndex();
        Run(index, Article("a", "Harbour Post", 1, "", Report), "Works", "train");

        var followUp = Run(index, Article("b", "Coastal Times", 2, "", Report.Replace("will buy", "is buying", StringComparison.Ordinal) + "\n" + Detail), "Works", "train");

        followUp.Assignments.ShouldContain(a => a.Outcome == nameof(TopicEventType.NewClaim));
        followUp.Events.ShouldBeEmpty();
        // The same detail leading an article of its own is news.
        Run(new InMemoryClaimIndex(), Article("c", "River News", 2, "", Detail), "Works", "train").Events.ShouldContain(e => e.Type == TopicEventType.NewClaim);
    }

    [Fact]
    public void AFollowUpStillFlagsAFigureTheTopicDidNotHold()
    {
        const string Report = "The Estavian transport ministry will buy 12 trains from Norland Works for 300 million euros, Minister Piet Laar said on Monday.";
        var index = new InMemoryClaimIndex();
        Run(index, Article("a", "Harbour Post", 1, "", Report), "Works", "train");

        var followUp = Run(index, Article("b", "Coastal Times", 2, "", Report.Replace("will buy", "is buying", StringComparison.Ordinal) + "\nNorland Works employs 4,000 people at two plants, the company said."), "Works", "train");

        followUp.Events.ShouldContain(e => e.Type == TopicEventType.NewClaim && e.Claim.Text.Contains("4,000", StringComparison.Ordinal));
    }

    [Fact]
    public void AFollowUpGivingAKnownFigureLooselyRaisesNothing()
    {
        const string Report = "The Estavian transport ministry will buy 12 trains from Norland Works for 300 million euros, Minister Piet Laar said on Monday.";
        var index = new InMemoryClaimIndex();
        Run(index, Article("a", "Harbour Post", 1, "", Report + "\nNorland Works shares rose 13% on Monday after the announcement."), "Works", "train");

        var followUp = Run(index, Article("b", "Coastal Times", 2, "", Report.Replace("will buy", "is buying", StringComparison.Ordinal) + "\nShares in Norland Works jumped more than 10 percent after the news."), "Works", "train");

        followUp.Events.ShouldBeEmpty(string.Join("; ", followUp.Events.Select(e => e.Why)));
    }

    [Fact]
    public void ASpokesmanSayingTheTalksAreNotHappeningDisputesTheReportOfTalks()
    {
        var index = new InMemoryClaimIndex();
        Run(index, Article("a", "Market Wire", 1, "", "Orlen is in talks to acquire the Estavian chipmaker Brava, a Harbour Post report claims."), "Orlen", "Brava");

        var later = Run(index, Article("b", "Coastal Times", 2, "", "Piet Laar, Brava's head of business development, told the Harbour Post that the chipmaker was not in talks with Orlen."), "Orlen", "Brava");

        later.Events.ShouldContain(e => e.Type == TopicEventType.Contradiction, string.Join("; ", later.Events.Select(e => e.Why)));
    }

    [Fact]
    public void ANegatedWishThatConfirmsTheReportDisputesNothing()
    {
        var index = new InMemoryClaimIndex();
        Run(index, Article("a", "Harbour Post", 1, "", "Mayor Tomas Berg cancelled a visit to the Gull Rock war cemetery because he called the fallen guards fools, three aides told the Harbour Post."), "Berg", "fools");

        var later = Run(index, Article("b", "Coastal Times", 9, "", "Mayor Tomas Berg didn't want to visit the Gull Rock war cemetery because it was full of fools, his former chief of staff Ana Ruiz said in a statement."), "Berg", "fools");

        later.Events.ShouldNotContain(e => e.Type == TopicEventType.Contradiction, string.Join("; ", later.Events.Select(e => e.Why)));
    }

    [Fact]
    public void APartyToTheClaimDenyingAfterTheOtherPartyStillDisputesIt()
    {
        var index = new InMemoryClaimIndex();
        Run(index, Article("a", "Market Wire", 1, "", "Orlen is in advanced talks to buy the Estavian chipmaker Brava for about 2 billion euros, the Harbour Post reported."), "Orlen", "Brava");
        Run(index, Article("b", "Coastal Times", 2, "", "Brava spokeswoman Ana Ruiz said the Estavian chipmaker was not in talks with Orlen and called the reports speculation."), "Orlen", "Brava");

        var buyer = Run(index, Article("c", "River News", 3, "Orlen chief denies talks to buy Brava", "Orlen chief executive Piet Laar denied on Wednesday that Orlen was in talks to buy the Estavian chipmaker Brava."), "Orlen", "Brava");

        buyer.Events.ShouldContain(e => e.Type == TopicEventType.Contradiction);
    }

    [Fact]
    public void AMoveRetoldInRoundFiguresAfterItsBackdropRepeatsTheKnownMove()
    {
        var index = new InMemoryClaimIndex();
        Run(index, Article("a", "Coin Ledger", 1, "", "The price of velcoin jumped 12% on Monday to $41,230 after the Orvane report went live."), "velcoin");

        var later = Run(index, Article("b", "Market Wire", 1, "",
            "After three quiet weeks of trading in the low $30,000s, Velcoin's value climbed more than 10 percent over the weekend to near the critical level of $40,000."), "velcoin");

        later.Events.ShouldBeEmpty(string.Join("; ", later.Events.Select(e => e.Why)));
    }

    [Fact]
    public void AFollowUpThatRetellsAMoveInPeaksAndLocalCurrencyAddsNoNews()
    {
        var index = new InMemoryClaimIndex();
        Run(index, Article("a", "Coin Ledger", 1, "",
            "Orvane will accept velcoin payments by December, an unnamed insider said. The price of velcoin jumped 12% on Monday to $41,230 after the report."), "velcoin");

        var later = Run(index, Article("b", "Southern Herald", 2, "",
            "Orvane will accept velcoin payments by December, an unnamed insider said. Velcoin soared after the report, up as much as 13 percent at its peak, before it settled 5 percent higher at about NZ$58,000 each."), "velcoin");

        later.Events.ShouldBeEmpty(string.Join("; ", later.Events.Select(e => e.Why)));
    }

    [Fact]
    public void ANegatedWishBesideTheReportsItPointsBackToDisputesNothing()
    {
        var index = new InMemoryClaimIndex();

        var result = Run(index, Article("a", "Harbour Post", 1, "",
            "Claims that Estavian navy officers held a party at Gull Rock lighthouse during the curfew were denied by a senior minister. "
            + "The claims emerged hours after President Ana Ruiz said she does not want people to cancel their summer parties."), "Gull", "Rock");

        var report = result.Events.Where(e => e.Type == TopicEventType.NewClaim).ShouldHaveSingleItem();
        report.Attribution.Source.ShouldBe("unattributed claims");
        var disputing = result.Clusters.SelectMany(c => c.Sightings).Where(s => s.Polarity == Polarity.Denied).Select(s => s.Source).ToList();
        disputing.ShouldNotBeEmpty();
        disputing.ShouldNotContain(s => s.Contains("Ruiz", StringComparison.Ordinal));
    }

    [Fact]
    public void ReportsDeniedWithTheirAuthorNamedAreShownAsTheirAuthors()
    {
        var result = Run(new InMemoryClaimIndex(), Article("a", "Harbour Post", 1, "",
            "The Estavian port authority on Monday rejected the claims by the former Harbour Master Piet Molen that Gull Rock lighthouse will be sold."), "Gull", "Rock");

        result.Events.Where(e => e.Type == TopicEventType.NewClaim).ShouldHaveSingleItem().Attribution.Source.ShouldBe("former Harbour Master Piet Molen");
    }
}
