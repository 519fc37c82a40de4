using System.Text.RegularExpressions;
using Alerts.Core.Subscriptions;
using Alerts.Core.Topics;
using Alerts.Pipeline.Digests;
using Alerts.Pipeline.Storage;
using Alerts.Pipeline.Subscriptions;
using Alerts.Tests.Digests;

namespace Alerts.Tests.Subscriptions;

/// <summary>Manage links: reading and changing a subscription by token, pausing, the topic picker, resending a lost confirmation.</summary>
public sealed partial class ManageLinksTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [GeneratedRegex(@"/confirm\?token=(\S+)")]
    private static partial Regex ConfirmLink();

    [GeneratedRegex(@"/manage\?token=([^\s""<]+)")]
    private static partial Regex ManageLink();

    private static async Task<(Subscription Subscription, string ManageToken)> ActiveWithTokenAsync(DigestHarness harness, string email = "reader@example.org")
    {
        var subscription = await harness.AddActiveAsync(email);
        return (subscription, await harness.Get<SubscriptionLinks>().ManageTokenAsync(subscription.Id, Ct));
    }

    [Fact]
    public async Task ConfirmingHandsOutAManageTokenThatOpensTheSubscription()
    {
        await using var harness = await DigestHarness.StartAsync();
        var manage = harness.Get<ManageSubscriptions>();
        await manage.SubscribeAsync(new SubscriptionRequest("reader@example.org", ["ports"]), Ct);
        var text = harness.ReadOutbox(harness.OutboxFiles().Single()).Part("text/plain").Text();

        var confirmed = await manage.ConfirmAsync(Uri.UnescapeDataString(ConfirmLink().Match(text).Groups[1].Value), Ct);
        var opened = await manage.GetByManageTokenAsync(confirmed.ManageToken!, Ct);

        opened.Ok.ShouldBeTrue(opened.Error);
        opened.Subscription!.Id.ShouldBe(confirmed.Subscription!.Id);
        harness.Get<SubscriptionLinks>().ManageUrl(confirmed.ManageToken!).ShouldStartWith("http://127.0.0.1:5080/manage?token=v1.");
    }

    [Fact]
    public async Task ManageTokensExpireAndOtherTokensDoNotOpenTheManagePage()
    {
        await using var harness = await DigestHarness.StartAsync();
        var manage = harness.Get<ManageSubscriptions>();
        var (subscription, token) = await ActiveWithTokenAsync(harness);
        var unsubscribeToken = await harness.Get<SubscriptionLinks>().UnsubscribeTokenAsync(subscription.Id, Ct);

        (await manage.GetByManageTokenAsync(unsubscribeToken, Ct)).Error.ShouldBe(new TokenCheck(TokenStatus.WrongPurpose, null, null).Error);
        (await manage.GetByManageTokenAsync(Web.ApiTestExtensions.Tamper(token), Ct)).Ok.ShouldBeFalse();
        harness.App.Clock.Advance(TimeSpan.FromDays(31));
        (await manage.GetByManageTokenAsync(token, Ct)).Error.ShouldBe(new TokenCheck(TokenStatus.Expired, null, null).Error);
    }

    [Fact]
    public async Task UpdatingPreferencesChangesTopicsAndScheduleAndValidatesLikeSubscribing()
    {
        await using var harness = await DigestHarness.StartAsync();
        await harness.Get<ITopicStore>().UpsertTopicAsync(new Topic("trams", "City trams", "tram"), Ct);
        var manage = harness.Get<ManageSubscriptions>();
        var (_, token) = await ActiveWithTokenAsync(harness);

        var updated = await manage.UpdatePreferencesAsync(token, ["trams", "ports"], DigestFrequency.Weekly, 18, DayOfWeek.Friday, "Europe/Berlin", Ct);
        var badZone = await Should.ThrowAsync<InvalidSubscriptionException>(() =>
            manage.UpdatePreferencesAsync(token, ["ports"], DigestFrequency.Daily, 8, DayOfWeek.Monday, "Mars/Olympus", Ct));
        var badHour = await Should.ThrowAsync<InvalidSubscriptionException>(() =>
            manage.UpdatePreferencesAsync(token, ["ports"], DigestFrequency.Daily, 24, DayOfWeek.Monday, "UTC", Ct));
        var badTopic = await Should.ThrowAsync<InvalidSubscriptionException>(() =>
            manage.UpdatePreferencesAsync(token, ["nope"], DigestFrequency.Daily, 8, DayOfWeek.Monday, "UTC", Ct));
        var badFrequency = await Should.ThrowAsync<InvalidSubscriptionException>(() =>
            manage.UpdatePreferencesAsync(token, ["ports"], (DigestFrequency)42, 8, DayOfWeek.Monday, "UTC", Ct));

        updated.Subscription!.Topics.ShouldBe(["trams", "ports"]);
        updated.Subscription.Frequency.ShouldBe(DigestFrequency.Weekly);
        updated.ManageToken.ShouldNotBeNull();
        var stored = await manage.FindAsync("reader@example.org", Ct);
        (stored!.Hour, stored.DayOfWeek, stored.TimeZone).ShouldBe((18, DayOfWeek.Friday, "Europe/Berlin"));
        (badZone.Field, badZone.Message).ShouldBe(("timeZone", "subscriptions: unknown time zone 'Mars/Olympus' (use an IANA id such as Europe/Berlin)"));
        (badHour.Field, badHour.Message).ShouldBe(("hour", "subscriptions: hour 24 is outside 0-23"));
        (badTopic.Field, badTopic.Message).ShouldBe(("topics", "subscriptions: there is no topic 'nope' (see 'alerts topics list')"));
        badFrequency.Field.ShouldBe("frequency");
    }

    [Theory]
    [InlineData("../../../../etc/passwd")]
    [InlineData("Europe/Berlin\r\nX-Injected: 1")]
    [InlineData("<script>alert(1)</script>")]
    public async Task TimeZonesOutsideTheIanaAlphabetAreRefusedBeforeAnyLookup(string zone)
    {
        await using var harness = await DigestHarness.StartAsync();
        var manage = harness.Get<ManageSubscriptions>();

        var refused = await Should.ThrowAsync<InvalidSubscriptionException>(() =>
            manage.SubscribeAsync(new SubscriptionRequest("a@example.org", ["ports"], TimeZone: zone), Ct));

        refused.Field.ShouldBe("timeZone");
        refused.Message.ShouldNotContain("\n");
    }

    [Fact]
    public async Task PausingStopsDigestsAndResumingStartsFromNow()
    {
        await using var harness = await DigestHarness.StartAsync();
        var manage = harness.Get<ManageSubscriptions>();
        var schedule = harness.Get<DigestSchedule>();
        var (_, token) = await ActiveWithTokenAsync(harness);

        var paused = await manage.PauseAsync(token, Ct);
        var pausedAgain = await manage.PauseAsync(token, Ct);
        await TopicEvents.AddTerminalClaimAsync(harness.Get<IClaimStore>(), "ports", 1, Ct);
        var duringPause = await schedule.RunAsync(Ct);
        var resumed = await manage.ResumeAsync(token, Ct);
        var afterResume = await schedule.RunAsync(Ct);
        await TopicEvents.AddAsync(harness.Get<IClaimStore>(), "ports", 2, "Quay Times", "Velmar ferry operator orders two electric ferries",
            "The ferry operator Velmar Lines said on Tuesday it has ordered two electric ferries for 80 million euros.", Ct);
        var afterNewEvent = await schedule.RunAsync(Ct);

        paused.Subscription!.State.ShouldBe(SubscriptionState.Paused);
        pausedAgain.Ok.ShouldBeTrue();
        duringPause.ShouldBeEmpty();
        resumed.Subscription!.State.ShouldBe(SubscriptionState.Active);
        afterResume.ShouldBeEmpty();
        afterNewEvent.Count.ShouldBe(1);
    }

    [Fact]
    public async Task AnUnsubscribedSubscriptionCanBeShownButNotChanged()
    {
        await using var harness = await DigestHarness.StartAsync();
        var manage = harness.Get<ManageSubscriptions>();
        var (subscription, token) = await ActiveWithTokenAsync(harness);
        await manage.UnsubscribeAsync(subscription.Id, Ct);

        var shown = await manage.GetByManageTokenAsync(token, Ct);
        var resumed = await manage.ResumeAsync(token, Ct);
        var updated = await manage.UpdatePreferencesAsync(token, ["ports"], DigestFrequency.Daily, 8, DayOfWeek.Monday, "UTC", Ct);

        shown.Subscription!.State.ShouldBe(SubscriptionState.Unsubscribed);
        resumed.Error!.ShouldContain("was unsubscribed");
        updated.Ok.ShouldBeFalse();
        (await manage.FindAsync(subscription.Id, Ct))!.State.ShouldBe(SubscriptionState.Unsubscribed);
    }

    [Fact]
    public async Task ThePublicTopicListHasNamesAndDescriptionsButNoQueries()
    {
        await using var harness = await DigestHarness.StartAsync();
        await harness.Get<ITopicStore>().UpsertTopicAsync(new Topic("trams", "City trams", "tram OR streetcar") { Description = "Tram lines and works" }, Ct);

        var topics = await harness.Get<ManageSubscriptions>().ListTopicsAsync(Ct);

        topics.ShouldBe([new PublicTopic("trams", "City trams", "Tram lines and works"), new PublicTopic("ports", "Velmar port", null)]);
    }

    [Fact]
    public async Task APendingAddressAskingAgainGetsANewConfirmationOnlyAfterFifteenMinutes()
    {
        await using var harness = await DigestHarness.StartAsync();
        var manage = harness.Get<ManageSubscriptions>();
        var request = new SubscriptionRequest("reader@example.org", ["ports"]);

        var first = await manage.SubscribeAsync(request, Ct);
        harness.App.Clock.Advance(TimeSpan.FromMinutes(14));
        var tooSoon = await manage.SubscribeAsync(request with { Frequency = DigestFrequency.Hourly }, Ct);
        harness.App.Clock.Advance(TimeSpan.FromMinutes(2));
        var resent = await manage.SubscribeAsync(request with { Frequency = DigestFrequency.Hourly }, Ct);

        tooSoon.Outcome.ShouldBe(SubscribeOutcome.AlreadyPending);
        resent.Outcome.ShouldBe(SubscribeOutcome.ConfirmationSent);
        resent.Subscription.Id.ShouldBe(first.Subscription.Id);
        resent.Subscription.Frequency.ShouldBe(DigestFrequency.Hourly);
        var mails = harness.OutboxFiles();
        mails.Count.ShouldBe(2);
        var tokens = mails.Select(f => Uri.UnescapeDataString(ConfirmLink().Match(harness.ReadOutbox(f).Part("text/plain").Text()).Groups[1].Value)).ToList();
        var results = new List<LinkResult>();
        foreach (var token in tokens)
        {
            results.Add(await manage.ConfirmAsync(token, Ct));
        }

        // Only the newest link works: the older one belongs to the previous pending period.
        results.Count(r => r.Ok).ShouldBe(1);
    }

    [Fact]
    public async Task EveryDigestCarriesAManageLinkInBothBodies()
    {
        await using var harness = await DigestHarness.StartAsync();
        var subscription = await harness.AddActiveAsync("reader@example.org");
        await TopicEvents.AddTerminalClaimAsync(harness.Get<IClaimStore>(), "ports", 1, Ct);

        var mail = (await harness.Get<DigestComposer>().PreviewAsync(subscription, Ct))!;

        var textToken = Uri.UnescapeDataString(ManageLink().Match(mail.TextBody).Groups[1].Value);
        var htmlToken = Uri.UnescapeDataString(System.Net.WebUtility.HtmlDecode(ManageLink().Match(mail.HtmlBody!).Groups[1].Value));
        mail.TextBody.ShouldContain("Change topics or frequency, or pause: http://127.0.0.1:5080/manage?token=");
        mail.HtmlBody!.ShouldContain(">Change topics or frequency, or pause</a>");
        foreach (var token in new[] { textToken, htmlToken })
        {
            (await harness.Get<ManageSubscriptions>().GetByManageTokenAsync(token, Ct)).Subscription!.Id.ShouldBe(subscription.Id);
        }
    }
}
