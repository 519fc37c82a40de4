using Alerts.Core.Topics;

namespace Alerts.Tests.Topics;

public class QueryTermsTests
{
    [Fact]
    public void PositiveTermsIncludePhrasesAndAlternativesButNotNegations()
    {
        var query = QueryCompiler.Compile("\"S-400\" AND (Turkey OR Türkiye) -opinion title:sanction*");

        QueryTerms.Positive(query).ShouldBe(["s-400", "400", "turkey", "turkiye"], ignoreOrder: true);
        QueryTerms.Prefixes(query).ShouldBe(["sanction"]);
    }

    [Fact]
    public void WildcardsAreReturnedAsPrefixesNotWords()
    {
        var query = QueryCompiler.Compile("tram* AND (council OR cost) -bus*");

        QueryTerms.Positive(query).ShouldBe(["council", "cost"], ignoreOrder: true);
        QueryTerms.Prefixes(query).ShouldBe(["tram"]);
    }
}
