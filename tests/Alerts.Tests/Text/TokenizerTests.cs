using Alerts.Core.Text;

namespace Alerts.Tests.Text;

public class TokenizerTests
{
    [Theory]
    [InlineData("Türkiye", "turkiye")]
    [InlineData("Erdoğan", "erdogan")]
    [InlineData("İSTANBUL", "istanbul")]
    [InlineData("Straße", "strasse")]
    [InlineData("plain ascii", "plain ascii")]
    public void FoldingRemovesCaseAndDiacritics(string input, string expected) =>
        TextFolding.Fold(input).ShouldBe(expected);

    [Fact]
    public void ModelNamesAmountsAndAbbreviationsStayWhole()
    {
        var terms = Tokenizer.Tokenize("The S-400s cost $2.5bn, the U.S. said; COVID-19 toll 2,975.")
            .Where(t => !t.IsPart).Select(t => t.Text);

        terms.ShouldBe(["the", "s-400", "cost", "$2.5bn", "the", "u.s", "said", "covid-19", "toll", "2975"]);
    }

    [Fact]
    public void CompoundPartsShareTheCompoundsPosition()
    {
        var tokens = Tokenizer.Tokenize("Russia-Ukraine talks");

        tokens.Where(t => t.Position == 0).Select(t => t.Text).ShouldBe(["russia-ukraine", "russia", "ukraine"]);
        tokens.Single(t => t.Text == "talks").Position.ShouldBe(1);
    }

    [Fact]
    public void PossessivesAndSentencePunctuationAreDropped()
    {
        Tokenizer.Terms("Turkey’s position. Ankara's view, 2019.").ShouldBe(["turkey", "position", "ankara", "view", "2019"]);
    }
}
