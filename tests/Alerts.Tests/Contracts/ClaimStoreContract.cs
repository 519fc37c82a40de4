using Alerts.Core.Claims;
using Alerts.Pipeline.Storage;

namespace Alerts.Tests.Contracts;

/// <summary>The behaviour every <see cref="IClaimStore"/> shares, run against SQLite and Azure tables by subclasses.</summary>
public abstract class ClaimStoreContract : StoreContract
{
    private static readonly DateTimeOffset Day = new(2025, 12, 12, 8, 0, 0, TimeSpan.Zero);

    private static TopicProcessResult Process(string topicId, string articleKey) =>
        TopicClaimEngine.Process(topicId, ClaimExtractor.Extract(new ArticleInput(articleKey, "Port of Velmar to build a new container terminal",
            "The port authority of Velmar said on Monday it will build a new container terminal for 300 million euros.", "Harbour Post", Day, null)),
            new InMemoryClaimIndex());

    private static ClaimCluster Cluster(string id, ClaimSignature signature) =>
        new(id, "ports", [new ClusterMember(id, "a", "text", Polarity.Asserted, signature)], []);

    [Fact]
    public async Task SavedClustersAreFoundAgainThroughTheirIndexKeys()
    {
        var store = (await CreateStoresAsync()).Claims;
        var result = Process("ports", "1");

        (await store.SaveArticleResultAsync(1, "ports", result, Day, Ct)).ShouldBeTrue();
        var cluster = result.Clusters[0];
        var keys = cluster.IndexKeys().ToList();

        (await store.FindCandidateIdsAsync("ports", keys, 32, Ct)).ShouldContain(cluster.Id);
        (await store.FindCandidateIdsAsync("other-topic", keys, 32, Ct)).ShouldBeEmpty();
        (await store.FindCandidateIdsAsync("ports", ["e:nowhere"], 32, Ct)).ShouldBeEmpty();
        (await store.FindCandidateIdsAsync("ports", keys, 0, Ct)).ShouldBeEmpty();
        var read = await store.GetClusterAsync(cluster.Id, Ct);
        read.ShouldNotBeNull();
        read.IndexKeys().ShouldBe(cluster.IndexKeys());
        read.Members.Select(m => m.Text).ShouldBe(cluster.Members.Select(m => m.Text));
        read.Sightings.Select(s => s.Source).ShouldBe(cluster.Sightings.Select(s => s.Source));
        (await store.GetClustersAsync([cluster.Id, "ports:missing"], Ct)).Keys.ShouldBe([cluster.Id]);
        (await store.GetClusterAsync("ports:missing", Ct)).ShouldBeNull();
        (await store.CountClustersAsync(Ct)).ShouldBe(result.Clusters.Count);
    }

    [Fact]
    public async Task SavingTheSameArticleTwiceStoresItsEventsOnce()
    {
        var store = (await CreateStoresAsync()).Claims;
        var result = Process("ports", "1");
        result.Events.ShouldNotBeEmpty();

        (await store.IsArticleProcessedAsync(1, "ports", Ct)).ShouldBeFalse();
        (await store.SaveArticleResultAsync(1, "ports", result, Day, Ct)).ShouldBeTrue();
        (await store.SaveArticleResultAsync(1, "ports", result, Day, Ct)).ShouldBeFalse();

        (await store.IsArticleProcessedAsync(1, "ports", Ct)).ShouldBeTrue();
        (await store.IsArticleProcessedAsync(1, "wind", Ct)).ShouldBeFalse();
        (await store.IsArticleProcessedAsync(2, "ports", Ct)).ShouldBeFalse();
        var events = await store.ListEventsAsync("ports", 0, 100, Ct);
        events.Count.ShouldBe(result.Events.Count);
        events[0].Event.Type.ShouldBe(result.Events[0].Type);
        events[0].Event.Claim.Text.ShouldBe(result.Events[0].Claim.Text);
        events[0].ArticleId.ShouldBe(1);
        events[0].RecordedAt.ShouldBe(Day);
        events.Select(e => e.Seq).ShouldBeInOrder();
        events.Select(e => e.Id).ShouldBeUnique();
    }

    [Fact]
    public async Task EventsAreListedPerTopicAfterASequenceNumber()
    {
        var store = (await CreateStoresAsync()).Claims;
        var first = Process("ports", "1");
        await store.SaveArticleResultAsync(1, "ports", first, Day, Ct);
        await store.SaveArticleResultAsync(1, "wind", Process("wind", "1"), Day, Ct);
        await store.SaveArticleResultAsync(2, "ports", Process("ports", "2"), Day.AddHours(1), Ct);

        var all = await store.ListEventsAsync("ports", 0, 100, Ct);
        var afterFirst = await store.ListEventsAsync("ports", all[first.Events.Count - 1].Seq, 100, Ct);

        all.Select(e => e.ArticleId).Distinct().ShouldBe([1L, 2L]);
        afterFirst.ShouldAllBe(e => e.ArticleId == 2);
        afterFirst.Select(e => e.Seq).ShouldBe(all.Skip(first.Events.Count).Select(e => e.Seq));
        (await store.ListEventsAsync("ports", 0, 1, Ct)).ShouldHaveSingleItem().Seq.ShouldBe(all[0].Seq);
        (await store.ListEventsAsync("ports", all[^1].Seq, 100, Ct)).ShouldBeEmpty();
        (await store.ListEventsAsync("wind", 0, 100, Ct)).ShouldAllBe(e => e.Event.TopicId == "wind");
    }

    [Fact]
    public async Task CommonKeysAreReadOnlyWhenAClaimHasNoRarerKey()
    {
        var store = (await CreateStoresAsync()).Claims;
        var signature = new ClaimSignature(["velmar"], ["build"], ["terminal"], []);
        // The rare cluster is posted first, so the common "velmar" list's latest entries leave it out.
        await store.SaveArticleResultAsync(1, "ports", new TopicProcessResult([], [Cluster("ports:rare", signature)], []), Day, Ct);
        var commons = Enumerable.Range(0, InMemoryClaimIndex.MaxPostingsRead + 10)
            .Select(i => Cluster($"ports:c{i}", new ClaimSignature(["velmar"], ["say"], [$"thing{i}"], []))).ToList();
        await store.SaveArticleResultAsync(2, "ports", new TopicProcessResult([], commons, []), Day.AddMinutes(1), Ct);

        var found = await store.FindCandidateIdsAsync("ports", signature.IndexKeys().ToList(), 5, Ct);
        var onlyCommon = await store.FindCandidateIdsAsync("ports", ["e:velmar"], 500, Ct);

        found[0].ShouldBe("ports:rare");
        onlyCommon.Count.ShouldBe(InMemoryClaimIndex.MaxPostingsRead);
        onlyCommon.ShouldNotContain("ports:rare");
    }
}
