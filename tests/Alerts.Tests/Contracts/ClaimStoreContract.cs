using Alerts.Core.Articles;
using Alerts.Core.Claims;
using Alerts.Core.Topics;
using Alerts.Pipeline.Claims;
using Alerts.Pipeline.Storage;
using Alerts.Pipeline.Topics;
using Microsoft.Extensions.Logging;

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

    /// <summary>How many writers the concurrency case runs at once (processes or Functions instances on one store).</summary>
    protected const int Writers = 8;

    private static readonly string[] Speakers =
    [
        "Mayor Anna Berg", "Transport minister Lena Holm", "Harbour master Piet Jansen", "Union leader Omar Haddad",
        "Finance officer Clara Voss", "Port director Hugo Marin", "Councillor Ines Duarte", "Economist Tomas Reyes",
    ];

    private static Article PortArticle(long id, string speaker, string outlet) => new()
    {
        Id = id,
        Title = "Velmar to build a new container terminal",
        Text = $"{speaker} said on Monday that the port of Velmar will build a new container terminal for 300 million euros.",
        Outlet = outlet,
        Published = Day.AddHours(id % 100),
        FetchedAt = Day.AddHours(id % 100),
    };

    /// <summary>
    /// Issue 15, defect 2: writers on separate store instances (as separate processes have) process different
    /// articles whose claims join the same cluster. All of them read the cluster before any of them saves, so
    /// every save but one meets a newer version; each must read again and keep the others' sightings.
    /// </summary>
    [Fact]
    public async Task ConcurrentWritersOnOneTopicKeepEverySighting()
    {
        var first = await CreateStoresAsync();
        await first.Topics.UpsertTopicAsync(new Topic("ports", "Ports", "Velmar AND terminal"), Ct);
        await first.Topics.UpsertTopicAsync(new Topic("ports-serial", "Ports, one writer", "Velmar AND terminal"), Ct);
        var seed = PortArticle(100, "The port authority of Velmar", "Harbour Post");
        var articles = Enumerable.Range(0, Writers).Select(i => PortArticle(101 + i, Speakers[i], $"Outlet {i}")).ToList();

        // The same articles one at a time on a twin topic: what each article must leave in the clusters.
        foreach (var article in articles.Prepend(seed))
        {
            await RecordAsync(first, first.Claims, new ConflictLog(), article, "ports-serial");
        }

        await RecordAsync(first, first.Claims, new ConflictLog(), seed, "ports");
        var log = new ConflictLog();
        var gate = new ReadAllBeforeSaving(Writers);
        var writers = articles.Select(article =>
        {
            var stores = OpenAgain();
            return Task.Run(() => RecordAsync(stores, gate.Wrap(stores.Claims), log, article, "ports"), Ct);
        }).ToList();
        await Task.WhenAll(writers);

        var expected = await SightingsByArticleAsync(first.Claims, "ports-serial");
        var kept = await SightingsByArticleAsync(first.Claims, "ports");
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"writers={Writers} sightings expected={expected.Values.Sum()} kept={kept.Values.Sum()} conflicts-retried={log.Conflicts}");
        expected.Keys.ShouldBe(articles.Prepend(seed).Select(a => a.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)), ignoreOrder: true);
        kept.ShouldBe(expected, ignoreOrder: true);
        // The writers really shared a cluster: the seed's cluster lists every article, and all but one save met a conflict.
        var shared = await SharedClusterAsync(first.Claims, "ports");
        shared.Sightings.Select(s => s.ArticleKey).Distinct().Count().ShouldBe(Writers + 1);
        shared.Version.ShouldBe(Writers + 1);
        log.Conflicts.ShouldBeGreaterThanOrEqualTo(Writers - 1);
        foreach (var topicEvent in await first.Claims.ListEventsAsync("ports", 0, 1000, Ct))
        {
            var cluster = await first.Claims.GetClusterAsync(topicEvent.Event.ClusterId, Ct);
            cluster.ShouldNotBeNull().Sightings.ShouldContain(s => s.ArticleKey == topicEvent.ArticleId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    [Fact]
    public async Task AClusterIsWrittenOnlyAtTheVersionItWasRead()
    {
        var store = (await CreateStoresAsync()).Claims;
        var result = Process("ports", "1");
        (await store.SaveArticleResultAsync(1, "ports", result, Day, Ct)).ShouldBeTrue();
        var stored = await store.GetClusterAsync(result.Clusters[0].Id, Ct);
        stored.ShouldNotBeNull().Version.ShouldBe(1);

        var update = new TopicProcessResult([], [stored with { Sightings = [.. stored.Sightings, stored.Sightings[0] with { ArticleKey = "2" }] }], []);
        (await store.SaveArticleResultAsync(2, "ports", update, Day, Ct)).ShouldBeTrue();
        var stale = new TopicProcessResult([], [stored with { Sightings = [.. stored.Sightings, stored.Sightings[0] with { ArticleKey = "3" }] }], []);
        var again = new TopicProcessResult([], [result.Clusters[0]], []);

        await Should.ThrowAsync<ClaimWriteConflictException>(() => store.SaveArticleResultAsync(3, "ports", stale, Day, Ct));
        await Should.ThrowAsync<ClaimWriteConflictException>(() => store.SaveArticleResultAsync(4, "ports", again, Day, Ct));
        var after = await store.GetClusterAsync(result.Clusters[0].Id, Ct);
        after.ShouldNotBeNull().Version.ShouldBe(2);
        after.Sightings.Select(s => s.ArticleKey).ShouldBe(["1", "2"]);
        // A refused save changes nothing: the article is not marked processed, so the retry can save it.
        (await store.IsArticleProcessedAsync(3, "ports", Ct)).ShouldBeFalse();
        (await store.IsArticleProcessedAsync(4, "ports", Ct)).ShouldBeFalse();
    }

    /// <summary>
    /// The pipeline reads candidates from the store by the signatures the engine looks clusters up by: a figure that
    /// names the topic only in lower case ("the price of velcoin") is found by the topic's term, as in memory.
    /// </summary>
    [Fact]
    public async Task AFigureThatNamesTheTopicInLowerCaseMeetsItsClusterInTheStore()
    {
        var stores = await CreateStoresAsync();
        await stores.Topics.UpsertTopicAsync(new Topic("coins", "Velcoin", "velcoin"), Ct);
        Article Coin(long id, string text) => new() { Id = id, Title = "", Text = text, Outlet = $"Outlet {id}", Published = Day.AddHours(id), FetchedAt = Day.AddHours(id) };

        await RecordAsync(stores, stores.Claims, new ConflictLog(), Coin(1, "The price of velcoin jumped 12% on Monday to $41,230 after the Orvane report."), "coins");
        await RecordAsync(stores, stores.Claims, new ConflictLog(), Coin(2, "In Estavia the price of velcoin rose as much as 13 percent before settling near $40,000."), "coins");

        var events = await stores.Claims.ListEventsAsync("coins", 0, 1000, Ct);
        events.ShouldHaveSingleItem().ArticleId.ShouldBe(1);
    }

    /// <summary>Matches the article as the pipeline does and records its claims for one of the topics it matched.</summary>
    private static async Task RecordAsync(StoreSet stores, IClaimStore claims, ConflictLog log, Article article, string topicId)
    {
        using var matcher = new TopicMatcher(stores.Topics);
        var matches = (await matcher.MatchAsync(article, Ct)).Where(m => m.TopicId == topicId).ToList();
        matches.ShouldHaveSingleItem();
        await new RecordTopicClaims(claims, matcher, TimeProvider.System, log).RunAsync(article, matches, Ct);
    }

    /// <summary>Sightings per article key over the clusters the topic's events point to (every cluster opens with an event).</summary>
    private static async Task<Dictionary<string, int>> SightingsByArticleAsync(IClaimStore store, string topicId)
    {
        var events = await store.ListEventsAsync(topicId, 0, 1000, Ct);
        var clusters = await store.GetClustersAsync(events.Select(e => e.Event.ClusterId).ToHashSet(), Ct);
        return clusters.Values.SelectMany(c => c.Sightings).GroupBy(s => s.ArticleKey).ToDictionary(g => g.Key, g => g.Count());
    }

    private static async Task<ClaimCluster> SharedClusterAsync(IClaimStore store, string topicId)
    {
        var events = await store.ListEventsAsync(topicId, 0, 1000, Ct);
        var clusters = await store.GetClustersAsync(events.Select(e => e.Event.ClusterId).ToHashSet(), Ct);
        return clusters.Values.OrderByDescending(c => c.Sightings.Count).First();
    }

    /// <summary>Counts the retries <see cref="RecordTopicClaims"/> logs.</summary>
    private sealed class ConflictLog : ILogger<RecordTopicClaims>
    {
        private int _conflicts;

        public int Conflicts => _conflicts;

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (formatter(state, exception).Contains("a cluster changed", StringComparison.Ordinal))
            {
                Interlocked.Increment(ref _conflicts);
            }
        }
    }

    /// <summary>
    /// Holds every writer's first save until all writers have read their clusters, so the reads all see the same
    /// versions and the saves really race (on two cores the writers would otherwise often run one after another).
    /// </summary>
    private sealed class ReadAllBeforeSaving(int writers)
    {
        private readonly TaskCompletionSource _allRead = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _waiting = writers;

        public IClaimStore Wrap(IClaimStore inner) => new Gated(inner, this);

        private async Task ArriveAsync()
        {
            if (Interlocked.Decrement(ref _waiting) == 0)
            {
                _allRead.SetResult();
            }

            await _allRead.Task.WaitAsync(TimeSpan.FromSeconds(60), Ct);
        }

        private sealed class Gated(IClaimStore inner, ReadAllBeforeSaving gate) : IClaimStore
        {
            private int _saves;

            public Task<IReadOnlyList<string>> FindCandidateIdsAsync(string topicId, IReadOnlyCollection<string> indexKeys, int limit, CancellationToken cancellationToken) =>
                inner.FindCandidateIdsAsync(topicId, indexKeys, limit, cancellationToken);

            public Task<IReadOnlyDictionary<string, ClaimCluster>> GetClustersAsync(IReadOnlyCollection<string> clusterIds, CancellationToken cancellationToken) =>
                inner.GetClustersAsync(clusterIds, cancellationToken);

            public Task<bool> IsArticleProcessedAsync(long articleId, string topicId, CancellationToken cancellationToken) =>
                inner.IsArticleProcessedAsync(articleId, topicId, cancellationToken);

            public async Task<bool> SaveArticleResultAsync(long articleId, string topicId, TopicProcessResult result, DateTimeOffset recordedAt, CancellationToken cancellationToken)
            {
                if (Interlocked.Increment(ref _saves) == 1)
                {
                    await gate.ArriveAsync();
                }

                return await inner.SaveArticleResultAsync(articleId, topicId, result, recordedAt, cancellationToken);
            }

            public Task<IReadOnlyList<StoredTopicEvent>> ListEventsAsync(string topicId, long afterSeq, int limit, CancellationToken cancellationToken) =>
                inner.ListEventsAsync(topicId, afterSeq, limit, cancellationToken);

            public Task<ClaimCluster?> GetClusterAsync(string clusterId, CancellationToken cancellationToken) =>
                inner.GetClusterAsync(clusterId, cancellationToken);

            public Task<long> CountClustersAsync(CancellationToken cancellationToken) => inner.CountClustersAsync(cancellationToken);

            public Task<ClusterPage> ListClustersByChangeAsync(string topicId, string? cursor, int limit, CancellationToken cancellationToken) =>
                inner.ListClustersByChangeAsync(topicId, cursor, limit, cancellationToken);

            public Task<ClusterPosition?> FindClusterByChangeAsync(string topicId, string clusterId, CancellationToken cancellationToken) =>
                inner.FindClusterByChangeAsync(topicId, clusterId, cancellationToken);

            public Task<IReadOnlyList<StoredTopicEvent>> ListClusterEventsAsync(string topicId, string clusterId, int limit, CancellationToken cancellationToken) =>
                inner.ListClusterEventsAsync(topicId, clusterId, limit, cancellationToken);
        }
    }
}
