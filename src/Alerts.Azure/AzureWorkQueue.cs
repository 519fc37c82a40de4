using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Alerts.Pipeline.Queues;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Alerts.Azure;

/// <summary>A message as <see cref="AzureWorkQueue.PeekDetailedAsync"/> shows it, with the reason it was poisoned (null when unknown).</summary>
public sealed record AzureQueueMessageDetails(QueueMessage Message, string? LastError);

/// <summary>
/// The work queue on Azure Storage queues, with the SQLite queue's semantics (see <see cref="IWorkQueue"/>):
/// each work queue is the Azure queue of the same name (plus an optional prefix), created on first use;
/// a receive is Get Messages with the lease as visibility timeout (whole seconds, rounded up); Complete is
/// Delete Message; Release is Update Message (visible again after the retry delay), or, at the fifth
/// attempt, a move to <c>&lt;queue&gt;-poison</c>; a message received a sixth time (its worker died five
/// times) is moved to the poison queue instead of being handed out.
/// <para>
/// A poison message carries its reason: its text is a JSON envelope
/// <c>{"alertsPoison":{"reason","queue","messageId","dequeueCount"},"body":"&lt;original text&gt;"}</c>, which
/// this class unwraps when reading a <c>-poison</c> queue, so <see cref="QueueMessage.Body"/> is the original
/// text as with SQLite. The Functions host puts the raw text into the poison queue instead; such messages
/// read back as they are, with no reason.
/// </para>
/// <para>
/// Differences from SQLite that the service imposes: the order is only roughly FIFO; Peek shows visible
/// messages only, at most 32; Count is the service's approximate count; a Release gives the message a new
/// pop receipt, so the released <see cref="QueueMessage"/> cannot be completed afterwards; the reason of a
/// release that is not final is not stored (the worker logs it); a body may be at most 48 KiB of UTF-8
/// (64 KiB after base64).
/// </para>
/// </summary>
public sealed partial class AzureWorkQueue(AzureQueueClient client, string queueNamePrefix, ILogger<AzureWorkQueue>? logger = null) : IWorkQueue
{
    /// <summary>The largest body, in UTF-8 bytes, that fits a queue message once base64-encoded.</summary>
    public const int MaxBodyBytes = 48 * 1024;

    private const string EnvelopeMarker = "alertsPoison";

    private readonly ConcurrentDictionary<string, bool> _created = new(StringComparer.Ordinal);
    private readonly ILogger _logger = logger ?? NullLogger<AzureWorkQueue>.Instance;

    public AzureWorkQueue(AzureQueueClient client)
        : this(client, string.Empty)
    {
    }

    /// <summary>The Azure queue name of a work queue: the prefix and the name.</summary>
    public string AzureName(string queue)
    {
        ArgumentException.ThrowIfNullOrEmpty(queue);
        var name = queueNamePrefix + queue;
        return AzureQueueClient.IsValidQueueName(name)
            ? name
            : throw new ArgumentException($"azure: '{name}' is not a valid queue name (3-63 lower-case letters, digits, single hyphens)", nameof(queue));
    }

    public async Task EnqueueAsync(string queue, string body, TimeSpan initialVisibilityDelay, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentOutOfRangeException.ThrowIfLessThan(initialVisibilityDelay, TimeSpan.Zero);
        var bytes = Encoding.UTF8.GetByteCount(body);
        if (bytes > MaxBodyBytes)
        {
            throw new ArgumentException($"azure: a message body of {bytes} bytes is too large for {queue} (at most {MaxBodyBytes})", nameof(body));
        }

        var name = await EnsureQueueAsync(queue, cancellationToken);
        await client.PutMessageAsync(name, body, initialVisibilityDelay, timeToLive: null, cancellationToken);
    }

    public async Task<QueueMessage?> ReceiveAsync(string queue, TimeSpan lease, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(lease, TimeSpan.Zero);
        var name = await EnsureQueueAsync(queue, cancellationToken);
        while (true)
        {
            var received = (await client.GetMessagesAsync(name, 1, lease, cancellationToken)).SingleOrDefault();
            if (received is null)
            {
                return null;
            }

            if (received.DequeueCount <= QueueNames.MaxDequeueCount)
            {
                return ToMessage(queue, received, received.PopReceipt, received.NextVisibleAt);
            }

            // Visible again after MaxDequeueCount receives that were neither completed nor released: the
            // worker died each time. Hand it out no more.
            var attempts = received.DequeueCount - 1;
            await MoveToPoisonAsync(queue, received, received.PopReceipt, $"lease expired after {attempts} attempts", cancellationToken);
        }
    }

    public Task<bool> CompleteAsync(QueueMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        return client.DeleteMessageAsync(AzureName(message.Queue), message.Id, message.PopReceipt, cancellationToken);
    }

