using Alerts.Core.Subscriptions;

namespace Alerts.Pipeline.Storage;

/// <summary>Where a digest is in its life: recorded (its events claimed), handed to the provider, or refused for good.</summary>
public enum DigestState
{
    Pending,
    Sent,
    Failed,
}

/// <summary>
/// The events of one topic a digest carries: every event of <see cref="TopicId"/> with a sequence number
/// above <see cref="AfterSeq"/> and at most <see cref="ThroughSeq"/>.
/// </summary>
public sealed record DigestEventRange(string TopicId, long AfterSeq, long ThroughSeq);

/// <summary>
/// One digest of one subscription for one window. <see cref="Id"/> is stable
/// (<c>&lt;subscription id&gt;-&lt;window key&gt;</c>): it is the provider's idempotency key and the Message-ID.
/// </summary>
public sealed record DigestRecord(
    string Id,
    string SubscriptionId,
    string WindowKey,
    DigestState State,
    DateTimeOffset CreatedAt,
    DateTimeOffset? SentAt,
    string? ProviderId,
    string? LastError,
    IReadOnlyList<DigestEventRange> Ranges)
{
    /// <summary>The stable id of the digest of <paramref name="subscriptionId"/> for the window <paramref name="windowKey"/>.</summary>
    public static string IdFor(string subscriptionId, string windowKey) => subscriptionId + "-" + windowKey;
}

/// <summary>An active subscription with unsent events, and the window its last digest was recorded for.</summary>
public sealed record DigestCandidate(Subscription Subscription, string? LastWindowKey);

/// <summary>
/// Subscriptions, per-topic cursors of the events already put in a digest, and the digests themselves.
/// Implemented by the SQLite store.
/// </summary>
/// <remarks>
/// Exactly once rests on <see cref="ClaimDigestAsync"/>: it records the digest as pending and moves the
/// subscription's cursors past the events it carries in one transaction, so an event is in at most one digest,
/// and a second call for the same id returns the digest recorded the first time.
/// </remarks>
public interface ISubscriptionStore
{
    Task<Subscription?> GetAsync(string id, CancellationToken cancellationToken);

    /// <summary>The subscription of a normalised address (there is at most one per address).</summary>
    Task<Subscription?> FindByEmailAsync(string email, CancellationToken cancellationToken);

    Task<IReadOnlyList<Subscription>> ListAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Inserts or replaces the subscription with this id. When <paramref name="startFromNow"/> is true the
    /// subscription's cursors start after the newest stored event (a subscriber gets what happens from now on).
    /// </summary>
    Task SaveAsync(Subscription subscription, bool startFromNow, CancellationToken cancellationToken);

    /// <summary>Deletes pending subscriptions created before <paramref name="createdBefore"/>; returns how many.</summary>
    Task<int> DeleteExpiredPendingAsync(DateTimeOffset createdBefore, CancellationToken cancellationToken);

    /// <summary>Active subscriptions with at least one NewClaim or Contradiction event past their cursors.</summary>
    Task<IReadOnlyList<DigestCandidate>> ListDigestCandidatesAsync(CancellationToken cancellationToken);

    /// <summary>
    /// In one transaction: returns the digest <paramref name="digestId"/> when it exists; else, when the
    /// subscription is active and has NewClaim or Contradiction events past its cursors, records the digest as
    /// pending with those events (and the others in between, corroborations included), moves the cursors past
    /// them and remembers <paramref name="windowKey"/> as the last window; else returns null and changes nothing.
    /// </summary>
    Task<DigestRecord?> ClaimDigestAsync(string subscriptionId, string windowKey, string digestId, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>The events the next digest would carry, without claiming anything (for previews); empty when none raises a digest.</summary>
    Task<IReadOnlyList<DigestEventRange>> PeekUnsentAsync(string subscriptionId, CancellationToken cancellationToken);

    Task<DigestRecord?> GetDigestAsync(string digestId, CancellationToken cancellationToken);

    Task<IReadOnlyList<DigestRecord>> ListDigestsAsync(string subscriptionId, CancellationToken cancellationToken);

    /// <summary>Digests still pending that were recorded before <paramref name="createdBefore"/> (their message gave up), oldest first.</summary>
    Task<IReadOnlyList<DigestRecord>> ListStalePendingDigestsAsync(DateTimeOffset createdBefore, int limit, CancellationToken cancellationToken);

    /// <summary>Marks a pending digest sent; false when it was not pending.</summary>
    Task<bool> MarkDigestSentAsync(string digestId, string? providerId, DateTimeOffset sentAt, CancellationToken cancellationToken);

    /// <summary>Marks a pending digest failed for good with <paramref name="reason"/>; false when it was not pending.</summary>
    Task<bool> MarkDigestFailedAsync(string digestId, string reason, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>
    /// The secret stored under <paramref name="keyId"/>, creating it from <paramref name="create"/> when there is
    /// none (the per-store signing key used when no token keys are configured).
    /// </summary>
    Task<string> GetOrCreateSecretAsync(string keyId, Func<string> create, CancellationToken cancellationToken);
}
