using System.Collections.Concurrent;
using Alerts.Core.Mail;
using Alerts.Core.Subscriptions;
using Alerts.Pipeline.Digests;
using Alerts.Pipeline.Mail;
using Alerts.Pipeline.Messages;
using Alerts.Pipeline.Queues;
using Alerts.Pipeline.Running;
using Alerts.Pipeline.Storage;
using Alerts.Pipeline.Webhooks;
using Alerts.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

namespace Alerts.Tests.Digests;

/// <summary>
/// The exactly-once claim under faults: 200 digests through the SQLite work queue and the queue worker, every
/// message delivered twice, failures injected before and after the provider call and in the store, and five
/// subscribers whose provider always fails.
/// </summary>
public class FaultInjectionTests
{
    private const int Digests = 200;
    private const int Poisoned = 5;
    private const double FaultRate = 0.15;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task EveryDigestIsSentAndOnlyTheDocumentedWindowDuplicates(bool outbox)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var harness = await DigestHarness.StartAsync();
        for (var i = 0; i < Digests; i++)
        {
            await harness.AddActiveAsync($"reader{i}@example.org");
        }

        for (var i = 0; i < Poisoned; i++)
        {
            await harness.AddActiveAsync($"unreachable{i}@example.org");
        }

        await TopicEvents.AddTerminalClaimAsync(harness.Get<IClaimStore>(), "ports", 1, ct);
        var faults = new Faults(new Random(20251212));
        var counting = new CountingSender(outbox ? harness.Get<OutboxMailSender>() : new AcceptingProvider());
        var store = new FaultyStore(harness.Get<ISubscriptionStore>(), faults);
        var send = new SendDigest(store, harness.Get<DigestComposer>(), new FaultySender(counting, faults), harness.Get<WebhookDelivery>(), harness.App.Clock, NullLogger<SendDigest>.Instance);
        var queue = harness.Get<IWorkQueue>();

        var (messages, handled, failed) = await DeliverEachTwiceAsync(harness, send, ct);

