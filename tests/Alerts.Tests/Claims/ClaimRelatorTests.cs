using Alerts.Core.Claims;

namespace Alerts.Tests.Claims;

public class ClaimRelatorTests
{
    private const string Claim = "Estavia is trying to return its Falcon-9 jets to Norland.";

    [Fact]
    public void ATextStatingTheClaimSupportsIt()
    {
        var result = ClaimRelator.Relate(Claim, "Officials in Estavia said on Monday that the country would give back its Falcon-9 jets to Norland under a new agreement.");

        result.Relation.ShouldBe(Relation.Supports, result.Why);
        result.Why.ShouldStartWith("supports");
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
}
