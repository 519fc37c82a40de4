using Alerts.Core.Claims;
using Alerts.Core.Subscriptions;
using Alerts.Pipeline.Storage;

namespace Alerts.Tests.Contracts;

/// <summary>
/// The behaviour every <see cref="ISubscriptionStore"/> shares, run against SQLite and Azure tables by subclasses.
/// Events are appended through the same storage's <see cref="IClaimStore"/>, as the pipeline appends them.
/// </summary>
public abstract class SubscriptionStoreContract : StoreContract
{
    private long _nextArticle;

    private static Subscription Active(string email, params string[] topics) => new()
    {
        Id = Subscription.NewId(),
        Email = email,
        Topics = topics,
        Frequency = DigestFrequency.Immediate,
        State = SubscriptionState.Active,
        CreatedAt = Now.AddDays(-1),
        ConfirmedAt = Now.AddDays(-1),
    };

    /// <summary>One article's events in <paramref name="topicId"/>, all of type <paramref name="type"/> when given; returns their sequence numbers.</summary>
    private async Task<List<long>> AddEventsAsync(IClaimStore claims, string topicId, TopicEventType? type = null)
    {
        var articleId = Interlocked.Increment(ref _nextArticle);
        var extracted = ClaimExtractor.Extract(new ArticleInput(articleId.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "Port of Velmar to build a new container terminal",
            "The port authority of Velmar said on Monday it will build a new container terminal for 300 million euros.", "Harbour Post", Now, null));
        var result = TopicClaimEngine.Process(topicId, extracted, new InMemoryClaimIndex());
        result.Events.ShouldNotBeEmpty();
        if (type is { } forced)
        {
            result = result with { Events = result.Events.Select(e => e with { Type = forced }).ToList() };
        }

        (await claims.SaveArticleResultAsync(articleId, topicId, result, Now, Ct)).ShouldBeTrue();
        return (await claims.ListEventsAsync(topicId, 0, 10_000, Ct)).Where(e => e.ArticleId == articleId).Select(e => e.Seq).ToList();
    }

    private static void ShouldBeSame(Subscription? actual, Subscription expected)
    {
        actual.ShouldNotBeNull();
        actual.Topics.ShouldBe(expected.Topics);
        (actual with { Topics = [] }).ShouldBe(expected with { Topics = [] });
    }

    [Fact]
    public async Task ASubscriptionRoundTripsWithEveryFieldAndIsFoundByIdAndAddress()
    {
        var store = (await CreateStoresAsync()).Subscriptions;
        var weekly = Active("reader@example.org", "ports", "trams") with
        {
            Frequency = DigestFrequency.Weekly, Hour = 7, DayOfWeek = DayOfWeek.Friday, TimeZone = "Europe/Berlin",
            UnsubscribedAt = Now,
        };
        var other = Active("another@example.org", "wind") with { State = SubscriptionState.Pending, ConfirmedAt = null };

        await store.SaveAsync(weekly, startFromNow: true, Ct);
        await store.SaveAsync(other, startFromNow: false, Ct);

        ShouldBeSame(await store.GetAsync(weekly.Id, Ct), weekly);
        ShouldBeSame(await store.FindByEmailAsync("reader@example.org", Ct), weekly);
        (await store.FindByEmailAsync("READER@example.org", Ct))!.Id.ShouldBe(weekly.Id);
        (await store.ListAsync(Ct)).Select(s => s.Email).ShouldBe(["another@example.org", "reader@example.org"]);
        (await store.GetAsync("missing", Ct)).ShouldBeNull();
        (await store.FindByEmailAsync("nobody@example.org", Ct)).ShouldBeNull();
    }

    [Fact]
    public async Task SavingAgainReplacesTheSubscriptionAndMovesItsAddress()
    {
        var store = (await CreateStoresAsync()).Subscriptions;
        var subscription = Active("old@example.org", "ports");
        await store.SaveAsync(subscription, startFromNow: false, Ct);
        var changed = subscription with { Email = "new@example.org", Topics = ["wind"], State = SubscriptionState.Paused };

        await store.SaveAsync(changed, startFromNow: false, Ct);

        ShouldBeSame(await store.GetAsync(subscription.Id, Ct), changed);
        (await store.FindByEmailAsync("old@example.org", Ct)).ShouldBeNull();
        (await store.FindByEmailAsync("new@example.org", Ct))!.Id.ShouldBe(subscription.Id);
        (await store.ListAsync(Ct)).ShouldHaveSingleItem();
        var newcomer = Active("old@example.org", "ports");
        await store.SaveAsync(newcomer, startFromNow: false, Ct);
        (await store.FindByEmailAsync("old@example.org", Ct))!.Id.ShouldBe(newcomer.Id);
    }

