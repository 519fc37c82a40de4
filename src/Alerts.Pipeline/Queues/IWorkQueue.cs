namespace Alerts.Pipeline.Queues;

/// <summary>A message received from a work queue, leased until <see cref="LeaseUntil"/>.</summary>
public sealed record QueueMessage(
    string Queue,
    string Id,
    string PopReceipt,
    string Body,
    int DequeueCount,
    DateTimeOffset InsertedAt,
    DateTimeOffset LeaseUntil);

/// <summary>
/// A durable work queue with the semantics of the Azure Queue trigger: a received message is invisible
/// for its lease, then visible again unless completed; each receive increments its dequeue count; a
/// message that fails <see cref="QueueNames.MaxDequeueCount"/> times moves to <c>&lt;queue&gt;-poison</c>
/// with the reason. Implemented by the SQLite queue and Azure Queues.
/// </summary>
public interface IWorkQueue
{
    Task EnqueueAsync(string queue, string body, TimeSpan initialVisibilityDelay, CancellationToken cancellationToken);

    /// <summary>
    /// The next visible message, leased for <paramref name="lease"/>; null when none is visible. A message
    /// whose lease ran out after <see cref="QueueNames.MaxDequeueCount"/> receives (the worker crashed each
    /// time) is moved to the poison queue here instead of being handed out again.
    /// </summary>
    Task<QueueMessage?> ReceiveAsync(string queue, TimeSpan lease, CancellationToken cancellationToken);

    /// <summary>Deletes a handled message. A stale pop receipt (the lease ran out and someone else received it) is a no-op that returns false.</summary>
    Task<bool> CompleteAsync(QueueMessage message, CancellationToken cancellationToken);

    /// <summary>
    /// Records a failed attempt: the message becomes visible again after <paramref name="retryDelay"/>, or,
    /// when its dequeue count has reached the maximum, moves to the poison queue with <paramref name="reason"/>.
    /// </summary>
    Task ReleaseAsync(QueueMessage message, string reason, TimeSpan retryDelay, CancellationToken cancellationToken);

    /// <summary>Approximate number of messages in the queue, visible or not.</summary>
    Task<int> CountAsync(string queue, CancellationToken cancellationToken);

    /// <summary>Messages without receiving them (for inspection: the poison queue, tests).</summary>
    Task<IReadOnlyList<QueueMessage>> PeekAsync(string queue, int max, CancellationToken cancellationToken);
}

/// <summary>Queue names shared by both hosts and the infrastructure.</summary>
public static class QueueNames
{
    public const string FeedPoll = "feed-poll";
    public const string Articles = "articles";
    public const string Digests = "digests";
    public const int MaxDequeueCount = 5;

    public static string Poison(string queue) => queue + "-poison";
}
