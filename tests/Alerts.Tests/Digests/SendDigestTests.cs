using Alerts.Core.Subscriptions;
using Alerts.Pipeline.Digests;
using Alerts.Pipeline.Messages;
using Alerts.Pipeline.Storage;

namespace Alerts.Tests.Digests;

public class SendDigestTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task NoEventsMeansNoMessageAndNoEmail()
    {
        await using var harness = await DigestHarness.StartAsync();
        await harness.AddActiveAsync("reader@example.org");

        (await harness.Get<DigestSchedule>().RunAsync(Ct)).ShouldBeEmpty();
        harness.OutboxFiles().ShouldBeEmpty();
    }

    [Fact]
    public async Task ARedeliveredMessageSendsNothingAndTheNextWindowSendsOnlyNewEvents()
    {
        await using var harness = await DigestHarness.StartAsync();
        var subscription = await harness.AddActiveAsync("reader@example.org");
        await TopicEvents.AddTerminalClaimAsync(harness.Get<IClaimStore>(), "ports", 1, Ct);
        var send = harness.Get<SendDigest>();

        var message = (await harness.Get<DigestSchedule>().RunAsync(Ct)).Single();
        var first = await send.RunAsync(message, Ct);
        var redelivered = await send.RunAsync(message, Ct);
        harness.App.Clock.Advance(TimeSpan.FromMinutes(5));
        var afterwards = await harness.Get<DigestSchedule>().RunAsync(Ct);

        first.Outcome.ShouldBe(SendDigestOutcome.Sent);
        first.DigestId.ShouldBe($"{subscription.Id}-{message.WindowKey}");
        redelivered.Outcome.ShouldBe(SendDigestOutcome.AlreadySent);
        afterwards.ShouldBeEmpty();
        harness.OutboxFiles().ShouldBe([first.DigestId + ".eml"]);
        (await harness.Get<ISubscriptionStore>().GetDigestAsync(first.DigestId, Ct))!.State.ShouldBe(DigestState.Sent);
    }

    [Fact]
    public async Task TheDigestCarriesTheHeadersBothBodiesAndAVisibleUnsubscribeLink()
    {
        await using var harness = await DigestHarness.StartAsync(new Dictionary<string, string?> { ["Site:PublicBaseUrl"] = "https://alerts.example.net/" });
        await harness.AddActiveAsync("reader@example.org");
        await TopicEvents.AddTerminalClaimAsync(harness.Get<IClaimStore>(), "ports", 1, Ct);

        var result = await harness.Get<SendDigest>().RunAsync((await harness.Get<DigestSchedule>().RunAsync(Ct)).Single(), Ct);

        var mail = harness.ReadOutbox(result.DigestId + ".eml");
        mail.Header("From").ShouldBe("Alerts <alerts@localhost.localdomain>");
        mail.Header("To").ShouldBe("reader@example.org");
        mail.Decoded("Subject").ShouldBe("Alerts: Velmar port: 1 new claim");
        mail.Header("Date").ShouldNotBeNullOrEmpty();
        mail.Header("Message-ID").ShouldBe($"<{result.DigestId}@localhost.localdomain>");
        mail.Header("List-Id").ShouldBe("<digests.localhost.localdomain>");
        mail.Header("List-Unsubscribe-Post").ShouldBe("List-Unsubscribe=One-Click");
        var unsubscribe = mail.Header("List-Unsubscribe")!;
        unsubscribe.ShouldStartWith("<https://alerts.example.net/api/v1/unsubscribe?token=v1.");
        unsubscribe.ShouldContain("<mailto:alerts@localhost.localdomain?subject=unsubscribe%20v1.");
        var text = mail.Part("text/plain").Text();
        var html = mail.Part("text/html").Text();
        text.ShouldContain("[NEW] ");
        text.ShouldContain("container terminal");
        text.ShouldContain("Unsubscribe: https://alerts.example.net/api/v1/unsubscribe?token=");
        html.ShouldContain("container terminal");
        html.ShouldContain("href=\"https://alerts.example.net/api/v1/unsubscribe?token=");
        html.ShouldContain(">Unsubscribe</a>");
    }

    [Fact]
    public async Task AnHttpSiteGetsTheMailtoUnsubscribeButNoOneClickHeader()
    {
        await using var harness = await DigestHarness.StartAsync();
        await harness.AddActiveAsync("reader@example.org");
        await TopicEvents.AddTerminalClaimAsync(harness.Get<IClaimStore>(), "ports", 1, Ct);

        var result = await harness.Get<SendDigest>().RunAsync((await harness.Get<DigestSchedule>().RunAsync(Ct)).Single(), Ct);

        var mail = harness.ReadOutbox(result.DigestId + ".eml");
        mail.Header("List-Unsubscribe")!.ShouldStartWith("<mailto:");
        mail.Header("List-Unsubscribe-Post").ShouldBeNull();
        mail.Part("text/plain").Text().ShouldContain("Unsubscribe: http://127.0.0.1:5080/api/v1/unsubscribe?token=");
    }

    [Fact]
    public async Task ADailySubscriptionGetsOneDigestPerLocalDay()
    {
        await using var harness = await DigestHarness.StartAsync();
        var subscription = await harness.AddActiveAsync("reader@example.org", DigestFrequency.Daily);
        var claims = harness.Get<IClaimStore>();
        var schedule = harness.Get<DigestSchedule>();
        await TopicEvents.AddTerminalClaimAsync(claims, "ports", 1, Ct);

        var first = (await schedule.RunAsync(Ct)).Single();
        await harness.Get<SendDigest>().RunAsync(first, Ct);
        await TopicEvents.AddAsync(claims, "ports", 2, "Quay Times", "Velmar ferry operator orders two electric ferries",
            "The ferry operator Velmar Lines said on Tuesday it has ordered two electric ferries for 80 million euros.", Ct);
        var sameDay = await schedule.RunAsync(Ct);
        harness.App.Clock.Advance(TimeSpan.FromDays(1));
        var nextDay = await schedule.RunAsync(Ct);

        first.WindowKey.ShouldBe("d20251212");
        sameDay.ShouldBeEmpty();
        nextDay.Single().ShouldBe(new SendDigestMessage(subscription.Id, "d20251213"));
    }

    [Fact]
    public async Task AnUnsubscribeBetweenScheduleAndSendSendsNothing()
    {
        await using var harness = await DigestHarness.StartAsync();
        var subscription = await harness.AddActiveAsync("reader@example.org");
        await TopicEvents.AddTerminalClaimAsync(harness.Get<IClaimStore>(), "ports", 1, Ct);
        var message = (await harness.Get<DigestSchedule>().RunAsync(Ct)).Single();

        await harness.Get<Alerts.Pipeline.Subscriptions.ManageSubscriptions>().UnsubscribeAsync(subscription.Id, Ct);
        var result = await harness.Get<SendDigest>().RunAsync(message, Ct);

        result.Outcome.ShouldBe(SendDigestOutcome.NothingToSend);
        harness.OutboxFiles().ShouldBeEmpty();
    }

    [Fact]
    public async Task ADigestLeftPendingIsAskedForAgainAfterHalfAnHourAndSentOnce()
    {
        await using var harness = await DigestHarness.StartAsync();
        var subscription = await harness.AddActiveAsync("reader@example.org", DigestFrequency.Daily);
        await TopicEvents.AddTerminalClaimAsync(harness.Get<IClaimStore>(), "ports", 1, Ct);
        var schedule = harness.Get<DigestSchedule>();
        var message = (await schedule.RunAsync(Ct)).Single();

        // The message's tries all failed after the claim: the digest is pending, its message is gone.
        await harness.Get<ISubscriptionStore>().ClaimDigestAsync(subscription.Id, message.WindowKey, DigestRecord.IdFor(subscription.Id, message.WindowKey), harness.App.Clock.GetUtcNow(), Ct);
        var soon = await schedule.RunAsync(Ct);
        harness.App.Clock.Advance(DigestSchedule.StalePending + TimeSpan.FromMinutes(1));
        var later = await schedule.RunAsync(Ct);
        var sent = await harness.Get<SendDigest>().RunAsync(later.Single(), Ct);
        var afterwards = await schedule.RunAsync(Ct);

        soon.ShouldBeEmpty();
        later.Single().ShouldBe(message);
        sent.Outcome.ShouldBe(SendDigestOutcome.Sent);
        afterwards.ShouldBeEmpty();
        harness.OutboxFiles().Count.ShouldBe(1);
    }

    [Fact]
    public async Task ADigestStillPendingAfterADayIsMarkedFailedAndNotAskedForAgain()
    {
        await using var harness = await DigestHarness.StartAsync();
        var subscription = await harness.AddActiveAsync("reader@example.org", DigestFrequency.Daily);
        await TopicEvents.AddTerminalClaimAsync(harness.Get<IClaimStore>(), "ports", 1, Ct);
        var schedule = harness.Get<DigestSchedule>();
        var message = (await schedule.RunAsync(Ct)).Single();
        var id = DigestRecord.IdFor(subscription.Id, message.WindowKey);
        await harness.Get<ISubscriptionStore>().ClaimDigestAsync(subscription.Id, message.WindowKey, id, harness.App.Clock.GetUtcNow(), Ct);

        harness.App.Clock.Advance(DigestSchedule.GiveUpAfter - TimeSpan.FromMinutes(1));
        var beforeTheLimit = await schedule.RunAsync(Ct);
        harness.App.Clock.Advance(TimeSpan.FromMinutes(2));
        var afterTheLimit = await schedule.RunAsync(Ct);

        beforeTheLimit.ShouldBe([message]);
        afterTheLimit.ShouldBeEmpty();
        var digest = (await harness.Get<ISubscriptionStore>().GetDigestAsync(id, Ct)).ShouldNotBeNull();
        digest.State.ShouldBe(DigestState.Failed);
        digest.LastError.ShouldNotBeNull().ShouldStartWith("digests: gave up");
        harness.OutboxFiles().ShouldBeEmpty();
    }

    [Fact]
    public async Task AMalformedMessageIsRefusedAsInvalid()
    {
        await using var harness = await DigestHarness.StartAsync();

        await Should.ThrowAsync<InvalidMessageException>(() => harness.Get<SendDigest>().RunAsync(new SendDigestMessage("", "w"), Ct));
    }

    [Fact]
    public async Task PreviewWritesNothingAndClaimsNothing()
    {
        await using var harness = await DigestHarness.StartAsync();
        var subscription = await harness.AddActiveAsync("reader@example.org");
        await TopicEvents.AddTerminalClaimAsync(harness.Get<IClaimStore>(), "ports", 1, Ct);

        var preview = await harness.Get<DigestComposer>().PreviewAsync(subscription, Ct);
        var messages = await harness.Get<DigestSchedule>().RunAsync(Ct);

        preview.ShouldNotBeNull();
        preview.Subject.ShouldBe("Alerts: Velmar port: 1 new claim");
        harness.OutboxFiles().ShouldBeEmpty();
        messages.Count.ShouldBe(1);
        (await harness.Get<ISubscriptionStore>().ListDigestsAsync(subscription.Id, Ct)).ShouldBeEmpty();
    }
}
