using Alerts.Core.Articles;

namespace Alerts.Tests.Articles;

public class SimHashTests
{
    private static string Fixture(string name) => File.ReadAllText(TestEnvironment.TestData($"Articles/testdata/{name}"));

    [Fact]
    public void SyndicatedCopyWithNewHeadlineBylineAndTrailingLineIsWithinThreeBits()
    {
        var original = SimHash.Compute(Fixture("ferry-original.txt"));
        var copy = SimHash.Compute(Fixture("ferry-syndicated.txt"));

        SimHash.Distance(original, copy).ShouldBeLessThanOrEqualTo(3);
    }

    [Fact]
    public void CopyWithOneSentenceRewordedIsWithinThreeBits()
    {
        var text = Fixture("ferry-original.txt");
        var edited = text.Replace("Local operators welcomed the vote.", "Ferry companies operating from the harbour said they were pleased.", StringComparison.Ordinal);

        edited.ShouldNotBe(text);
        SimHash.Distance(SimHash.Compute(text), SimHash.Compute(edited)).ShouldBeLessThanOrEqualTo(3);
    }

    [Fact]
    public void UnrelatedArticleOnTheSameSubjectIsFarAway()
    {
        var original = SimHash.Compute(Fixture("ferry-original.txt"));
        var other = SimHash.Compute(Fixture("ferry-other.txt"));

        SimHash.Distance(original, other).ShouldBeGreaterThan(10);
    }

    [Fact]
    public void CaseDiacriticsAndPunctuationDoNotChangeTheFingerprint()
    {
        var a = SimHash.Compute("Türkiye seeks to return the S-400 systems, officials said on Monday.");
        var b = SimHash.Compute("TURKIYE seeks to return the S-400 systems officials said on monday");

        a.ShouldBe(b);
    }

    [Fact]
    public void FingerprintIsAFixedValueForAFixedText()
    {
        // Deterministic by design (FNV-1a and a fixed mix, no per-process seed): a change here changes every stored fingerprint.
        SimHash.Compute("The harbour authority voted on Tuesday evening to approve a new ferry terminal.")
            .ShouldBe(1431920055730345084UL);
    }

    [Fact]
    public void EmptyTextHasFingerprintZero() => SimHash.Compute("  ... ").ShouldBe(0UL);

    [Theory]
    [InlineData(0UL, 0UL, 0)]
    [InlineData(0UL, ulong.MaxValue, 64)]
    [InlineData(0b1011UL, 0b0001UL, 2)]
    public void DistanceCountsDifferingBits(ulong a, ulong b, int expected) => SimHash.Distance(a, b).ShouldBe(expected);
}
