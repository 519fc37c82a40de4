using Alerts.Core.Subscriptions;
using Alerts.Pipeline.Storage;
using Alerts.Pipeline.Subscriptions;
using Microsoft.Extensions.Logging;

namespace Alerts.Pipeline.Digests;

/// <summary>
/// The digest timer: finds active subscriptions whose window is due and that have unsent NewClaim or
/// Contradiction events in their topics, and asks for one digest per (subscription, window). No events, no
/// message. It also asks again for digests left pending longer than <see cref="StalePending"/> (their message
/// ended in the poison queue, or a host died for good), and deletes subscriptions that stayed pending too long.
/// </summary>
public sealed partial class DigestSchedule(ISubscriptionStore store, ManageSubscriptions subscriptions, TimeProvider clock, ILogger<DigestSchedule> logger)
{
    /// <summary>
    /// How long a digest may stay pending before the schedule asks for it again: far longer than a message's
    /// five tries take, so a digest whose message is still being retried is not sent twice over.
    /// </summary>
    public static readonly TimeSpan StalePending = TimeSpan.FromMinutes(30);

    /// <summary>
    /// How long the schedule goes on asking for a pending digest: after a day of failed tries (an outage of the
    /// provider, a broken address) the digest is marked failed with the reason, and its events stay with it rather
    /// than arriving days late. A day covers a provider's usual outages; the next window's digest carries what is new.
    /// </summary>
    public static readonly TimeSpan GiveUpAfter = TimeSpan.FromHours(24);

    public async Task<IReadOnlyList<SendDigestMessage>> RunAsync(CancellationToken cancellationToken)
    {
        await subscriptions.ExpirePendingAsync(cancellationToken);
        var now = clock.GetUtcNow();
        var messages = new List<SendDigestMessage>();
        foreach (var stale in await store.ListStalePendingDigestsAsync(now - StalePending, 1000, cancellationToken))
        {
            if (stale.CreatedAt + GiveUpAfter <= now)
            {
                var reason = $"digests: gave up: still not sent {GiveUpAfter.TotalHours:0} hours after it was recorded" + (stale.LastError is null ? "" : " (last error: " + stale.LastError + ")");
                if (await store.MarkDigestFailedAsync(stale.Id, reason, now, cancellationToken))
                {
                    LogGaveUp(logger, stale.Id, stale.SubscriptionId, stale.LastError ?? "none");
                }

                continue;
            }

            messages.Add(new SendDigestMessage(stale.SubscriptionId, stale.WindowKey));
        }

        foreach (var candidate in await store.ListDigestCandidatesAsync(cancellationToken))
        {
            try
            {
                var window = DigestWindows.Current(candidate.Subscription, now);
                if (DigestWindows.IsDue(candidate.Subscription, candidate.LastWindowKey, now)
                    && !messages.Contains(new SendDigestMessage(candidate.Subscription.Id, window.Key)))
                {
                    messages.Add(new SendDigestMessage(candidate.Subscription.Id, window.Key));
                }
            }
            catch (ArgumentException ex)
            {
                // A time zone this machine does not know: the others still get their digests.
                LogSkipped(logger, candidate.Subscription.Id, ex.Message);
            }
        }

        return messages;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "digests: gave up on digest {DigestId} of subscription {SubscriptionId}; last error: {LastError}")]
    private static partial void LogGaveUp(ILogger logger, string digestId, string subscriptionId, string lastError);

    [LoggerMessage(Level = LogLevel.Warning, Message = "digests: subscription {SubscriptionId} skipped: {Error}")]
    private static partial void LogSkipped(ILogger logger, string subscriptionId, string error);
}
