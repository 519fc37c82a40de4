using System.Diagnostics;
using System.Text.Json;
using Alerts.Core.Subscriptions;
using Alerts.Core.Webhooks;
using Alerts.Pipeline.Digests;
using Alerts.Pipeline.Fetching;
using Alerts.Pipeline.Storage;
using Alerts.Pipeline.Subscriptions;
using Alerts.Pipeline.Webhooks;
using Alerts.Tests.Digests;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Alerts.Tests.Webhooks;

/// <summary>
/// SendDigest to webhook channels end to end: the real pipeline on SQLite, a real receiver on a loopback port,
/// the channel set through the manage use case.
/// </summary>
public class WebhookDeliveryTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Loopback http allowed for the receiver; short waits so retries take milliseconds.</summary>
    internal static Dictionary<string, string?> Settings(Dictionary<string, string?>? more = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Site:PublicBaseUrl"] = "https://alerts.example.net/",
            ["Webhooks:AllowHttpLoopback"] = "true",
            ["Webhooks:RetryDelay"] = "00:00:00.020",
            ["Webhooks:MaxRetryDelay"] = "00:00:02",
            ["Webhooks:Timeout"] = "00:00:05",
        };
        foreach (var (key, value) in more ?? [])
        {
            settings[key] = value;
        }

        return settings;
    }

    /// <summary>Sets the channel of <paramref name="subscription"/> as its manage page would; returns the result (with the new secret, if any).</summary>
    internal static async Task<ChannelResult> SetChannelAsync(DigestHarness harness, Subscription subscription, ChannelKind kind, Uri url, bool newSecret = false)
    {
        var token = await harness.Get<SubscriptionLinks>().ManageTokenAsync(subscription.Id, Ct);
        var result = await harness.Get<ManageChannels>().SetAsync(token, kind, url.ToString(), newSecret, Ct);
        result.Ok.ShouldBeTrue(result.Error);
        return result;
    }

    private static async Task<(DigestHarness Harness, Subscription Subscription, SendDigestMessage Message)> OneDigestAsync(Dictionary<string, string?>? more = null)
    {
        var harness = await DigestHarness.StartAsync(Settings(more));
        var subscription = await harness.AddActiveAsync("reader@example.org");
        await TopicEvents.AddTerminalClaimAsync(harness.Get<IClaimStore>(), "ports", 1, Ct);
        var message = (await harness.Get<DigestSchedule>().RunAsync(Ct)).Single();
        return (harness, subscription, message);
    }

    [Fact]
    public async Task SlackChannelPostsOneBlockKitMessagePerDigest()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var (harness, subscription, message) = await OneDigestAsync();
        await using var _ = harness;
        await SetChannelAsync(harness, subscription, ChannelKind.Slack, receiver.Url("/services/T0/B0/secretpart"));
        var send = harness.Get<SendDigest>();

        var first = await send.RunAsync(message, Ct);
        var again = await send.RunAsync(message, Ct);

        first.Outcome.ShouldBe(SendDigestOutcome.Sent);
        again.Outcome.ShouldBe(SendDigestOutcome.AlreadySent);
        var post = receiver.Posts.ShouldHaveSingleItem();
        post.Path.ShouldBe("/services/T0/B0/secretpart");
        post.Headers["content-type"].ShouldBe("application/json; charset=utf-8");
        post.Headers.ContainsKey("webhook-signature").ShouldBeFalse();
        using var json = JsonDocument.Parse(post.Body);
        json.RootElement.GetProperty("text").GetString().ShouldBe("Alerts: Velmar port: 1 new claim");
        var sections = json.RootElement.GetProperty("blocks").EnumerateArray().Where(b => b.GetProperty("type").GetString() == "section")
            .Select(b => b.GetProperty("text").GetProperty("text").GetString()!).ToList();
        sections.ShouldContain(s => s.StartsWith("*New* <https://alerts.example.net/topics/ports?cluster=ports%3A", StringComparison.Ordinal) && s.Contains("#c-", StringComparison.Ordinal));
        harness.OutboxFiles().ShouldBeEmpty();
        var digest = (await harness.Get<ISubscriptionStore>().GetDigestAsync(first.DigestId, Ct))!;
        digest.State.ShouldBe(DigestState.Sent);
        digest.ProviderId.ShouldBe("slack");
    }

    [Fact]
    public async Task TeamsChannelPostsOneAdaptiveCardPerDigest()
    {
        await using var receiver = await WebhookReceiver.StartAsync(answer: async (_, _, context) =>
        {
            // Teams workflows answer 202 Accepted.
            context.Response.StatusCode = StatusCodes.Status202Accepted;
            await context.Response.CompleteAsync();
        });
        var (harness, subscription, message) = await OneDigestAsync();
        await using var _ = harness;
        await SetChannelAsync(harness, subscription, ChannelKind.Teams, receiver.Url("/workflows/abc/triggers/manual/paths/invoke?sig=x"));

        var result = await harness.Get<SendDigest>().RunAsync(message, Ct);
        await harness.Get<SendDigest>().RunAsync(message, Ct);

        result.Outcome.ShouldBe(SendDigestOutcome.Sent);
        var post = receiver.Posts.ShouldHaveSingleItem();
        using var json = JsonDocument.Parse(post.Body);
        var attachment = json.RootElement.GetProperty("attachments")[0];
        attachment.GetProperty("contentType").GetString().ShouldBe(WebhookPayloads.AdaptiveCardContentType);
        attachment.GetProperty("content").GetProperty("type").GetString().ShouldBe("AdaptiveCard");
        harness.OutboxFiles().ShouldBeEmpty();
    }

    [Fact]
    public async Task GenericWebhookSignatureVerifiesAtTheReceiver()
    {
        string? secret = null;
        DigestHarness? started = null;
        await using var receiver = await WebhookReceiver.StartAsync(_ => secret, () => started!.App.Clock.GetUtcNow());
        var (harness, subscription, message) = await OneDigestAsync();
        started = harness;
        await using var _ = harness;
        secret = (await SetChannelAsync(harness, subscription, ChannelKind.Webhook, receiver.Url())).NewSecret;

        var result = await harness.Get<SendDigest>().RunAsync(message, Ct);

        result.Outcome.ShouldBe(SendDigestOutcome.Sent);
        var post = receiver.Posts.ShouldHaveSingleItem();
        post.SignatureValid.ShouldBe(true);
        post.Id.ShouldBe(result.DigestId);
        post.Headers["webhook-timestamp"].ShouldBe(harness.App.Clock.GetUtcNow().ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture));
        using var json = JsonDocument.Parse(post.Body);
        json.RootElement.GetProperty("data").GetProperty("digestId").GetString().ShouldBe(result.DigestId);
    }

    [Fact]
    public async Task RedeliveredSendDigestPostsNothingTwice()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var (harness, subscription, message) = await OneDigestAsync();
        await using var _ = harness;
        await SetChannelAsync(harness, subscription, ChannelKind.Webhook, receiver.Url());
        var send = harness.Get<SendDigest>();

        var outcomes = new List<SendDigestOutcome>();
        for (var delivery = 0; delivery < 4; delivery++)
        {
            outcomes.Add((await send.RunAsync(message, Ct)).Outcome);
        }

        outcomes.ShouldBe([SendDigestOutcome.Sent, SendDigestOutcome.AlreadySent, SendDigestOutcome.AlreadySent, SendDigestOutcome.AlreadySent]);
        receiver.Posts.ShouldHaveSingleItem().Id.ShouldBe(DigestRecord.IdFor(subscription.Id, message.WindowKey));
    }

    [Fact]
    public async Task AReceiverThatRejectsTheSignatureGetsNothingMarkedSent()
    {
        await using var receiver = await WebhookReceiver.StartAsync(WebhookSignature.NewSecret(), () => DateTimeOffset.UtcNow);
        var (harness, subscription, message) = await OneDigestAsync();
        await using var _ = harness;
        await SetChannelAsync(harness, subscription, ChannelKind.Webhook, receiver.Url());

        var error = await Should.ThrowAsync<WebhookDeliveryException>(() => harness.Get<SendDigest>().RunAsync(message, Ct));

        error.Message.ShouldBe($"webhooks: webhook webhook at {receiver.Url("/")} answered 401");
        receiver.Posts.Count.ShouldBe(1);
        var channel = (await harness.Get<IChannelStore>().GetAsync(subscription.Id, Ct))!;
        channel.ConsecutiveFailures.ShouldBe(1);
        channel.IsEnabled.ShouldBeTrue();
        (await harness.Get<ISubscriptionStore>().GetDigestAsync(DigestRecord.IdFor(subscription.Id, message.WindowKey), Ct))!.State.ShouldBe(DigestState.Pending);
    }

    [Fact]
    public async Task TransientAnswersAreRetriedWaitingAsRetryAfterAsks()
    {
        var times = new List<long>();
        await using var receiver = await WebhookReceiver.StartAsync(answer: async (_, number, context) =>
        {
            lock (times)
            {
                times.Add(Stopwatch.GetTimestamp());
            }

            if (number == 1)
            {
                context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
                context.Response.Headers.RetryAfter = "1";
            }
            else if (number == 2)
            {
                context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            }

            await context.Response.WriteAsync("ok", context.RequestAborted);
        });
        var (harness, subscription, message) = await OneDigestAsync();
        await using var _ = harness;
        await SetChannelAsync(harness, subscription, ChannelKind.Slack, receiver.Url());

        var result = await harness.Get<SendDigest>().RunAsync(message, Ct);

        result.Outcome.ShouldBe(SendDigestOutcome.Sent);
        receiver.Posts.Count.ShouldBe(3);
        Stopwatch.GetElapsedTime(times[0], times[1]).ShouldBeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(950));
        Stopwatch.GetElapsedTime(times[1], times[2]).ShouldBeLessThan(TimeSpan.FromMilliseconds(900));
        (await harness.Get<IChannelStore>().GetAsync(subscription.Id, Ct))!.ConsecutiveFailures.ShouldBe(0);
    }

    [Fact]
    public async Task APermanentRefusalIsNotRetriedAndKeepsTheDigestPending()
    {
        await using var receiver = await WebhookReceiver.StartAsync(answer: async (_, _, context) =>
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            await context.Response.WriteAsync("no_service\n", context.RequestAborted);
        });
        var (harness, subscription, message) = await OneDigestAsync();
        await using var _ = harness;
        await SetChannelAsync(harness, subscription, ChannelKind.Slack, receiver.Url("/services/T0/B0/gone"));

        var error = await Should.ThrowAsync<WebhookDeliveryException>(() => harness.Get<SendDigest>().RunAsync(message, Ct));

        error.Message.ShouldBe($"webhooks: slack webhook at {receiver.Url("/")} answered 404 (no_service)");
        error.Message.ShouldNotContain("gone");
        receiver.Posts.Count.ShouldBe(1);
        harness.OutboxFiles().ShouldBeEmpty();
    }

    [Fact]
    public async Task WebhookToPrivateAddressIsRefused()
    {
        var options = new WebhookOptions();
        var fetch = new FetchOptions();
        foreach (var url in new[] { "https://10.0.0.5/hook", "https://169.254.169.254/latest", "https://[::1]/x", "https://0x7f000001/x", "https://192.168.1.20:8443/x" })
        {
            Should.Throw<InvalidSubscriptionException>(() => ManageChannels.CheckUrl(url, options, fetch)).Field.ShouldBe("channelUrl");
        }

        Should.Throw<InvalidSubscriptionException>(() => ManageChannels.CheckUrl("http://hooks.example.org/x", options, fetch)).Message.ShouldBe("webhooks: the webhook URL must use https");
        Should.Throw<InvalidSubscriptionException>(() => ManageChannels.CheckUrl("https://user:pw@hooks.example.org/x", options, fetch)).Field.ShouldBe("channelUrl");
        ManageChannels.CheckUrl("https://hooks.slack.com/services/T0/B0/x", options, fetch).Host.ShouldBe("hooks.slack.com");

        // A name is checked where it resolves, at every post: "localhost" passes the form and is refused at connect.
        await using var receiver = await WebhookReceiver.StartAsync();
        var (harness, subscription, message) = await OneDigestAsync(new() { ["Fetch:AllowedNetworks:0"] = "192.0.2.0/24" });
        await using var _ = harness;
        await SetChannelAsync(harness, subscription, ChannelKind.Slack, new Uri($"http://localhost:{receiver.Url().Port}/hook"));

        var error = await Should.ThrowAsync<WebhookDeliveryException>(() => harness.Get<SendDigest>().RunAsync(message, Ct));

        error.Message.ShouldStartWith($"webhooks: slack webhook at http://localhost:{receiver.Url().Port}/: fetcher: refused loopback address");
        receiver.Posts.ShouldBeEmpty();
    }

    [Fact]
    public async Task ChannelDisabledAfterRepeatedFailureAndSubscriberEmailed()
    {
        await using var receiver = await WebhookReceiver.StartAsync(answer: (_, _, context) =>
        {
            context.Response.StatusCode = StatusCodes.Status500InternalServerError;
            return Task.CompletedTask;
        });
        var (harness, subscription, message) = await OneDigestAsync(new() { ["Webhooks:MaxAttempts"] = "2" });
        await using var _ = harness;
        await SetChannelAsync(harness, subscription, ChannelKind.Slack, receiver.Url("/services/T0/B0/x"));
        var send = harness.Get<SendDigest>();

        for (var attempt = 1; attempt < 5; attempt++)
        {
            await Should.ThrowAsync<WebhookDeliveryException>(() => send.RunAsync(message, Ct));
        }

        var fifth = await send.RunAsync(message, Ct);

        fifth.Outcome.ShouldBe(SendDigestOutcome.Sent);
        receiver.Posts.Count.ShouldBe(10);
        var channel = (await harness.Get<IChannelStore>().GetAsync(subscription.Id, Ct))!;
        channel.IsEnabled.ShouldBeFalse();
        channel.ConsecutiveFailures.ShouldBe(5);
        channel.NoticeSentAt.ShouldNotBeNull();
        var files = harness.OutboxFiles();
        files.Count.ShouldBe(2);
        files.ShouldContain(fifth.DigestId + ".eml");
        var notice = harness.ReadOutbox(files.Single(f => f.Contains("-channel-off-", StringComparison.Ordinal)));
        notice.Decoded("Subject").ShouldBe("Alerts: your Slack webhook was turned off; digests come by email");
        notice.Header("To").ShouldBe("reader@example.org");
        var text = notice.Text();
        text.ShouldContain($"Your Alerts digests were going to a Slack webhook at {receiver.Url("/")}.");
        text.ShouldContain("5 deliveries in a row failed");
        text.ShouldContain("answered 500");
        text.ShouldNotContain("/services/T0/B0/x");
        text.ShouldContain("https://alerts.example.net/manage?token=");

        // The next digest goes by email without a second notice, and nothing more is posted.
        harness.App.Clock.Advance(TimeSpan.FromMinutes(5));
        await TopicEvents.AddAsync(harness.Get<IClaimStore>(), "ports", 2, "Coast Times", "Velmar denies terminal plan",
            "The port authority of Velmar denied on Tuesday that it will build a new container terminal.", Ct);
        var next = (await harness.Get<DigestSchedule>().RunAsync(Ct)).Single();
        (await send.RunAsync(next, Ct)).Outcome.ShouldBe(SendDigestOutcome.Sent);
        harness.OutboxFiles().Count.ShouldBe(3);
        receiver.Posts.Count.ShouldBe(10);
    }

    [Fact]
    public async Task AChannelFailingForADayIsDisabledWhateverTheCount()
    {
        await using var receiver = await WebhookReceiver.StartAsync(answer: (_, _, context) =>
        {
            context.Response.StatusCode = StatusCodes.Status502BadGateway;
            return Task.CompletedTask;
        });
        var (harness, subscription, message) = await OneDigestAsync(new() { ["Webhooks:MaxAttempts"] = "1" });
        await using var _ = harness;
        await SetChannelAsync(harness, subscription, ChannelKind.Teams, receiver.Url());
        var send = harness.Get<SendDigest>();

        await Should.ThrowAsync<WebhookDeliveryException>(() => send.RunAsync(message, Ct));
        harness.App.Clock.Advance(TimeSpan.FromHours(24));
        var second = await send.RunAsync(message, Ct);

        second.Outcome.ShouldBe(SendDigestOutcome.Sent);
        (await harness.Get<IChannelStore>().GetAsync(subscription.Id, Ct))!.ConsecutiveFailures.ShouldBe(2);
        harness.OutboxFiles().Count.ShouldBe(2);
    }

    [Fact]
    public async Task SavingTheChannelAgainTurnsItBackOnAndASuccessClearsTheFailures()
    {
        var failing = true;
        await using var receiver = await WebhookReceiver.StartAsync(answer: async (_, _, context) =>
        {
            context.Response.StatusCode = failing ? StatusCodes.Status500InternalServerError : StatusCodes.Status200OK;
            await context.Response.CompleteAsync();
        });
        var (harness, subscription, message) = await OneDigestAsync(new() { ["Webhooks:MaxAttempts"] = "1", ["Webhooks:DisableAfterFailures"] = "1" });
        await using var _ = harness;
        await SetChannelAsync(harness, subscription, ChannelKind.Slack, receiver.Url());
        (await harness.Get<SendDigest>().RunAsync(message, Ct)).Outcome.ShouldBe(SendDigestOutcome.Sent);
        (await harness.Get<IChannelStore>().GetAsync(subscription.Id, Ct))!.IsEnabled.ShouldBeFalse();

        failing = false;
        await SetChannelAsync(harness, subscription, ChannelKind.Slack, receiver.Url());
        harness.App.Clock.Advance(TimeSpan.FromMinutes(5));
        await TopicEvents.AddAsync(harness.Get<IClaimStore>(), "ports", 2, "Coast Times", "Velmar denies terminal plan",
            "The port authority of Velmar denied on Tuesday that it will build a new container terminal.", Ct);
        var next = (await harness.Get<DigestSchedule>().RunAsync(Ct)).Single();
        var result = await harness.Get<SendDigest>().RunAsync(next, Ct);

        result.Outcome.ShouldBe(SendDigestOutcome.Sent);
        (await harness.Get<ISubscriptionStore>().GetDigestAsync(result.DigestId, Ct))!.ProviderId.ShouldBe("slack");
        var channel = (await harness.Get<IChannelStore>().GetAsync(subscription.Id, Ct))!;
        channel.IsEnabled.ShouldBeTrue();
        channel.ConsecutiveFailures.ShouldBe(0);
    }

    [Fact]
    public async Task SecretIsShownOnce()
    {
        await using var harness = await DigestHarness.StartAsync(Settings());
        var subscription = await harness.AddActiveAsync("reader@example.org");
        var url = new Uri("https://hooks.example.org/alerts");

        var created = await SetChannelAsync(harness, subscription, ChannelKind.Webhook, url);
        var savedAgain = await SetChannelAsync(harness, subscription, ChannelKind.Webhook, url);
        var read = await harness.Get<ManageChannels>().GetAsync(await harness.Get<SubscriptionLinks>().ManageTokenAsync(subscription.Id, Ct), Ct);
        var regenerated = await SetChannelAsync(harness, subscription, ChannelKind.Webhook, url, newSecret: true);
        var slack = await SetChannelAsync(harness, subscription, ChannelKind.Slack, url);

        WebhookSignature.IsValidSecret(created.NewSecret).ShouldBeTrue();
        savedAgain.NewSecret.ShouldBeNull();
        read.NewSecret.ShouldBeNull();
        read.Channel!.Secret.ShouldBe(created.NewSecret);
        regenerated.NewSecret.ShouldNotBeNull();
        regenerated.NewSecret.ShouldNotBe(created.NewSecret);
        (await harness.Get<IChannelStore>().GetAsync(subscription.Id, Ct))!.Kind.ShouldBe(ChannelKind.Slack);
        slack.NewSecret.ShouldBeNull();
        slack.Channel!.Secret.ShouldBeNull();
    }
}
