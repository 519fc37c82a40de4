using Alerts.Core.Webhooks;

namespace Alerts.Pipeline.Storage;

/// <summary>
/// A subscription's webhook channel. No record means email. While <see cref="DisabledAt"/> is set the digests go
/// by email again (the record is kept so the manage page can say why, and saving the channel again re-enables it).
/// <see cref="Secret"/> signs generic webhooks (<c>whsec_…</c>); <see cref="ConsecutiveFailures"/> counts
/// delivery attempts that failed since the last success, the first of them at <see cref="FirstFailureAt"/>.
/// <see cref="NoticeSentAt"/> is set once the subscriber has been emailed about the disabling.
/// </summary>
public sealed record DeliveryChannel
{
    public required string SubscriptionId { get; init; }

    public required ChannelKind Kind { get; init; }

    public required Uri Url { get; init; }

    public string? Secret { get; init; }

    public required DateTimeOffset UpdatedAt { get; init; }

    public int ConsecutiveFailures { get; init; }

    public DateTimeOffset? FirstFailureAt { get; init; }

    public string? LastError { get; init; }

    public DateTimeOffset? DisabledAt { get; init; }

    public DateTimeOffset? NoticeSentAt { get; init; }

    public bool IsEnabled => DisabledAt is null;
}

/// <summary>
/// Webhook channels of subscriptions (SQLite table <c>subscription_channels</c>, Azure table <c>channels</c>).
/// The failure bookkeeping is atomic per channel, so two deliveries failing at once count twice and only one
/// of them disables the channel.
/// </summary>
public interface IChannelStore
{
    Task<DeliveryChannel?> GetAsync(string subscriptionId, CancellationToken cancellationToken);

    /// <summary>Inserts or replaces the channel of its subscription (failures, disabling and notice reset to the record's values).</summary>
    Task SaveAsync(DeliveryChannel channel, CancellationToken cancellationToken);

    /// <summary>Removes the channel: digests go by email. False when there was none.</summary>
    Task<bool> DeleteAsync(string subscriptionId, CancellationToken cancellationToken);

    /// <summary>
    /// Counts one failed delivery (the first of a run sets <see cref="DeliveryChannel.FirstFailureAt"/>) and returns
    /// the channel as it now is; null when there is no channel.
    /// </summary>
    Task<DeliveryChannel?> RecordFailureAsync(string subscriptionId, string reason, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>Resets the failure count after a delivery went through.</summary>
    Task RecordSuccessAsync(string subscriptionId, CancellationToken cancellationToken);

    /// <summary>Disables an enabled channel; true only for the call that disabled it.</summary>
    Task<bool> DisableAsync(string subscriptionId, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>Records that the subscriber was emailed about the disabling at <paramref name="disabledAt"/>; false when the channel changed since.</summary>
    Task<bool> MarkNoticeSentAsync(string subscriptionId, DateTimeOffset disabledAt, DateTimeOffset at, CancellationToken cancellationToken);
}