    [Fact]
    public async Task ASecondSubscriptionForAnAddressInUseIsRefused()
    {
        var store = (await CreateStoresAsync()).Subscriptions;
        var first = Active("reader@example.org", "ports");
        await store.SaveAsync(first, startFromNow: false, Ct);

        await Should.ThrowAsync<Exception>(() => store.SaveAsync(Active("Reader@example.org", "wind"), startFromNow: false, Ct));

        (await store.FindByEmailAsync("reader@example.org", Ct))!.Id.ShouldBe(first.Id);
        (await store.ListAsync(Ct)).ShouldHaveSingleItem();
    }

    [Fact]
    public async Task ASubscriptionStartingFromNowGetsOnlyLaterEvents()
    {
        var stores = await CreateStoresAsync();
        var store = stores.Subscriptions;
        await AddEventsAsync(stores.Claims, "ports");
        var late = Active("late@example.org", "ports");
        var early = Active("early@example.org", "ports");

        await store.SaveAsync(late, startFromNow: true, Ct);
        await store.SaveAsync(early, startFromNow: false, Ct);

        (await store.ListDigestCandidatesAsync(Ct)).Select(c => c.Subscription.Id).ShouldBe([early.Id]);
        (await store.PeekUnsentAsync(late.Id, Ct)).ShouldBeEmpty();
        (await store.ClaimDigestAsync(late.Id, "w1", DigestRecord.IdFor(late.Id, "w1"), Now, Ct)).ShouldBeNull();

        var later = await AddEventsAsync(stores.Claims, "ports");
        var digest = await store.ClaimDigestAsync(late.Id, "w2", DigestRecord.IdFor(late.Id, "w2"), Now, Ct);
        digest.ShouldNotBeNull();
        digest.Ranges.ShouldHaveSingleItem().ThroughSeq.ShouldBe(later.Max());
        digest.Ranges[0].AfterSeq.ShouldBeLessThan(later.Min());
    }

    [Fact]
    public async Task SavingFromNowAgainDropsTheCursorsAndSavingOtherwiseKeepsThem()
    {
        var stores = await CreateStoresAsync();
        var store = stores.Subscriptions;
        var subscription = Active("reader@example.org", "ports");
        await store.SaveAsync(subscription, startFromNow: false, Ct);
        await AddEventsAsync(stores.Claims, "ports");
        (await store.ClaimDigestAsync(subscription.Id, "w1", DigestRecord.IdFor(subscription.Id, "w1"), Now, Ct)).ShouldNotBeNull();

        await store.SaveAsync(subscription with { Hour = 9 }, startFromNow: false, Ct);
        (await store.PeekUnsentAsync(subscription.Id, Ct)).ShouldBeEmpty();
        (await store.ListDigestCandidatesAsync(Ct)).ShouldBeEmpty();
        await AddEventsAsync(stores.Claims, "ports");
        (await store.ListDigestCandidatesAsync(Ct)).ShouldHaveSingleItem().LastWindowKey.ShouldBe("w1");

        await store.SaveAsync(subscription with { Hour = 10 }, startFromNow: true, Ct);
        (await store.PeekUnsentAsync(subscription.Id, Ct)).ShouldBeEmpty();
        (await store.ListDigestCandidatesAsync(Ct)).ShouldBeEmpty();
        (await store.GetAsync(subscription.Id, Ct))!.Hour.ShouldBe(10);
        var next = await AddEventsAsync(stores.Claims, "ports");
        (await store.PeekUnsentAsync(subscription.Id, Ct)).ShouldHaveSingleItem().ThroughSeq.ShouldBe(next.Max());
    }

