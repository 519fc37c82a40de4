using Alerts.Core.Topics;

namespace Alerts.Tests.Topics;

public class QueryTermsTests
{
    [Fact]
    public void PositiveTermsIncludePhrasesAndAlternativesButNotNegations()
    {
        var query = QueryCompiler.Compile("\"S-400\" AND (Turkey OR Türkiye) -opinion title:sanction*");

        QueryTerms.Positive(query).ShouldBe(["s-400", "400", "turkey", "turkiye", "sanction"], ignoreOrder: true);
    }
}
