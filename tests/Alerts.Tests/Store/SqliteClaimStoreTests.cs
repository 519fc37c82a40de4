using Alerts.Core.Claims;
using Alerts.Pipeline.Storage;
using Alerts.Tests.Pipeline;

namespace Alerts.Tests.Store;

public class SqliteClaimStoreTests
{
    private static readonly DateTimeOffset Day = new(2025, 12, 12, 8, 0, 0, TimeSpan.Zero);

    private static IReadOnlyList<Claim> Claims(string key, string outlet, string title, string text) =>
        ClaimExtractor.Extract(new ArticleInput(key, title, text, outlet, Day, null));

    [Fact]
    public async Task SavedClustersAreFoundAgainThroughTheirIndexKeys()
    {
        await using var app = await TestApp.StartAsync();
        var store = app.Get<IClaimStore>();
        var claims = Claims("1", "Harbour Post", "Port of Velmar to build a new container terminal", "The port authority of Velmar said on Monday it will build a new container terminal for 300 million euros.");
        var result = TopicClaimEngine.Process("ports", claims, new InMemoryClaimIndex());

        (await store.SaveArticleResultAsync(1, "ports", result, Day, TestContext.Current.CancellationToken)).ShouldBeTrue();
        var cluster = result.Clusters[0];
        var found = await store.FindCandidateIdsAsync("ports", cluster.IndexKeys().ToList(), 32, TestContext.Current.CancellationToken);

        found.ShouldContain(cluster.Id);
        (await store.FindCandidateIdsAsync("other-topic", cluster.IndexKeys().ToList(), 32, TestContext.Current.CancellationToken)).ShouldBeEmpty();
        (await store.GetClusterAsync(cluster.Id, TestContext.Current.CancellationToken))!.IndexKeys().ShouldBe(cluster.IndexKeys());
    }

    [Fact]
    public async Task SavingTheSameArticleTwiceStoresItsEventsOnce()
    {
        await using var app = await TestApp.StartAsync();
        var store = app.Get<IClaimStore>();
        var claims = Claims("1", "Harbour Post", "Port of Velmar to build a new container terminal", "The port authority of Velmar said on Monday it will build a new container terminal for 300 million euros.");
        var result = TopicClaimEngine.Process("ports", claims, new InMemoryClaimIndex());
        result.Events.ShouldNotBeEmpty();

        var first = await store.SaveArticleResultAsync(1, "ports", result, Day, TestContext.Current.CancellationToken);
        var second = await store.SaveArticleResultAsync(1, "ports", result, Day, TestContext.Current.CancellationToken);

        first.ShouldBeTrue();
        second.ShouldBeFalse();
        (await store.IsArticleProcessedAsync(1, "ports", TestContext.Current.CancellationToken)).ShouldBeTrue();
        var events = await store.ListEventsAsync("ports", 0, 100, TestContext.Current.CancellationToken);
        events.Count.ShouldBe(result.Events.Count);
        events[0].Event.Type.ShouldBe(result.Events[0].Type);
        events[0].Event.Claim.Text.ShouldBe(result.Events[0].Claim.Text);
        events.Select(e => e.Seq).ShouldBeInOrder();
    }

    [Fact]
    public async Task CommonKeysAreReadOnlyWhenAClaimHasNoRarerKey()
    {
        await using var app = await TestApp.StartAsync();
        var store = app.Get<IClaimStore>();
        var database = app.Get<Alerts.Sqlite.SqliteDatabase>();
        var signature = new ClaimSignature(["velmar"], ["build"], ["terminal"], []);
        await database.WithTransactionAsync(async (connection, transaction) =>
        {
            // The rare cluster is posted first, so the common "velmar" list's latest entries leave it out.
            var rare = new ClaimCluster("ports:rare", "ports", [new ClusterMember("r", "a", "text", Polarity.Asserted, signature)], []);
            await Alerts.Sqlite.SqliteClaimStore.UpsertClusterAsync(connection, transaction, rare, Day, TestContext.Current.CancellationToken);
            for (var i = 0; i < InMemoryClaimIndex.MaxPostingsRead + 10; i++)
            {
                var common = new ClaimSignature(["velmar"], ["say"], [$"thing{i}"], []);
                var cluster = new ClaimCluster($"ports:c{i}", "ports", [new ClusterMember($"c{i}", "a", "text", Polarity.Asserted, common)], []);
                await Alerts.Sqlite.SqliteClaimStore.UpsertClusterAsync(connection, transaction, cluster, Day, TestContext.Current.CancellationToken);
            }

        }, TestContext.Current.CancellationToken);

        var found = await store.FindCandidateIdsAsync("ports", signature.IndexKeys().ToList(), 5, TestContext.Current.CancellationToken);

        found[0].ShouldBe("ports:rare");
    }
}