    [Fact]
    public async Task ExpiredPendingSubscriptionsAreDeletedAndTheirAddressesFreed()
    {
        var store = (await CreateStoresAsync()).Subscriptions;
        var old = Active("old@example.org", "ports") with { State = SubscriptionState.Pending, ConfirmedAt = null, CreatedAt = Now.AddDays(-10) };
        var fresh = Active("fresh@example.org", "ports") with { State = SubscriptionState.Pending, ConfirmedAt = null, CreatedAt = Now };
        var activeOld = Active("active@example.org", "ports") with { CreatedAt = Now.AddDays(-10) };
        foreach (var subscription in new[] { old, fresh, activeOld })
        {
            await store.SaveAsync(subscription, startFromNow: false, Ct);
        }

        (await store.DeleteExpiredPendingAsync(Now.AddDays(-11), Ct)).ShouldBe(0);
        (await store.DeleteExpiredPendingAsync(Now.AddDays(-1), Ct)).ShouldBe(1);
        (await store.DeleteExpiredPendingAsync(Now.AddDays(-1), Ct)).ShouldBe(0);

        (await store.GetAsync(old.Id, Ct)).ShouldBeNull();
        (await store.FindByEmailAsync("old@example.org", Ct)).ShouldBeNull();
        (await store.ListAsync(Ct)).Select(s => s.Id).ShouldBe([activeOld.Id, fresh.Id], ignoreOrder: true);
        var again = Active("old@example.org", "ports");
        await store.SaveAsync(again, startFromNow: false, Ct);
        (await store.FindByEmailAsync("old@example.org", Ct))!.Id.ShouldBe(again.Id);
    }