    /// <summary>See <see cref="IWorkQueue.ReleaseAsync"/>. A stale pop receipt (someone else holds the message now) changes nothing.</summary>
    public async Task ReleaseAsync(QueueMessage message, string reason, TimeSpan retryDelay, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(reason);
        ArgumentOutOfRangeException.ThrowIfLessThan(retryDelay, TimeSpan.Zero);
        var name = AzureName(message.Queue);
        if (message.DequeueCount < QueueNames.MaxDequeueCount)
        {
            await client.UpdateMessageAsync(name, message.Id, message.PopReceipt, retryDelay, newText: null, cancellationToken);
            return;
        }

        // Take the message back for a minute first: that checks the pop receipt (a stale one changes nothing)
        // and keeps it from being received while its copy goes to the poison queue.
        var held = await client.UpdateMessageAsync(name, message.Id, message.PopReceipt, TimeSpan.FromMinutes(1), newText: null, cancellationToken);
        if (held is null)
        {
            return;
        }

        var stored = new StorageQueueMessage(message.Id, held.PopReceipt, message.DequeueCount, message.InsertedAt, DateTimeOffset.MaxValue,
            held.NextVisibleAt, message.Body);
        await MoveToPoisonAsync(message.Queue, stored, held.PopReceipt, reason, cancellationToken);
    }

    /// <summary>The service's approximate count, visible and invisible messages alike; 0 for a queue never used.</summary>
    public async Task<int> CountAsync(string queue, CancellationToken cancellationToken)
    {
        try
        {
            return await client.GetApproximateCountAsync(AzureName(queue), cancellationToken);
        }
        catch (AzureStorageException ex) when (ex.Status == HttpStatusCode.NotFound)
        {
            return 0;
        }
    }

    /// <summary>
    /// Up to <paramref name="max"/> (at most 32, the service's limit) visible messages, without receiving them.
    /// The pop receipt is empty and <see cref="QueueMessage.LeaseUntil"/> is the insertion time (Peek Messages
    /// does not report visibility).
    /// </summary>
    public async Task<IReadOnlyList<QueueMessage>> PeekAsync(string queue, int max, CancellationToken cancellationToken) =>
        (await PeekDetailedAsync(queue, max, cancellationToken)).Select(details => details.Message).ToList();

    /// <summary>Like <see cref="PeekAsync"/>, with the poison reason of messages this class moved to a poison queue.</summary>
    public async Task<IReadOnlyList<AzureQueueMessageDetails>> PeekDetailedAsync(string queue, int max, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(max);
        var name = AzureName(queue);
        if (max == 0)
        {
            return [];
        }

        IReadOnlyList<StorageQueueMessage> peeked;
        try
        {
            peeked = await client.PeekMessagesAsync(name, Math.Min(max, 32), cancellationToken);
        }
        catch (AzureStorageException ex) when (ex.Status == HttpStatusCode.NotFound)
        {
            return [];
        }

        return peeked.Select(m =>
        {
            var (body, reason) = Unwrap(queue, m.Text);
            return new AzureQueueMessageDetails(new QueueMessage(queue, m.Id, string.Empty, body, m.DequeueCount, m.InsertedAt, m.InsertedAt), reason);
        }).ToList();
    }

    private async Task<string> EnsureQueueAsync(string queue, CancellationToken cancellationToken)
    {
        var name = AzureName(queue);
        if (!_created.ContainsKey(name))
        {
            await client.CreateQueueAsync(name, cancellationToken);
            _created[name] = true;
        }

        return name;
    }

    /// <summary>Puts the envelope into the poison queue, then deletes the original (a crash in between leaves a duplicate, never a loss).</summary>
    private async Task MoveToPoisonAsync(string queue, StorageQueueMessage message, string popReceipt, string reason, CancellationToken cancellationToken)
    {
        var (body, _) = Unwrap(queue, message.Text);
        var envelope = new JsonObject
        {
            [EnvelopeMarker] = new JsonObject
            {
                ["reason"] = reason,
                ["queue"] = queue,
                ["messageId"] = message.Id,
                ["dequeueCount"] = message.DequeueCount,
            },
            ["body"] = body,
        }.ToJsonString();
        var poison = QueueNames.Poison(queue);
        await client.PutMessageAsync(await EnsureQueueAsync(poison, cancellationToken), envelope, TimeSpan.Zero, timeToLive: null, cancellationToken);
        await client.DeleteMessageAsync(AzureName(queue), message.Id, popReceipt, cancellationToken);
        LogPoisoned(_logger, queue, message.Id, poison, reason);
    }

    private static QueueMessage ToMessage(string queue, StorageQueueMessage received, string popReceipt, DateTimeOffset leaseUntil)
    {
        var (body, _) = Unwrap(queue, received.Text);
        return new QueueMessage(queue, received.Id, popReceipt, body, received.DequeueCount, received.InsertedAt, leaseUntil);
    }

    /// <summary>The original body and poison reason of an envelope in a poison queue; any other text as it is.</summary>
    private static (string Body, string? Reason) Unwrap(string queue, string text)
    {
        if (!queue.EndsWith("-poison", StringComparison.Ordinal) || !text.StartsWith('{') || !text.Contains(EnvelopeMarker, StringComparison.Ordinal))
        {
            return (text, null);
        }

        try
        {
            if (JsonNode.Parse(text) is JsonObject envelope
                && envelope[EnvelopeMarker] is JsonObject poison
                && envelope["body"] is JsonValue body && body.TryGetValue<string>(out var original))
            {
                return (original, poison["reason"]?.GetValue<string>());
            }
        }
        catch (JsonException)
        {
            // Not an envelope after all.
        }

        return (text, null);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "queue: {Queue} message {MessageId} moved to {PoisonQueue}: {Reason}")]
    private static partial void LogPoisoned(ILogger logger, string queue, string messageId, string poisonQueue, string reason);
}
