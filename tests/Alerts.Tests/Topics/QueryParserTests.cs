using Alerts.Core.Topics;

namespace Alerts.Tests.Topics;

public class QueryParserTests
{
    private static readonly AliasTable Aliases = AliasTable.Empty.With("turkey", "Turkey | Türkiye | Ankara");

    [Theory]
    [InlineData("a b OR c", "((a AND b) OR c)")]
    [InlineData("a OR b c", "(a OR (b AND c))")]
    [InlineData("a AND b AND c OR d", "((a AND b AND c) OR d)")]
    [InlineData("NOT a b", "(NOT a AND b)")]
    [InlineData("-a -b", "(NOT a AND NOT b)")]
    [InlineData("a NEAR/3 b c", "((a NEAR/3 b) AND c)")]
    [InlineData("a OR b NEAR/3 c", "(a OR (b NEAR/3 c))")]
    [InlineData("(a OR b) NEAR/3 c", "((a OR b) NEAR/3 c)")]
    [InlineData("a (b OR c)", "(a AND (b OR c))")]
    [InlineData("title:a b", "(title:a AND b)")]
    [InlineData("title:(a -b)", "(title:a AND NOT title:b)")]
    [InlineData("Sanction*", "sanction*")]
    [InlineData("S-400", "(s-400 OR \"s 400\")")]
    [InlineData("\"Türkiye's S-400s\"", "\"turkiye s-400\"")]
    [InlineData("\"Erdoğan\"", "erdogan")]
    [InlineData("10:30", "\"10 30\"")]
    [InlineData("@turkey", "(turkey OR turkiye OR ankara)")]
    [InlineData("and or not near", "(and AND or AND not AND near)")]
    public void PrecedenceIsNotThenNearThenAndThenOr(string query, string canonical) =>
        QueryCompiler.Compile(query, Aliases).ToString().ShouldBe(canonical);

    [Theory]
    [InlineData("\"S-400\" AND (Turkey OR Türkiye)", "((s-400 OR \"s 400\") AND (turkey OR turkiye))")]
    [InlineData("title:sanction* -opinion", "(title:sanction* AND NOT opinion)")]
    [InlineData("@turkey NEAR/5 missile*", "((turkey OR turkiye OR ankara) NEAR/5 missile*)")]
    [InlineData("\"Recep Tayyip Erdoğan\" (election* OR vote) -\"opinion piece\"", "(\"recep tayyip erdogan\" AND (election* OR vote) AND NOT \"opinion piece\")")]
    [InlineData("(F-35 OR \"F 35\") NEAR/10 (Turkey OR Ankara) NOT title:editorial", "(((f-35 OR \"f 35\" OR \"f 35\") NEAR/10 (turkey OR ankara)) AND NOT title:editorial)")]
    public void DocumentedExamplesCompileAsDescribed(string query, string canonical) =>
        QueryCompiler.Compile(query, Aliases).ToString().ShouldBe(canonical);

    [Fact]
    public void ErrorsNameThePositionAndTheReason()
    {
        var error = Should.Throw<QueryParseException>(() => QueryCompiler.Compile("a (bc OR de"));

        error.Message.ShouldBe("topics: query error at position 12: expected ')' to close '(' opened at 3");
        error.Position.ShouldBe(12);
    }