    [Fact]
    public async Task OnlyActiveSubscriptionsWithADigestRaisingEventAreCandidates()
    {
        var stores = await CreateStoresAsync();
        var store = stores.Subscriptions;
        var reader = Active("reader@example.org", "ports");
        var paused = Active("paused@example.org", "ports") with { State = SubscriptionState.Paused };
        var pending = Active("pending@example.org", "ports") with { State = SubscriptionState.Pending, ConfirmedAt = null };
        var windy = Active("windy@example.org", "wind");
        var quiet = Active("quiet@example.org", "trams");
        foreach (var subscription in new[] { reader, paused, pending, windy, quiet })
        {
            await store.SaveAsync(subscription, startFromNow: false, Ct);
        }

        await AddEventsAsync(stores.Claims, "ports");
        await AddEventsAsync(stores.Claims, "wind", TopicEventType.Corroboration);

        var candidates = await store.ListDigestCandidatesAsync(Ct);
        candidates.ShouldHaveSingleItem().Subscription.Id.ShouldBe(reader.Id);
        candidates[0].LastWindowKey.ShouldBeNull();
        (await store.PeekUnsentAsync(windy.Id, Ct)).ShouldBeEmpty();
        (await store.ClaimDigestAsync(windy.Id, "w1", DigestRecord.IdFor(windy.Id, "w1"), Now, Ct)).ShouldBeNull();
        (await store.ClaimDigestAsync(paused.Id, "w1", DigestRecord.IdFor(paused.Id, "w1"), Now, Ct)).ShouldBeNull();
        (await store.ClaimDigestAsync(pending.Id, "w1", DigestRecord.IdFor(pending.Id, "w1"), Now, Ct)).ShouldBeNull();
        (await store.ClaimDigestAsync("missing", "w1", DigestRecord.IdFor("missing", "w1"), Now, Ct)).ShouldBeNull();
        (await store.ClaimDigestAsync(quiet.Id, "w1", DigestRecord.IdFor(quiet.Id, "w1"), Now, Ct)).ShouldBeNull();
        (await store.ListDigestsAsync(windy.Id, Ct)).ShouldBeEmpty();

        await AddEventsAsync(stores.Claims, "wind", TopicEventType.Contradiction);
        (await store.ListDigestCandidatesAsync(Ct)).Select(c => c.Subscription.Id).ShouldBe(new[] { reader.Id, windy.Id }.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task ClaimingADigestRecordsItsRangesMovesTheCursorsAndHappensOncePerId()
    {
        var stores = await CreateStoresAsync();
        var store = stores.Subscriptions;
        var subscription = Active("reader@example.org", "ports", "wind");
        await store.SaveAsync(subscription, startFromNow: false, Ct);
        var ports = await AddEventsAsync(stores.Claims, "ports");
        var wind = await AddEventsAsync(stores.Claims, "wind", TopicEventType.Corroboration);
        var id = DigestRecord.IdFor(subscription.Id, "w1");

        var peeked = await store.PeekUnsentAsync(subscription.Id, Ct);
        var first = await store.ClaimDigestAsync(subscription.Id, "w1", id, Now, Ct);

        first.ShouldNotBeNull();
        first.ShouldBe(new DigestRecord(id, subscription.Id, "w1", DigestState.Pending, Now, null, null, null, first.Ranges));
        var expected = new[] { new DigestEventRange("ports", 0, ports.Max()), new DigestEventRange("wind", 0, wind.Max()) };
        first.Ranges.OrderBy(r => r.TopicId, StringComparer.Ordinal).ShouldBe(expected);
        peeked.OrderBy(r => r.TopicId, StringComparer.Ordinal).ShouldBe(expected);
        (await store.PeekUnsentAsync(subscription.Id, Ct)).ShouldBeEmpty();
        (await store.ListDigestCandidatesAsync(Ct)).ShouldBeEmpty();

        var more = await AddEventsAsync(stores.Claims, "ports");
        var again = await store.ClaimDigestAsync(subscription.Id, "w1", id, Now.AddMinutes(5), Ct);
        again.ShouldNotBeNull();
        again.Ranges.OrderBy(r => r.TopicId, StringComparer.Ordinal).ShouldBe(expected);
        (again with { Ranges = first.Ranges }).ShouldBe(first);
        (await store.ListDigestsAsync(subscription.Id, Ct)).ShouldHaveSingleItem().Id.ShouldBe(id);
        (await store.GetDigestAsync(id, Ct))!.Ranges.OrderBy(r => r.TopicId, StringComparer.Ordinal).ShouldBe(expected);

        var candidate = (await store.ListDigestCandidatesAsync(Ct)).ShouldHaveSingleItem();
        candidate.LastWindowKey.ShouldBe("w1");
        var second = await store.ClaimDigestAsync(subscription.Id, "w2", DigestRecord.IdFor(subscription.Id, "w2"), Now.AddHours(1), Ct);
        second.ShouldNotBeNull();
        second.Ranges.ShouldBe([new DigestEventRange("ports", ports.Max(), more.Max())]);
        (await store.ClaimDigestAsync(subscription.Id, "w3", DigestRecord.IdFor(subscription.Id, "w3"), Now.AddHours(2), Ct)).ShouldBeNull();
        (await store.ListDigestsAsync(subscription.Id, Ct)).Select(d => d.WindowKey).ShouldBe(["w1", "w2"]);
        (await store.GetDigestAsync("missing-w1", Ct)).ShouldBeNull();
    }

    [Fact]
    public async Task ConcurrentClaimsOfOneWindowRecordOneDigest()
    {
        var stores = await CreateStoresAsync();
        var subscription = Active("reader@example.org", "ports", "wind");
        await stores.Subscriptions.SaveAsync(subscription, startFromNow: false, Ct);
        await AddEventsAsync(stores.Claims, "ports");
        await AddEventsAsync(stores.Claims, "wind");
        var others = Enumerable.Range(0, 4).Select(_ => OpenAgain().Subscriptions).ToList();
        var id = DigestRecord.IdFor(subscription.Id, "w1");

        var claimed = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(
            () => others[i % others.Count].ClaimDigestAsync(subscription.Id, "w1", id, Now.AddSeconds(i), Ct), Ct)));

        claimed.ShouldAllBe(d => d != null);
        claimed.Select(d => d!.CreatedAt).Distinct().ShouldHaveSingleItem();
        claimed.Select(d => string.Join(";", d!.Ranges.OrderBy(r => r.TopicId, StringComparer.Ordinal))).Distinct().ShouldHaveSingleItem();
        (await stores.Subscriptions.ListDigestsAsync(subscription.Id, Ct)).ShouldHaveSingleItem();
        (await stores.Subscriptions.ListStalePendingDigestsAsync(Now.AddHours(1), 100, Ct)).ShouldHaveSingleItem().Id.ShouldBe(id);
    }

