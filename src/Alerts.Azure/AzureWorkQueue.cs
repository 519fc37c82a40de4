using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Alerts.Pipeline.Queues;
using Azure;
using Azure.Storage.Queues;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Alerts.Azure;

/// <summary>A message as <see cref="AzureWorkQueue.PeekDetailedAsync"/> shows it, with the reason it was poisoned (null when unknown).</summary>
public sealed record AzureQueueMessageDetails(QueueMessage Message, string? LastError);

/// <summary>
/// The work queue on Azure Storage queues, with the SQLite queue's semantics (see <see cref="IWorkQueue"/>):
/// each work queue is the Azure queue of the same name (plus an optional prefix), created on first use, reached
/// through the SDK's <see cref="QueueClient"/>; a receive is Get Messages with the lease as visibility timeout
/// (whole seconds, rounded up); Complete is Delete Message; Release is Update Message (visible again after the
/// retry delay), or, at the fifth
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
/// Message text is encoded as the Functions queue trigger reads it (<see cref="AzureStorageOptions.MessageEncoding"/>,
/// which must match host.json's <c>extensions.queues.messageEncoding</c>): base64 of the UTF-8 by default. On
/// reading, text that is not base64 (put by another tool) is taken as it is rather than failing the receive.
/// </para>
/// <para>
/// Differences from SQLite that the service imposes: the order is only roughly FIFO; Peek shows visible
/// messages only, at most 32; Count is the service's approximate count; a Release gives the message a new
/// pop receipt, so the released <see cref="QueueMessage"/> cannot be completed afterwards; the reason of a
/// release that is not final is not stored (the worker logs it); a body may be at most 48 KiB of UTF-8
/// (64 KiB after base64).
/// </para>
/// </summary>
public sealed partial class AzureWorkQueue(QueueServiceClient service, string queueNamePrefix, QueueMessageEncoding encoding,
    ILogger<AzureWorkQueue>? logger = null) : IWorkQueue
{
    /// <summary>The largest body, in UTF-8 bytes, that fits a queue message once base64-encoded.</summary>
    public const int MaxBodyBytes = 48 * 1024;

    /// <summary>The longest visibility timeout or initial delay the service accepts.</summary>
    public static readonly TimeSpan MaxVisibilityTimeout = TimeSpan.FromDays(7);

    private const string EnvelopeMarker = "alertsPoison";

    /// <summary>The service's "never expires" time to live (messagettl=-1).</summary>
    private static readonly TimeSpan NeverExpires = TimeSpan.FromSeconds(-1);

    private readonly ConcurrentDictionary<string, QueueClient> _created = new(StringComparer.Ordinal);
    private readonly ILogger _logger = logger ?? NullLogger<AzureWorkQueue>.Instance;

    /// <summary>The Azure queue name of a work queue: the prefix and the name.</summary>
    public string AzureName(string queue)
    {
        ArgumentException.ThrowIfNullOrEmpty(queue);
        var name = queueNamePrefix + queue;
        return IsValidQueueName(name)
            ? name
            : throw new ArgumentException($"azure: '{name}' is not a valid queue name (3-63 lower-case letters, digits, single hyphens)", nameof(queue));
    }

    /// <summary>
    /// Queue names: 3–63 characters, lower-case letters, digits and single hyphens, starting and ending with a
    /// letter or digit.
    /// </summary>
    public static bool IsValidQueueName(string queue) =>
        queue is { Length: >= 3 and <= 63 } && QueueNamePattern().IsMatch(queue);

    /// <summary>The text as it goes on the wire: base64 of the UTF-8, or the text itself with encoding None.</summary>
    public static string Encode(string text, QueueMessageEncoding encoding)
    {
        ArgumentNullException.ThrowIfNull(text);
        return encoding == QueueMessageEncoding.Base64 ? Convert.ToBase64String(Encoding.UTF8.GetBytes(text)) : text;
    }

    /// <summary>The text of a message as read from the wire; text that is not base64 is returned as it is.</summary>
    public static string Decode(string wire, QueueMessageEncoding encoding)
    {
        ArgumentNullException.ThrowIfNull(wire);
        if (encoding != QueueMessageEncoding.Base64)
        {
            return wire;
        }

        var buffer = new byte[wire.Length];
        return Convert.TryFromBase64String(wire, buffer, out var written)
            ? new UTF8Encoding(false, throwOnInvalidBytes: false).GetString(buffer, 0, written)
            : wire;
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

        var client = await EnsureQueueAsync(queue, cancellationToken);
        await client.SendMessageAsync(Encode(body, encoding), WholeSeconds(initialVisibilityDelay), NeverExpires, cancellationToken);
    }

    public async Task<QueueMessage?> ReceiveAsync(string queue, TimeSpan lease, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(lease, TimeSpan.Zero);
        var client = await EnsureQueueAsync(queue, cancellationToken);
        while (true)
        {
            var received = (await client.ReceiveMessagesAsync(1, WholeSeconds(lease), cancellationToken)).Value.SingleOrDefault();
            if (received is null)
            {
                return null;
            }

            if (received.DequeueCount <= QueueNames.MaxDequeueCount)
            {
                var (body, _) = Unwrap(queue, Decode(received.MessageText, encoding));
                return new QueueMessage(queue, received.MessageId, received.PopReceipt, body, (int)received.DequeueCount,
                    received.InsertedOn ?? DateTimeOffset.MinValue, received.NextVisibleOn ?? DateTimeOffset.MinValue);
            }

            // Visible again after MaxDequeueCount receives that were neither completed nor released: the
            // worker died each time. Hand it out no more.
            var attempts = received.DequeueCount - 1;
            await MoveToPoisonAsync(queue, received.MessageId, received.PopReceipt, Decode(received.MessageText, encoding), received.DequeueCount,
                $"lease expired after {attempts} attempts", cancellationToken);
        }
    }

    public async Task<bool> CompleteAsync(QueueMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        try
        {
            await Client(message.Queue).DeleteMessageAsync(message.Id, message.PopReceipt, cancellationToken);
            return true;
        }
        catch (RequestFailedException ex) when (IsStaleReceipt(ex))
        {
            return false;
        }
    }

    /// <summary>See <see cref="IWorkQueue.ReleaseAsync"/>. A stale pop receipt (someone else holds the message now) changes nothing.</summary>
    public async Task ReleaseAsync(QueueMessage message, string reason, TimeSpan retryDelay, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(reason);
        ArgumentOutOfRangeException.ThrowIfLessThan(retryDelay, TimeSpan.Zero);
        var client = Client(message.Queue);
        try
        {
            if (message.DequeueCount < QueueNames.MaxDequeueCount)
            {
                await client.UpdateMessageAsync(message.Id, message.PopReceipt, (string?)null, WholeSeconds(retryDelay), cancellationToken);
                return;
            }

            // Take the message back for a minute first: that checks the pop receipt (a stale one changes nothing)
            // and keeps it from being received while its copy goes to the poison queue.
            var held = (await client.UpdateMessageAsync(message.Id, message.PopReceipt, (string?)null, TimeSpan.FromMinutes(1), cancellationToken)).Value;
            await MoveToPoisonAsync(message.Queue, message.Id, held.PopReceipt, message.Body, message.DequeueCount, reason, cancellationToken);
        }
        catch (RequestFailedException ex) when (IsStaleReceipt(ex))
        {
            // Someone else received the message since: theirs to finish.
        }
    }

    /// <summary>The service's approximate count, visible and invisible messages alike; 0 for a queue never used.</summary>
    public async Task<int> CountAsync(string queue, CancellationToken cancellationToken)
    {
        try
        {
            return (await Client(queue).GetPropertiesAsync(cancellationToken)).Value.ApproximateMessagesCount;
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
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
        if (max == 0)
        {
            return [];
        }

        global::Azure.Storage.Queues.Models.PeekedMessage[] peeked;
        try
        {
            peeked = (await Client(queue).PeekMessagesAsync(Math.Min(max, 32), cancellationToken)).Value;
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return [];
        }

        return peeked.Select(m =>
        {
            var (body, reason) = Unwrap(queue, Decode(m.MessageText, encoding));
            var inserted = m.InsertedOn ?? DateTimeOffset.MinValue;
            return new AzureQueueMessageDetails(new QueueMessage(queue, m.MessageId, string.Empty, body, (int)m.DequeueCount, inserted, inserted), reason);
        }).ToList();
    }

    private QueueClient Client(string queue) => _created.TryGetValue(AzureName(queue), out var client) ? client : service.GetQueueClient(AzureName(queue));

    private async Task<QueueClient> EnsureQueueAsync(string queue, CancellationToken cancellationToken)
    {
        var name = AzureName(queue);
        if (!_created.TryGetValue(name, out var client))
        {
            client = service.GetQueueClient(name);
            await client.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            _created[name] = client;
        }

        return client;
    }

    /// <summary>Puts the envelope into the poison queue, then deletes the original (a crash in between leaves a duplicate, never a loss).</summary>
    private async Task MoveToPoisonAsync(string queue, string messageId, string popReceipt, string text, long dequeueCount, string reason,
        CancellationToken cancellationToken)
    {
        var (body, _) = Unwrap(queue, text);
        var envelope = new JsonObject
        {
            [EnvelopeMarker] = new JsonObject
            {
                ["reason"] = reason,
                ["queue"] = queue,
                ["messageId"] = messageId,
                ["dequeueCount"] = dequeueCount,
            },
            ["body"] = body,
        }.ToJsonString();
        var poison = QueueNames.Poison(queue);
        var poisonClient = await EnsureQueueAsync(poison, cancellationToken);
        await poisonClient.SendMessageAsync(Encode(envelope, encoding), TimeSpan.Zero, NeverExpires, cancellationToken);
        try
        {
            await Client(queue).DeleteMessageAsync(messageId, popReceipt, cancellationToken);
        }
        catch (RequestFailedException ex) when (IsStaleReceipt(ex))
        {
            // Gone or taken already: the poison copy stands, a duplicate at worst.
        }

        LogPoisoned(_logger, queue, messageId, poison, reason);
    }

    /// <summary>A pop receipt that no longer holds the message: 404 MessageNotFound, or 400 PopReceiptMismatch.</summary>
    private static bool IsStaleReceipt(RequestFailedException ex) =>
        ex.Status == 404 || (ex.Status == 400 && ex.ErrorCode == "PopReceiptMismatch");

    /// <summary>The service counts visibility in whole seconds; round up so a lease is never shorter than asked.</summary>
    private static TimeSpan WholeSeconds(TimeSpan value)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(value, MaxVisibilityTimeout);
        return TimeSpan.FromSeconds(Math.Ceiling(value.TotalSeconds));
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

    [GeneratedRegex("^[a-z0-9](?:[a-z0-9]|-(?!-))*[a-z0-9]$")]
    private static partial Regex QueueNamePattern();

    [LoggerMessage(Level = LogLevel.Warning, Message = "queue: {Queue} message {MessageId} moved to {PoisonQueue}: {Reason}")]
    private static partial void LogPoisoned(ILogger logger, string queue, string messageId, string poisonQueue, string reason);
}
