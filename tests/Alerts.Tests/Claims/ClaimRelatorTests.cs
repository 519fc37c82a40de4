using Alerts.Core.Claims;

namespace Alerts.Tests.Claims;

public class ClaimRelatorTests
{
    private const string Claim = "Estavia is trying to return its Falcon-9 jets to Norland.";

    [Theory]
    [InlineData(
        "Estavia seeks to return Falcon-9 jets to Norland",
        "Estavia is trying to hand back the Falcon-9 jets it bought from Norland in 2019, Bloomberg reported, citing people familiar with the talks. The jets have never been used.")]
    [InlineData(
        "",
        "Officials in Estavia said on Monday that the country would give back its Falcon-9 jets to Norland under a new agreement.")]
    public void ATextStatingTheClaimSupportsIt(string title, string text)
    {
        var result = ClaimRelator.Relate(Claim, text, title);

        result.Relation.ShouldBe(Relation.Supports);
        result.Score.ShouldBeGreaterThan(0.5);
        result.Why.ShouldStartWith("supports");
    }

    [Theory]
    [InlineData(
        "Estavia rules out returning jets",
        "Defence Minister Anna Kovac said Estavia has no intention of returning its Falcon-9 jets to Norland. The jets remain in service.")]
    [InlineData(
        "",
        "Estavia's position on the Falcon-9 jets remains unchanged, the Estavian Armed Forces said, rejecting reports that the country would hand the jets back to Norland.")]
    public void ADenialDisputesTheClaim(string title, string text)
    {
        var result = ClaimRelator.Relate(Claim, text, title);

        result.Relation.ShouldBe(Relation.Disputes);
        result.Why.ShouldStartWith("disputes");
    }

    [Theory]
    [InlineData(
        "",
        "Reports that Estavia might return its Falcon-9 jets to Norland remain unverified. Analysts say such a move could take years.")]
    [InlineData(
        "Conflicting reports on Estavian jets",
        "Estavia is trying to return its Falcon-9 jets to Norland, Bloomberg reported. The Norland government denied that Estavia wants to return the jets.")]
    public void AnUnverifiedOrTwoSidedReportMentionsTheClaim(string title, string text)
    {
        ClaimRelator.Relate(Claim, text, title).Relation.ShouldBe(Relation.Mentions);
    }

    [Theory]
    [InlineData("", "Norland's central bank raised interest rates by half a point on Tuesday, citing inflation.")]
    [InlineData("Estavia wins football final", "Estavia beat Norland 2-1 in the final on Sunday in front of 60,000 fans.")]
    public void AnotherSubjectIsUnrelated(string title, string text)
    {
        var result = ClaimRelator.Relate(Claim, text, title);

        result.Relation.ShouldBe(Relation.Unrelated);
        result.Why.ShouldNotBeNullOrWhiteSpace();
    }

    [Fact]
    public void ADifferentFigureDisputesTheClaim()
    {
        var result = ClaimRelator.Relate(
            "Redmere United paid a fee of £48m for Tomas Halvorsen.",
            "Redmere United completed the signing of Tomas Halvorsen for a fee of £53m, the club said.");

        result.Relation.ShouldBe(Relation.Disputes);
        result.Why.ShouldContain("£53m");
    }
}