    [Fact]
    public async Task ConcurrentClaimsOfDifferentWindowsPutEveryEventInExactlyOneDigest()
    {
        var stores = await CreateStoresAsync();
        var subscription = Active("reader@example.org", "ports", "wind");
        await stores.Subscriptions.SaveAsync(subscription, startFromNow: false, Ct);
        var others = Enumerable.Range(0, 4).Select(_ => OpenAgain().Subscriptions).ToList();
        string[] topics = ["ports", "wind"];

        var claimed = new List<DigestRecord>();

        // Rounds of new events then simultaneous claims of different windows, all reading the same cursors.
        for (var round = 0; round < 3; round++)
        {
            await AddEventsAsync(stores.Claims, "ports");
            await AddEventsAsync(stores.Claims, topics[round % 2]);
            var windows = Enumerable.Range(0, 8).Select(i => $"r{round}w{i}").ToList();
            var results = await Task.WhenAll(windows.Select((window, i) => Task.Run(
                () => others[i % others.Count].ClaimDigestAsync(subscription.Id, window, DigestRecord.IdFor(subscription.Id, window), Now.AddMinutes(round), Ct), Ct)));
            claimed.AddRange(results.OfType<DigestRecord>());
        }

        var last = await stores.Subscriptions.ClaimDigestAsync(subscription.Id, "last", DigestRecord.IdFor(subscription.Id, "last"), Now.AddHours(1), Ct);
        last.ShouldBeNull();
        claimed.Count.ShouldBe(3, "one claim per round finds the new events");

        var digests = await stores.Subscriptions.ListDigestsAsync(subscription.Id, Ct);
        digests.Select(d => d.Id).ShouldBe(claimed.Select(d => d.Id), ignoreOrder: true);
        foreach (var topic in topics)
        {
            var events = await stores.Claims.ListEventsAsync(topic, 0, 1000, Ct);
            events.Count.ShouldBeGreaterThan(0);
            foreach (var topicEvent in events)
            {
                digests.Count(d => d.Ranges.Any(r => r.TopicId == topic && r.AfterSeq < topicEvent.Seq && topicEvent.Seq <= r.ThroughSeq))
                    .ShouldBe(1, $"event {topicEvent.Seq} of {topic}");
            }
        }

        (await stores.Subscriptions.PeekUnsentAsync(subscription.Id, Ct)).ShouldBeEmpty();
    }

    [Fact]
    public async Task StalePendingDigestsAreListedOldestFirstUntilMarked()
    {
        var stores = await CreateStoresAsync();
        var store = stores.Subscriptions;
        var one = Active("one@example.org", "ports");
        var two = Active("two@example.org", "ports");
        await store.SaveAsync(one, startFromNow: false, Ct);
        await store.SaveAsync(two, startFromNow: false, Ct);
        await AddEventsAsync(stores.Claims, "ports");
        var late = await store.ClaimDigestAsync(one.Id, "w1", DigestRecord.IdFor(one.Id, "w1"), Now.AddMinutes(30), Ct);
        var early = await store.ClaimDigestAsync(two.Id, "w1", DigestRecord.IdFor(two.Id, "w1"), Now, Ct);
        await AddEventsAsync(stores.Claims, "ports");
        var recent = await store.ClaimDigestAsync(two.Id, "w2", DigestRecord.IdFor(two.Id, "w2"), Now.AddHours(2), Ct);

        (await store.ListStalePendingDigestsAsync(Now.AddHours(1), 100, Ct)).Select(d => d.Id).ShouldBe([early!.Id, late!.Id]);
        (await store.ListStalePendingDigestsAsync(Now.AddHours(1), 1, Ct)).Select(d => d.Id).ShouldBe([early.Id]);
        (await store.ListStalePendingDigestsAsync(Now, 100, Ct)).ShouldBeEmpty();
        (await store.ListStalePendingDigestsAsync(Now.AddHours(1), 0, Ct)).ShouldBeEmpty();

        (await store.MarkDigestSentAsync(early.Id, "provider-1", Now.AddHours(3), Ct)).ShouldBeTrue();
        (await store.MarkDigestFailedAsync(recent!.Id, "mail: refused", Now.AddHours(3), Ct)).ShouldBeTrue();
        (await store.ListStalePendingDigestsAsync(Now.AddHours(5), 100, Ct)).Select(d => d.Id).ShouldBe([late.Id]);
    }

