using System.Collections.Concurrent;
using Alerts.Core.Subscriptions;
using Alerts.Core.Webhooks;
using Alerts.Pipeline.Digests;
using Alerts.Pipeline.Messages;
using Alerts.Pipeline.Queues;
using Alerts.Pipeline.Running;
using Alerts.Pipeline.Storage;
using Alerts.Pipeline.Webhooks;
using Alerts.Sqlite;
using Alerts.Tests.Digests;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;

namespace Alerts.Tests.Webhooks;

/// <summary>
/// Exactly once to webhooks under faults: 200 signed-webhook digests through the SQLite work queue and the queue
/// worker, every message delivered twice, failures injected around the claim, at the receiver (a 503 on the first
/// post, an answer that comes too late after the receiver took the post) and instead of the "sent" write; and five
/// subscribers whose endpoint always answers 503.
/// </summary>
public class WebhookFaultInjectionTests
{
    private const int Digests = 200;
    private const int Unreachable = 5;

    [Fact]
    public async Task EveryWebhookDigestIsPostedAndOnlyTheDocumentedWindowPostsTwice()
    {
        var ct = TestContext.Current.CancellationToken;
        var faults = new FaultInjectionTests.Faults(new Random(20251205));
        var secrets = new ConcurrentDictionary<string, string>(StringComparer.Ordinal);
        DigestHarness? started = null;
        await using var receiver = await WebhookReceiver.StartAsync(
            path => secrets.GetValueOrDefault(path),
            () => started!.App.Clock.GetUtcNow(),
            async (post, _, context) =>
            {
                if (post.Path.StartsWith("/down/", StringComparison.Ordinal) || faults.Fire("receiver-503", post.Id!))
                {
                    context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                    return;
                }

                if (faults.Fire("answer-late", post.Id!))
                {
                    // The receiver has the digest, the sender's time runs out first: the window by the network.
                    faults.Window[post.Id!] = true;
                    await Task.Delay(TimeSpan.FromMilliseconds(1600), CancellationToken.None);
                }

                await context.Response.WriteAsync("ok", CancellationToken.None);
            });
        await using var harness = await DigestHarness.StartAsync(WebhookDeliveryTests.Settings(new()
        {
            ["Webhooks:Timeout"] = "00:00:01",
            ["Webhooks:RetryDelay"] = "00:00:00.010",
            ["Webhooks:MaxRetryDelay"] = "00:00:00.050",
        }));
        started = harness;
        var readers = new List<Subscription>();
        for (var i = 0; i < Digests + Unreachable; i++)
        {
            var reader = i < Digests;
            var subscription = await harness.AddActiveAsync(reader ? $"reader{i}@example.org" : $"down{i}@example.org");
            var path = (reader ? "/hook/" : "/down/") + subscription.Id;
            var channel = await WebhookDeliveryTests.SetChannelAsync(harness, subscription, ChannelKind.Webhook, receiver.Url(path));
            secrets[path] = channel.NewSecret!;
            if (reader)
            {
                readers.Add(subscription);
            }
        }

        await TopicEvents.AddTerminalClaimAsync(harness.Get<IClaimStore>(), "ports", 1, ct);
        var store = new FaultInjectionTests.FaultyStore(harness.Get<ISubscriptionStore>(), faults);
        var send = new SendDigest(store, harness.Get<DigestComposer>(), harness.Get<Alerts.Pipeline.Mail.IMailSender>(), harness.Get<WebhookDelivery>(),
            harness.App.Clock, NullLogger<SendDigest>.Instance);
        var queue = harness.Get<IWorkQueue>();
        var (messages, handled, failed) = await FaultInjectionTests.DeliverEachTwiceAsync(harness, send, ct);

        var digestIds = readers.Select(s => DigestRecord.IdFor(s.Id, messages.Single(m => m.SubscriptionId == s.Id).WindowKey)).ToList();
        var posts = receiver.Posts.ToList();
        var duplicates = digestIds.Where(id => receiver.Accepted.GetValueOrDefault(id) > 1).ToList();
        var poison = await harness.Get<SqliteWorkQueue>().PeekDetailedAsync(QueueNames.Poison(QueueNames.Digests), 100, ct);
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"digests={digestIds.Count} messages={messages.Count * 2} handled={handled} failed-attempts={failed} posts={posts.Count} " +
            $"taken={receiver.Accepted.Values.Sum()} distinct-taken={digestIds.Count(id => receiver.Accepted.ContainsKey(id))} " +
            $"posts-per-digest: once={digestIds.Count(id => receiver.Accepted.GetValueOrDefault(id) == 1)} twice-or-more={duplicates.Count} " +
            $"window-events={faults.Window.Count} poisoned={poison.Count} outbox={harness.OutboxFiles().Count} " +
            $"faults: claim-before={faults.Count("claim-before")} claim-after={faults.Count("claim-after")} receiver-503={faults.Count("receiver-503")} " +
            $"answer-late={faults.Count("answer-late")} mark-sent={faults.Count("mark-sent")}");

        messages.Count.ShouldBe(Digests + Unreachable);
        posts.ShouldAllBe(p => p.SignatureValid == true);
        foreach (var id in digestIds)
        {
            receiver.Accepted.ShouldContainKey(id);
            var digest = (await harness.Get<ISubscriptionStore>().GetDigestAsync(id, ct))!;
            digest.State.ShouldBe(DigestState.Sent);
            digest.ProviderId.ShouldBe("webhook");
        }

        // A second post only where the documented window was hit, and then with the same webhook-id.
        duplicates.ShouldAllBe(id => faults.Window.ContainsKey(id));
        foreach (var kind in new[] { "claim-before", "claim-after", "receiver-503", "answer-late", "mark-sent" })
        {
            faults.Count(kind).ShouldBeGreaterThan(0, kind);
        }

        // The unreachable endpoints: five failed attempts each, then the channel is off and the digest goes by email with one notice.
        var down = (await harness.Get<ISubscriptionStore>().ListAsync(ct)).Where(s => s.Email.StartsWith("down", StringComparison.Ordinal)).ToList();
        foreach (var subscription in down)
        {
            var channel = (await harness.Get<IChannelStore>().GetAsync(subscription.Id, ct))!;
            channel.IsEnabled.ShouldBeFalse();
            channel.NoticeSentAt.ShouldNotBeNull();
            var id = DigestRecord.IdFor(subscription.Id, messages.Single(m => m.SubscriptionId == subscription.Id).WindowKey);
            (await harness.Get<ISubscriptionStore>().GetDigestAsync(id, ct))!.State.ShouldBe(DigestState.Sent);
            harness.OutboxFiles().ShouldContain(id + ".eml");
            harness.OutboxFiles().Count(f => f.StartsWith(subscription.Id + "-channel-off-", StringComparison.Ordinal)).ShouldBe(1);
        }

        harness.OutboxFiles().Count.ShouldBe(Unreachable * 2);
        var downIds = down.Select(s => s.Id).ToHashSet(StringComparer.Ordinal);
        poison.ShouldAllBe(p => downIds.Contains(PipelineMessage.Deserialize(p.Message.Body, DigestJsonContext.Default.SendDigestMessage).SubscriptionId));
        (await queue.CountAsync(QueueNames.Digests, ct)).ShouldBe(0);
    }
}
