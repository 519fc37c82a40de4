using Alerts.Core.Articles;
using Alerts.Core.Topics;
using Alerts.Pipeline.Storage;
using Alerts.Pipeline.Topics;

namespace Alerts.Tests.Pipeline;

public class TopicMatcherTests
{
    private static Article Ferry => new() { Id = 1, Title = "Ferry line sold", Text = "The port of Velmar sold its ferry line.", FeedItemId = "f" };

    [Fact]
    public async Task AddingOrRemovingATopicTakesEffectForTheNextArticle()
    {
        await using var app = await TestApp.StartAsync();
        var matcher = app.Get<TopicMatcher>();
        var topics = app.Get<ManageTopics>();
        var ct = TestContext.Current.CancellationToken;

        var before = await matcher.MatchAsync(Ferry, ct);
        await topics.AddAsync(new Topic("", "Ferries", "ferry AND port"), ct);
        var added = await matcher.MatchAsync(Ferry, ct);
        await topics.RemoveAsync("ferries", ct);
        var removed = await matcher.MatchAsync(Ferry, ct);

        before.ShouldBeEmpty();
        added.ShouldHaveSingleItem().TopicId.ShouldBe("ferries");
        added[0].MatchedClauses.ShouldBe(["ferry", "port"], ignoreOrder: true);
        removed.ShouldBeEmpty();
    }

    [Fact]
    public async Task AliasesAreUsableInQueriesAndCannotBeRemovedWhileUsed()
    {
        await using var app = await TestApp.StartAsync();
        var topics = app.Get<ManageTopics>();
        var ct = TestContext.Current.CancellationToken;
        await topics.SetAliasAsync(new AliasDefinition("@boats", "ferry | ship | vessel"), ct);
        await topics.AddAsync(new Topic("boats", "Boats", "@boats AND Velmar"), ct);

        var matches = await app.Get<TopicMatcher>().MatchAsync(Ferry, ct);

        matches.ShouldHaveSingleItem().TopicId.ShouldBe("boats");
        Should.Throw<FormatException>(() => topics.RemoveAliasAsync("boats", ct)).Message.ShouldContain("topic 'boats' would no longer compile");
    }

    [Fact]
    public async Task AMalformedQueryIsRefusedWhenTheTopicIsAddedWithItsPosition()
    {
        await using var app = await TestApp.StartAsync();

        var error = await Should.ThrowAsync<QueryParseException>(() => app.Get<ManageTopics>().AddAsync(new Topic("", "Broken", "ferry AND (port"), TestContext.Current.CancellationToken));

        error.Message.ShouldStartWith("topics: query error at position ");
        (await app.Get<ITopicStore>().ListTopicsAsync(TestContext.Current.CancellationToken)).ShouldBeEmpty();
    }
}