        var poison = await harness.Get<SqliteWorkQueue>().PeekDetailedAsync(QueueNames.Poison(QueueNames.Digests), 100, ct);
        var subscriptions = await harness.Get<ISubscriptionStore>().ListAsync(ct);
        var readers = subscriptions.Where(s => s.Email.StartsWith("reader", StringComparison.Ordinal)).ToList();
        var digestIds = readers.Select(s => DigestRecord.IdFor(s.Id, messages.Single(m => m.SubscriptionId == s.Id).WindowKey)).ToList();
        var duplicates = counting.Accepted.Where(a => a.Value > 1).Select(a => a.Key).ToList();
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"provider={(outbox ? "outbox" : "non-idempotent")} digests={digestIds.Count} sent={digestIds.Count(id => counting.Accepted.ContainsKey(id))} " +
            $"duplicates={duplicates.Count} window-events={faults.Window.Count} poisoned-messages={poison.Count} handled={handled} failed-attempts={failed} " +
            $"faults: claim-before={faults.Count("claim-before")} claim-after={faults.Count("claim-after")} send-before={faults.Count("send-before")} " +
            $"send-after={faults.Count("send-after")} mark-sent={faults.Count("mark-sent")}");

        messages.Count.ShouldBe(Digests + Poisoned);
        foreach (var id in digestIds)
        {
            counting.Accepted.ShouldContainKey(id);
            (await harness.Get<ISubscriptionStore>().GetDigestAsync(id, ct))!.State.ShouldBe(DigestState.Sent);
        }

        duplicates.ShouldAllBe(id => faults.Window.ContainsKey(id));
        if (outbox)
        {
            duplicates.ShouldBeEmpty();
            Directory.GetFiles(harness.Outbox, "*.eml").Length.ShouldBe(Digests);
        }

        foreach (var kind in new[] { "claim-before", "claim-after", "send-before", "send-after", "mark-sent" })
        {
            faults.Count(kind).ShouldBeGreaterThan(0, kind);
        }

        var unreachable = subscriptions.Where(s => s.Email.StartsWith("unreachable", StringComparison.Ordinal)).Select(s => s.Id).ToHashSet();
        var poisonedForGood = poison.Where(p => unreachable.Contains(PipelineMessage.Deserialize(p.Message.Body, DigestJsonContext.Default.SendDigestMessage).SubscriptionId)).ToList();
        poisonedForGood.Count.ShouldBe(Poisoned * 2);
        // The reason is that of the last try: usually the provider's, sometimes an injected store fault on that try.
        poisonedForGood.ShouldAllBe(p => p.LastError!.StartsWith("mail: provider unavailable for unreachable", StringComparison.Ordinal)
            || p.LastError.StartsWith("store: injected", StringComparison.Ordinal));
        poisonedForGood.Count(p => p.LastError!.StartsWith("mail: provider unavailable", StringComparison.Ordinal)).ShouldBeGreaterThan(Poisoned);
        poison.ShouldAllBe(p => !string.IsNullOrEmpty(p.LastError));
        (await queue.CountAsync(QueueNames.Digests, ct)).ShouldBe(0);
    }

    /// <summary>Schedules the due digests, queues every message twice and drains the queue through <paramref name="send"/>.</summary>
    internal static async Task<(IReadOnlyList<SendDigestMessage> Messages, int Handled, int Failed)> DeliverEachTwiceAsync(
        DigestHarness harness, SendDigest send, CancellationToken ct)
    {
        var queue = harness.Get<IWorkQueue>();
        var messages = await harness.Get<DigestSchedule>().RunAsync(ct);
        foreach (var message in messages.Concat(messages))
        {
            await queue.EnqueueAsync(QueueNames.Digests, message.Serialize(), TimeSpan.Zero, ct);
        }

        var (handled, failed) = await harness.Get<QueueWorker>().DrainAsync(
            QueueNames.Digests,
            (message, token) => send.RunAsync(PipelineMessage.Deserialize(message.Body, DigestJsonContext.Default.SendDigestMessage), token),
            TimeSpan.Zero,
            ct);
        return (messages, handled, failed);
    }

    /// <summary>Decides which faults fire: each kind at most once per digest, at <see cref="FaultRate"/>; records the window events.</summary>
    internal sealed class Faults(Random random)
    {
        private readonly ConcurrentDictionary<(string Kind, string Key), bool> _fired = new();

        public ConcurrentDictionary<string, bool> Window { get; } = new(StringComparer.Ordinal);

        public int Count(string kind) => _fired.Keys.Count(k => k.Kind == kind);

        public bool Fire(string kind, string key)
        {
            lock (random)
            {
                return !_fired.ContainsKey((kind, key)) && random.NextDouble() < FaultRate && _fired.TryAdd((kind, key), true);
            }
        }
    }

    /// <summary>A provider without idempotency: it accepts every message it is handed (as SMTP does).</summary>
    private sealed class AcceptingProvider : IMailSender
    {
        public Task<MailSendResult> SendAsync(MailMessage message, string idempotencyKey, CancellationToken cancellationToken) =>
            Task.FromResult(MailSendResult.Sent());
    }

    /// <summary>Counts, per key, how many times the provider really took a message (outcome Sent).</summary>
    private sealed class CountingSender(IMailSender inner) : IMailSender
    {
        public ConcurrentDictionary<string, int> Accepted { get; } = new(StringComparer.Ordinal);

        public async Task<MailSendResult> SendAsync(MailMessage message, string idempotencyKey, CancellationToken cancellationToken)
        {
            var result = await inner.SendAsync(message, idempotencyKey, cancellationToken);
            if (result.Outcome == MailSendOutcome.Sent)
            {
                Accepted.AddOrUpdate(idempotencyKey, 1, (_, n) => n + 1);
            }

            return result;
        }
    }

    /// <summary>Fails before the provider call, after it (a crash after acceptance), and always for unreachable addresses.</summary>
    private sealed class FaultySender(IMailSender inner, Faults faults) : IMailSender
    {
        public async Task<MailSendResult> SendAsync(MailMessage message, string idempotencyKey, CancellationToken cancellationToken)
        {
            if (message.To.Address.StartsWith("unreachable", StringComparison.Ordinal))
            {
                throw new MailTransientException($"mail: provider unavailable for {message.To.Address}");
            }

            if (faults.Fire("send-before", idempotencyKey))
            {
                throw new MailTransientException("mail: injected failure before the provider call");
            }

            var result = await inner.SendAsync(message, idempotencyKey, cancellationToken);
            if (faults.Fire("send-after", idempotencyKey))
            {
                faults.Window[idempotencyKey] = true;
                throw new MailTransientException("mail: injected crash after the provider accepted");
            }

            return result;
        }
    }

    /// <summary>The real store with failures around the claim (before it, and after its commit) and instead of the "sent" write.</summary>
    internal sealed class FaultyStore(ISubscriptionStore inner, Faults faults) : ISubscriptionStore
    {
        public async Task<DigestRecord?> ClaimDigestAsync(string subscriptionId, string windowKey, string digestId, DateTimeOffset now, CancellationToken cancellationToken)
        {
            if (faults.Fire("claim-before", digestId))
            {
                throw new InvalidOperationException("store: injected failure before the claim");
            }

            var digest = await inner.ClaimDigestAsync(subscriptionId, windowKey, digestId, now, cancellationToken);
            return faults.Fire("claim-after", digestId) ? throw new InvalidOperationException("store: injected crash after the claim committed") : digest;
        }

        public Task<bool> MarkDigestSentAsync(string digestId, string? providerId, DateTimeOffset sentAt, CancellationToken cancellationToken)
        {
            if (faults.Fire("mark-sent", digestId))
            {
                // The provider has the message and the write fails: the documented window.
                faults.Window[digestId] = true;
                throw new InvalidOperationException("store: injected failure writing 'sent'");
            }

            return inner.MarkDigestSentAsync(digestId, providerId, sentAt, cancellationToken);
        }

        public Task<Subscription?> GetAsync(string id, CancellationToken cancellationToken) => inner.GetAsync(id, cancellationToken);

        public Task<Subscription?> FindByEmailAsync(string email, CancellationToken cancellationToken) => inner.FindByEmailAsync(email, cancellationToken);

        public Task<IReadOnlyList<Subscription>> ListAsync(CancellationToken cancellationToken) => inner.ListAsync(cancellationToken);

        public Task SaveAsync(Subscription subscription, bool startFromNow, CancellationToken cancellationToken) => inner.SaveAsync(subscription, startFromNow, cancellationToken);

        public Task<int> DeleteExpiredPendingAsync(DateTimeOffset createdBefore, CancellationToken cancellationToken) => inner.DeleteExpiredPendingAsync(createdBefore, cancellationToken);

        public Task<IReadOnlyList<DigestCandidate>> ListDigestCandidatesAsync(CancellationToken cancellationToken) => inner.ListDigestCandidatesAsync(cancellationToken);

        public Task<IReadOnlyList<DigestEventRange>> PeekUnsentAsync(string subscriptionId, CancellationToken cancellationToken) => inner.PeekUnsentAsync(subscriptionId, cancellationToken);

        public Task<DigestRecord?> GetDigestAsync(string digestId, CancellationToken cancellationToken) => inner.GetDigestAsync(digestId, cancellationToken);

        public Task<IReadOnlyList<DigestRecord>> ListDigestsAsync(string subscriptionId, CancellationToken cancellationToken) => inner.ListDigestsAsync(subscriptionId, cancellationToken);

        public Task<IReadOnlyList<DigestRecord>> ListStalePendingDigestsAsync(DateTimeOffset createdBefore, int limit, CancellationToken cancellationToken) => inner.ListStalePendingDigestsAsync(createdBefore, limit, cancellationToken);

        public Task<bool> MarkDigestFailedAsync(string digestId, string reason, DateTimeOffset at, CancellationToken cancellationToken) => inner.MarkDigestFailedAsync(digestId, reason, at, cancellationToken);

        public Task<string> GetOrCreateSecretAsync(string keyId, Func<string> create, CancellationToken cancellationToken) => inner.GetOrCreateSecretAsync(keyId, create, cancellationToken);
    }
}
