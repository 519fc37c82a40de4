using Alerts.Core.Subscriptions;
using Alerts.Pipeline.Storage;
using Alerts.Tests.Digests;
using Alerts.Tests.Pipeline;

namespace Alerts.Tests.Subscriptions;

public class SqliteSubscriptionStoreTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Subscription Active(string email, params string[] topics) => new()
    {
        Id = Subscription.NewId(),
        Email = email,
        Topics = topics,
        Frequency = DigestFrequency.Immediate,
        State = SubscriptionState.Active,
        CreatedAt = TopicEvents.Day,
        ConfirmedAt = TopicEvents.Day,
    };

    [Fact]
    public async Task ASubscriptionIsStoredWithEveryFieldAndFoundByIdAndAddress()
    {
        await using var app = await TestApp.StartAsync();
        var store = app.Get<ISubscriptionStore>();
        var subscription = Active("reader@example.org", "ports", "trams") with { Frequency = DigestFrequency.Weekly, Hour = 7, DayOfWeek = DayOfWeek.Friday, TimeZone = "Europe/Berlin" };

        await store.SaveAsync(subscription, startFromNow: true, Ct);

        (await store.GetAsync(subscription.Id, Ct)).ShouldBe(subscription with { Topics = subscription.Topics }, new SubscriptionComparer());
        (await store.FindByEmailAsync("READER@example.org", Ct))!.Id.ShouldBe(subscription.Id);
        (await store.ListAsync(Ct)).Count.ShouldBe(1);
    }

    [Fact]
    public async Task ClaimingADigestTakesTheUnsentEventsOnceAndTheSameIdFindsTheSameDigest()
    {
        await using var app = await TestApp.StartAsync();
        var store = app.Get<ISubscriptionStore>();
        var claims = app.Get<IClaimStore>();
        var subscription = Active("reader@example.org", "ports");
        await store.SaveAsync(subscription, startFromNow: true, Ct);
        var events = await TopicEvents.AddTerminalClaimAsync(claims, "ports", 1, Ct);
        events.ShouldNotBeEmpty();

        (await store.ListDigestCandidatesAsync(Ct)).Select(c => c.Subscription.Id).ShouldBe([subscription.Id]);
        var peeked = await store.PeekUnsentAsync(subscription.Id, Ct);
        var first = await store.ClaimDigestAsync(subscription.Id, "w1", "d-w1", TopicEvents.Day, Ct);
        var again = await store.ClaimDigestAsync(subscription.Id, "w1", "d-w1", TopicEvents.Day, Ct);
        var other = await store.ClaimDigestAsync(subscription.Id, "w2", "d-w2", TopicEvents.Day, Ct);

        first.ShouldNotBeNull();
        first.State.ShouldBe(DigestState.Pending);
        first.Ranges.ShouldBe(peeked);
        first.Ranges.Single().ThroughSeq.ShouldBeGreaterThan(first.Ranges.Single().AfterSeq);
        again.ShouldBe(first with { Ranges = again!.Ranges });
        again.Ranges.ShouldBe(first.Ranges);
        other.ShouldBeNull();
        (await store.ListDigestCandidatesAsync(Ct)).ShouldBeEmpty();
        (await store.PeekUnsentAsync(subscription.Id, Ct)).ShouldBeEmpty();
    }

    [Fact]
    public async Task ASubscriptionStartingFromNowDoesNotReceiveEarlierEvents()
    {
        await using var app = await TestApp.StartAsync();
        var store = app.Get<ISubscriptionStore>();
        await TopicEvents.AddTerminalClaimAsync(app.Get<IClaimStore>(), "ports", 1, Ct);
        var late = Active("late@example.org", "ports");
        var early = Active("early@example.org", "ports");

        await store.SaveAsync(late, startFromNow: true, Ct);
        await store.SaveAsync(early, startFromNow: false, Ct);

        (await store.ListDigestCandidatesAsync(Ct)).Select(c => c.Subscription.Email).ShouldBe(["early@example.org"]);
        (await store.ClaimDigestAsync(late.Id, "w1", "late-w1", TopicEvents.Day, Ct)).ShouldBeNull();
    }

    [Fact]
    public async Task OnlyActiveSubscriptionsClaimDigestsAndPendingOnesExpire()
    {
        await using var app = await TestApp.StartAsync();
        var store = app.Get<ISubscriptionStore>();
        var pending = Active("pending@example.org", "ports") with { State = SubscriptionState.Pending, ConfirmedAt = null };
        await store.SaveAsync(pending, startFromNow: false, Ct);
        await TopicEvents.AddTerminalClaimAsync(app.Get<IClaimStore>(), "ports", 1, Ct);

        (await store.ListDigestCandidatesAsync(Ct)).ShouldBeEmpty();
        (await store.ClaimDigestAsync(pending.Id, "w1", "p-w1", TopicEvents.Day, Ct)).ShouldBeNull();
        (await store.DeleteExpiredPendingAsync(TopicEvents.Day, Ct)).ShouldBe(0);
        (await store.DeleteExpiredPendingAsync(TopicEvents.Day.AddDays(8), Ct)).ShouldBe(1);
        (await store.GetAsync(pending.Id, Ct)).ShouldBeNull();
    }

    [Fact]
    public async Task ADigestIsMarkedSentOrFailedOnlyFromPending()
    {
        await using var app = await TestApp.StartAsync();
        var store = app.Get<ISubscriptionStore>();
        var subscription = Active("reader@example.org", "ports");
        await store.SaveAsync(subscription, startFromNow: false, Ct);
        await TopicEvents.AddTerminalClaimAsync(app.Get<IClaimStore>(), "ports", 1, Ct);
        await store.ClaimDigestAsync(subscription.Id, "w1", "d-w1", TopicEvents.Day, Ct);

        (await store.MarkDigestSentAsync("d-w1", "provider-1", TopicEvents.Day, Ct)).ShouldBeTrue();
        (await store.MarkDigestSentAsync("d-w1", "provider-2", TopicEvents.Day, Ct)).ShouldBeFalse();
        (await store.MarkDigestFailedAsync("d-w1", "late", TopicEvents.Day, Ct)).ShouldBeFalse();
        var digest = (await store.GetDigestAsync("d-w1", Ct))!;
        digest.State.ShouldBe(DigestState.Sent);
        digest.ProviderId.ShouldBe("provider-1");
        (await store.ListDigestsAsync(subscription.Id, Ct)).Single().Id.ShouldBe("d-w1");
    }

    [Fact]
    public async Task TheStoreSecretIsCreatedOnceAndThenKept()
    {
        await using var app = await TestApp.StartAsync();
        var store = app.Get<ISubscriptionStore>();

        var first = await store.GetOrCreateSecretAsync("tokens", () => "one", Ct);
        var second = await store.GetOrCreateSecretAsync("tokens", () => "two", Ct);

        first.ShouldBe("one");
        second.ShouldBe("one");
    }

    private sealed class SubscriptionComparer : IEqualityComparer<Subscription>
    {
        public bool Equals(Subscription? x, Subscription? y) =>
            x is not null && y is not null && x.Topics.SequenceEqual(y.Topics) && x with { Topics = Array.Empty<string>() } == y with { Topics = Array.Empty<string>() };

        public int GetHashCode(Subscription obj) => obj.Id.GetHashCode(StringComparison.Ordinal);
    }
}
