using Alerts.Pipeline.Messages;
using Alerts.Pipeline.Queues;
using Alerts.Pipeline.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Alerts.Pipeline.Feeds;

/// <summary>
/// The <c>Schedule</c> function: finds the feeds that are due and queues one <see cref="PollFeedMessage"/>
/// each. A queued feed's next check is pushed past the poll's own lease, so a second tick before the poll
/// finishes does not queue it again; <see cref="PollFeed"/> then sets the real next check.
/// </summary>
public sealed partial class ScheduleFeedPolls(
    IFeedStore feeds,
    IOptions<PollingOptions> options,
    TimeProvider clock,
    ILogger<ScheduleFeedPolls> logger)
{
    /// <summary>How long a queued poll holds its feed before the scheduler may queue it again.</summary>
    public static readonly TimeSpan PollHold = TimeSpan.FromMinutes(15);

    /// <summary>Returns the messages to put on the <c>feed-poll</c> queue (the Functions host sends them through its output binding).</summary>
    public async Task<IReadOnlyList<PollFeedMessage>> RunAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var due = await feeds.ListDueFeedsAsync(now, options.Value.MaxFeedsPerTick, cancellationToken);
        var messages = new List<PollFeedMessage>(due.Count);
        foreach (var feed in due)
        {
            await feeds.UpdateFeedAsync(feed with { NextCheckAt = now + PollHold }, cancellationToken);
            messages.Add(new PollFeedMessage(feed.Id));
        }

        LogScheduled(logger, messages.Count, now);
        return messages;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "schedule: {DueFeeds} feeds due at {Now}")]
    private static partial void LogScheduled(ILogger logger, int dueFeeds, DateTimeOffset now);

    /// <summary>The local host's variant: schedules and enqueues on the work queue itself.</summary>
    public async Task<int> RunAndEnqueueAsync(IWorkQueue queue, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(queue);
        var messages = await RunAsync(cancellationToken);
        foreach (var message in messages)
        {
            await queue.EnqueueAsync(QueueNames.FeedPoll, PipelineMessage.Serialize(message), TimeSpan.Zero, cancellationToken);
        }

        return messages.Count;
    }
}