    [Fact]
    public async Task ADigestIsMarkedSentOrFailedOnlyOnceAndOnlyFromPending()
    {
        var stores = await CreateStoresAsync();
        var store = stores.Subscriptions;
        var subscription = Active("reader@example.org", "ports");
        await store.SaveAsync(subscription, startFromNow: false, Ct);
        await AddEventsAsync(stores.Claims, "ports");
        var sent = (await store.ClaimDigestAsync(subscription.Id, "w1", DigestRecord.IdFor(subscription.Id, "w1"), Now, Ct))!;
        await AddEventsAsync(stores.Claims, "ports");
        var failed = (await store.ClaimDigestAsync(subscription.Id, "w2", DigestRecord.IdFor(subscription.Id, "w2"), Now.AddHours(1), Ct))!;

        (await store.MarkDigestSentAsync(sent.Id, "provider-1", Now.AddMinutes(1), Ct)).ShouldBeTrue();
        (await store.MarkDigestSentAsync(sent.Id, "provider-2", Now.AddMinutes(2), Ct)).ShouldBeFalse();
        (await store.MarkDigestFailedAsync(sent.Id, "late", Now.AddMinutes(2), Ct)).ShouldBeFalse();
        (await store.MarkDigestFailedAsync(failed.Id, "mail: address refused", Now.AddHours(2), Ct)).ShouldBeTrue();
        (await store.MarkDigestFailedAsync(failed.Id, "again", Now.AddHours(3), Ct)).ShouldBeFalse();
        (await store.MarkDigestSentAsync(failed.Id, "provider-3", Now.AddHours(3), Ct)).ShouldBeFalse();
        (await store.MarkDigestSentAsync("missing-w1", null, Now, Ct)).ShouldBeFalse();

        var readSent = (await store.GetDigestAsync(sent.Id, Ct))!;
        readSent.ShouldBe(sent with { State = DigestState.Sent, SentAt = Now.AddMinutes(1), ProviderId = "provider-1", Ranges = readSent.Ranges });
        readSent.Ranges.ShouldBe(sent.Ranges);
        var readFailed = (await store.GetDigestAsync(failed.Id, Ct))!;
        readFailed.State.ShouldBe(DigestState.Failed);
        readFailed.LastError.ShouldBe("mail: address refused");
        readFailed.SentAt.ShouldBe(Now.AddHours(2));
        readFailed.Ranges.ShouldBe(failed.Ranges);
        (await store.ClaimDigestAsync(subscription.Id, "w1", sent.Id, Now, Ct))!.State.ShouldBe(DigestState.Sent);
    }

    [Fact]
    public async Task ConcurrentMarksOfOneDigestSucceedOnce()
    {
        var stores = await CreateStoresAsync();
        var subscription = Active("reader@example.org", "ports");
        await stores.Subscriptions.SaveAsync(subscription, startFromNow: false, Ct);
        await AddEventsAsync(stores.Claims, "ports");
        var digest = (await stores.Subscriptions.ClaimDigestAsync(subscription.Id, "w1", DigestRecord.IdFor(subscription.Id, "w1"), Now, Ct))!;
        var others = Enumerable.Range(0, 4).Select(_ => OpenAgain().Subscriptions).ToList();

        var marked = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(() => i % 2 == 0
            ? others[i % others.Count].MarkDigestSentAsync(digest.Id, $"provider-{i}", Now, Ct)
            : others[i % others.Count].MarkDigestFailedAsync(digest.Id, $"reason {i}", Now, Ct), Ct)));

        marked.Count(m => m).ShouldBe(1);
        (await stores.Subscriptions.GetDigestAsync(digest.Id, Ct))!.State.ShouldNotBe(DigestState.Pending);
    }

    [Fact]
    public async Task AStoreSecretIsCreatedOnceEvenUnderConcurrency()
    {
        await CreateStoresAsync();
        var others = Enumerable.Range(0, 4).Select(_ => OpenAgain().Subscriptions).ToList();

        var secrets = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(
            () => others[i % others.Count].GetOrCreateSecretAsync("tokens", () => $"secret-{i}", Ct), Ct)));

        secrets.Distinct().ShouldHaveSingleItem();
        (await others[0].GetOrCreateSecretAsync("tokens", () => "later", Ct)).ShouldBe(secrets[0]);
        (await others[1].GetOrCreateSecretAsync("other", () => "second", Ct)).ShouldBe("second");
    }
}
