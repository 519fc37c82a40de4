using System.Text.RegularExpressions;
using Alerts.Core.Subscriptions;
using Alerts.Pipeline.Digests;
using Alerts.Pipeline.Storage;
using Alerts.Pipeline.Subscriptions;
using Alerts.Tests.Digests;

namespace Alerts.Tests.Subscriptions;

public sealed partial class ManageSubscriptionsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static SubscriptionRequest Request(string email) => new(email, ["ports"], DigestFrequency.Immediate);

    /// <summary>The token of the confirmation link in the one confirmation email in the outbox.</summary>
    private static string ConfirmToken(DigestHarness harness)
    {
        var file = harness.OutboxFiles().Single(f => f.StartsWith("confirm-", StringComparison.Ordinal));
        var text = harness.ReadOutbox(file).Part("text/plain").Text();
        return Uri.UnescapeDataString(ConfirmLink().Match(text).Groups[1].Value);
    }

    [GeneratedRegex(@"/confirm\?token=(\S+)")]
    private static partial Regex ConfirmLink();

    [Fact]
    public async Task SubscribingSendsOnlyAConfirmationAndDigestsFlowOnceConfirmed()
    {
        await using var harness = await DigestHarness.StartAsync();
        var manage = harness.Get<ManageSubscriptions>();
        var schedule = harness.Get<DigestSchedule>();

        var result = await manage.SubscribeAsync(Request("New.Reader@Example.ORG"), Ct);
        await TopicEvents.AddTerminalClaimAsync(harness.Get<IClaimStore>(), "ports", 1, Ct);

        result.Outcome.ShouldBe(SubscribeOutcome.ConfirmationSent);
        result.Subscription.State.ShouldBe(SubscriptionState.Pending);
        result.Subscription.Email.ShouldBe("New.Reader@example.org");
        harness.OutboxFiles().Count.ShouldBe(1);
        var confirmation = harness.ReadOutbox(harness.OutboxFiles()[0]);
        confirmation.Header("To").ShouldBe("New.Reader@example.org");
        confirmation.Decoded("Subject")!.ShouldStartWith("Confirm your Alerts subscription");
        (await schedule.RunAsync(Ct)).ShouldBeEmpty();

        var confirmed = await manage.ConfirmAsync(ConfirmToken(harness), Ct);
        confirmed.Ok.ShouldBeTrue(confirmed.Error);
        confirmed.Subscription!.State.ShouldBe(SubscriptionState.Active);

        // Confirmation starts the subscription from now: the earlier event is not sent, the next one is.
        (await schedule.RunAsync(Ct)).ShouldBeEmpty();
        await TopicEvents.AddAsync(harness.Get<IClaimStore>(), "ports", 2, "Quay Times", "Velmar ferry operator orders two electric ferries",
            "The ferry operator Velmar Lines said on Tuesday it has ordered two electric ferries for 80 million euros.", Ct);
        var messages = await schedule.RunAsync(Ct);
        messages.Count.ShouldBe(1);
        (await harness.Get<SendDigest>().RunAsync(messages[0], Ct)).Outcome.ShouldBe(SendDigestOutcome.Sent);
        harness.OutboxFiles().Count.ShouldBe(2);
    }

    [Fact]
    public async Task SubscribingTheSameAddressTwiceIsIdempotent()
    {
        await using var harness = await DigestHarness.StartAsync();
        var manage = harness.Get<ManageSubscriptions>();

        var first = await manage.SubscribeAsync(Request("reader@example.org"), Ct);
        var second = await manage.SubscribeAsync(Request(" reader@EXAMPLE.org ") with { Frequency = DigestFrequency.Weekly }, Ct);
        await manage.ConfirmAsync(ConfirmToken(harness), Ct);
        var third = await manage.SubscribeAsync(Request("reader@example.org") with { Topics = ["ports", "ports"] }, Ct);

        second.Outcome.ShouldBe(SubscribeOutcome.AlreadyPending);
        second.Subscription.Id.ShouldBe(first.Subscription.Id);
        second.Subscription.Frequency.ShouldBe(DigestFrequency.Immediate);
        third.Outcome.ShouldBe(SubscribeOutcome.AlreadyActive);
        (await manage.ListAsync(Ct)).Count.ShouldBe(1);
        harness.OutboxFiles().Count.ShouldBe(1);
    }

    [Fact]
    public async Task ResubscribingAfterUnsubscribingNeedsANewConfirmationAndTheOldLinkNoLongerWorks()
    {
        await using var harness = await DigestHarness.StartAsync();
        var manage = harness.Get<ManageSubscriptions>();
        await manage.SubscribeAsync(Request("reader@example.org"), Ct);
        var oldToken = ConfirmToken(harness);
        await manage.ConfirmAsync(oldToken, Ct);
        (await manage.UnsubscribeAsync("reader@example.org", Ct))!.State.ShouldBe(SubscriptionState.Unsubscribed);
        harness.App.Clock.Advance(TimeSpan.FromSeconds(2));

        var again = await manage.SubscribeAsync(Request("reader@example.org"), Ct);
        var replayed = await manage.ConfirmAsync(oldToken, Ct);

        again.Outcome.ShouldBe(SubscribeOutcome.ConfirmationSent);
        again.Subscription.State.ShouldBe(SubscriptionState.Pending);
        replayed.Ok.ShouldBeFalse();
        replayed.Error!.ShouldContain("no longer valid");
        harness.OutboxFiles().Count(f => f.StartsWith("confirm-", StringComparison.Ordinal)).ShouldBe(2);
    }

    [Fact]
    public async Task APendingSubscriptionExpiresAfterSevenDays()
    {
        await using var harness = await DigestHarness.StartAsync();
        var manage = harness.Get<ManageSubscriptions>();
        await manage.SubscribeAsync(Request("reader@example.org"), Ct);
        var token = ConfirmToken(harness);

        harness.App.Clock.Advance(TimeSpan.FromDays(6));
        (await manage.ExpirePendingAsync(Ct)).ShouldBe(0);
        harness.App.Clock.Advance(TimeSpan.FromDays(1.5));
        await harness.Get<DigestSchedule>().RunAsync(Ct);

        (await manage.FindAsync("reader@example.org", Ct)).ShouldBeNull();
        (await manage.ConfirmAsync(token, Ct)).Ok.ShouldBeFalse();
    }

    [Fact]
    public async Task UnsubscribeLinksWorkForeverAndForgedOnesDoNot()
    {
        await using var harness = await DigestHarness.StartAsync();
        var manage = harness.Get<ManageSubscriptions>();
        var subscription = await harness.AddActiveAsync("reader@example.org");
        var token = await harness.Get<SubscriptionLinks>().UnsubscribeTokenAsync(subscription.Id, Ct);
        harness.App.Clock.Advance(TimeSpan.FromDays(400));

        (await manage.UnsubscribeByTokenAsync(token[..^2] + "AA", Ct)).Ok.ShouldBeFalse();
        (await manage.ConfirmAsync(token, Ct)).Error.ShouldBe(new TokenCheck(TokenStatus.WrongPurpose, null, null).Error);
        var result = await manage.UnsubscribeByTokenAsync(token, Ct);
        var repeated = await manage.UnsubscribeByTokenAsync(token, Ct);

        result.Subscription!.State.ShouldBe(SubscriptionState.Unsubscribed);
        repeated.Ok.ShouldBeTrue();
    }

    [Theory]
    [InlineData("not-an-address", "has no @")]
    [InlineData("reader@example.org\r\nBcc: victim@example.org", "control character")]
    public async Task InvalidAddressesAreRefusedWithTheReason(string email, string reason)
    {
        await using var harness = await DigestHarness.StartAsync();

        var error = await Should.ThrowAsync<ArgumentException>(() => harness.Get<ManageSubscriptions>().SubscribeAsync(Request(email), Ct));

        error.Message.ShouldContain(reason);
        harness.OutboxFiles().ShouldBeEmpty();
    }

    [Fact]
    public async Task UnknownTopicsAndTimeZonesAreRefused()
    {
        await using var harness = await DigestHarness.StartAsync();
        var manage = harness.Get<ManageSubscriptions>();

        (await Should.ThrowAsync<ArgumentException>(() => manage.SubscribeAsync(Request("a@example.org") with { Topics = ["nope"] }, Ct))).Message.ShouldContain("no topic 'nope'");
        (await Should.ThrowAsync<ArgumentException>(() => manage.SubscribeAsync(Request("a@example.org") with { TimeZone = "Mars/Olympus" }, Ct))).Message.ShouldContain("unknown time zone");
    }

    [Fact]
    public async Task AnOperatorSubscriberIsActiveAtOnceAndStaysUnsubscribedOnceUnsubscribed()
    {
        await using var harness = await DigestHarness.StartAsync();
        var manage = harness.Get<ManageSubscriptions>();

        var added = await manage.EnsureOperatorSubscriberAsync(Request("ops@example.org"), Ct);
        var again = await manage.EnsureOperatorSubscriberAsync(Request("ops@example.org"), Ct);
        await manage.UnsubscribeAsync(added.Id, Ct);
        var afterUnsubscribe = await manage.EnsureOperatorSubscriberAsync(Request("ops@example.org"), Ct);

        added.State.ShouldBe(SubscriptionState.Active);
        again.Id.ShouldBe(added.Id);
        afterUnsubscribe.State.ShouldBe(SubscriptionState.Unsubscribed);
        harness.OutboxFiles().ShouldBeEmpty();
    }
}