    [Theory]
    [InlineData("", 1, "the query is empty")]
    [InlineData("   ", 1, "the query is empty")]
    [InlineData("(turkey OR greece", 18, "expected ')' to close '(' opened at 1")]
    [InlineData("a )", 3, "unexpected ')' with no '(' to close")]
    [InlineData("a AND", 6, "expected a term, phrase or '(' after AND")]
    [InlineData("a OR OR b", 6, "expected a term, phrase or '(' after OR")]
    [InlineData("OR a", 1, "OR needs a term, phrase or '(' on its left")]
    [InlineData("AND a", 1, "AND needs a term, phrase or '(' on its left")]
    [InlineData("()", 1, "empty parentheses")]
    [InlineData("\"abc", 1, "the phrase opened by '\"' at 1 has no closing '\"'")]
    [InlineData("a \"b c", 3, "the phrase opened by '\"' at 3 has no closing '\"'")]
    [InlineData("\"\"", 1, "empty phrase: nothing to search for between the quotes")]
    [InlineData("\"a* b\"", 3, "wildcards are not allowed inside a phrase")]
    [InlineData("a @turkye", 3, "unknown alias '@turkye'")]
    [InlineData("@", 1, "'@' is not an alias name (letters, digits, '_' and '-' after '@')")]
    [InlineData("NEAR/5 b", 1, "NEAR/5 needs a term or phrase on its left")]
    [InlineData("a NEAR/5", 9, "expected a term, phrase or '(' after NEAR/5")]
    [InlineData("a NEAR b", 3, "NEAR needs a distance, e.g. NEAR/5")]
    [InlineData("a NEAR/0 b", 3, "NEAR distance must be a whole number from 1 to 100, e.g. NEAR/5")]
    [InlineData("a NEAR/x b", 3, "NEAR distance must be a whole number from 1 to 100, e.g. NEAR/5")]
    [InlineData("a NEAR/3 -b", 10, "NEAR/3 works between terms, phrases, wildcards, aliases or OR groups of them, not NOT, AND or NEAR clauses")]
    [InlineData("(a b) NEAR/3 c", 1, "NEAR/3 works between terms, phrases, wildcards, aliases or OR groups of them, not NOT, AND or NEAR clauses")]
    [InlineData("a NEAR/3 b NEAR/3 c", 12, "NEAR cannot be chained: combine two NEAR clauses with AND")]
    [InlineData("*", 1, "a wildcard needs at least 2 letters or digits before '*'")]
    [InlineData("a *", 3, "a wildcard needs at least 2 letters or digits before '*'")]
    [InlineData("s*", 1, "a wildcard needs at least 2 letters or digits before '*'")]
    [InlineData("ab*c", 3, "'*' is only allowed at the end of a word (a prefix wildcard)")]
    [InlineData("a/b*", 1, "a wildcard must be a single word: 'a/b*' splits into several")]
    [InlineData("-", 1, "expected a term, phrase or '(' right after '-'")]
    [InlineData("a - b", 3, "expected a term, phrase or '(' right after '-'")]
    [InlineData("a -)", 3, "expected a term, phrase or '(' right after '-'")]
    [InlineData("NOT", 4, "expected a term, phrase or '(' after NOT")]
    [InlineData("title:", 1, "expected a term, phrase or '(' right after 'title:'")]
    [InlineData("title:-a", 7, "expected a term, phrase or '(' right after 'title:'")]
    [InlineData("!!!", 1, "'!!!' has no letters or digits to search for")]
    public void MalformedQueriesAreRejectedWithPositionAndReason(string query, int position, string reason)
    {
        var error = Should.Throw<QueryParseException>(() => QueryCompiler.Compile(query, Aliases));

        error.ShouldSatisfyAllConditions(
            () => error.Reason.ShouldBe(reason),
            () => error.Position.ShouldBe(position));
    }

    [Fact]
    public void NestingIsLimitedTo32Levels()
    {
        QueryCompiler.Compile(new string('(', 32) + "a" + new string(')', 32)).ToString().ShouldBe("a");

        var parens = Should.Throw<QueryParseException>(() => QueryCompiler.Compile(new string('(', 33) + "a" + new string(')', 33)));
        parens.Position.ShouldBe(33);
        parens.Reason.ShouldBe("the query nests deeper than 32 levels of parentheses and NOT");

        var nots = Should.Throw<QueryParseException>(() => QueryCompiler.Compile(string.Concat(Enumerable.Repeat("NOT ", 33)) + "a"));
        nots.Position.ShouldBe(129);
    }

    [Fact]
    public void QueriesAreLimitedTo2000Characters()
    {
        var longest = string.Join(" OR ", Enumerable.Repeat("turkey", 400))[..2000].TrimEnd('O', 'R', ' ', 't', 'u', 'r', 'k', 'e', 'y') + " turkey";
        QueryCompiler.Compile(longest.PadRight(2000)).ShouldNotBeNull();

        var error = Should.Throw<QueryParseException>(() => QueryCompiler.Compile(new string('a', 2001)));
        error.Position.ShouldBe(2001);
        error.Reason.ShouldBe("the query is longer than 2000 characters");
    }

    [Fact]
    public void PureNegationIsAllowed() =>
        QueryCompiler.Compile("-opinion NOT editorial").ToString().ShouldBe("(NOT opinion AND NOT editorial)");

    [Fact]
    public void AliasDefinitionsRejectBadMembersWithTheLine()
    {
        var error = Should.Throw<FormatException>(() => AliasTable.Parse("@turkey = Turkey\n@bad = Ankara | | x"));
        error.Message.ShouldBe("topics: alias error on line 2: alias '@bad' has an empty member");

        Should.Throw<FormatException>(() => AliasTable.Parse("turkey = Turkey")).Message
            .ShouldBe("topics: alias error on line 1: expected '@name = member | member'");
        Should.Throw<FormatException>(() => AliasTable.Empty.With("x", "a* b")).Message
            .ShouldBe("topics: alias '@x' member 'a* b': a member is one word, a \"quoted phrase\" or a prefix*");
        Should.Throw<FormatException>(() => AliasTable.Empty.With("x", "\"a* b\"")).Message
            .ShouldBe("topics: alias '@x' member '\"a* b\"': wildcards are not allowed inside a phrase");
    }

    [Theory]
    [InlineData("Turkey S-400", "turkey-s-400")]
    [InlineData("  Türkiye & Erdoğan!  ", "turkiye-erdogan")]
    [InlineData("LK-99", "lk-99")]
    public void SlugsAreFoldedWordsJoinedByDashes(string name, string slug) =>
        Topic.Slugify(name).ShouldBe(slug);

    [Fact]
    public void SlugsNeedALetterOrDigit() =>
        Should.Throw<ArgumentException>(() => Topic.Slugify("?!"));
}
