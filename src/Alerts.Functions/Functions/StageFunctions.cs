using Alerts.Pipeline.Digests;
using Alerts.Pipeline.Messages;
using Alerts.Pipeline.Running;
using Microsoft.Azure.Functions.Worker;

namespace Alerts.Functions.Functions;

/// <summary>
/// The pipeline's five functions, each one call of <see cref="PipelineStages"/> (the dispatcher the local
/// runner uses too). The worker decodes the queue message into its typed record and writes the returned
/// records to the output queue, one message each; a function that throws fails the invocation, the message
/// is visible again after host.json's visibilityTimeout, and after maxDequeueCount attempts it moves to
/// <c>&lt;queue&gt;-poison</c>.
/// </summary>
public sealed class StageFunctions(PipelineStages stages)
{
    /// <summary>Timer: the feeds that are due, one <see cref="PollFeedMessage"/> each on the feed-poll queue.</summary>
    [Function(PipelineStages.Schedule)]
    [QueueOutput("%" + FunctionSettings.FeedPollQueue + "%", Connection = FunctionSettings.StorageConnection)]
    public async Task<PollFeedMessage[]> ScheduleAsync(
        [TimerTrigger("%" + FunctionSettings.AlertsSchedule + "%")] TimerInfo timer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(timer);
        return [.. await stages.ScheduleAsync(cancellationToken)];
    }

    /// <summary>Queue: polls one feed; its new articles go on the articles queue.</summary>
    [Function(PipelineStages.PollFeed)]
    [QueueOutput("%" + FunctionSettings.ArticlesQueue + "%", Connection = FunctionSettings.StorageConnection)]
    public async Task<ProcessArticleMessage[]> PollFeedAsync(
        [QueueTrigger("%" + FunctionSettings.FeedPollQueue + "%", Connection = FunctionSettings.StorageConnection)] PollFeedMessage message,
        FunctionContext context,
        CancellationToken cancellationToken)
    {
        var result = await stages.PollFeedAsync(message, DequeueCount(context), cancellationToken);
        return [.. result.Articles];
    }

    /// <summary>Queue: processes one stored article (claims, topic matches, events).</summary>
    [Function(PipelineStages.ProcessArticle)]
    public Task ProcessArticleAsync(
        [QueueTrigger("%" + FunctionSettings.ArticlesQueue + "%", Connection = FunctionSettings.StorageConnection)] ProcessArticleMessage message,
        FunctionContext context,
        CancellationToken cancellationToken) =>
        stages.ProcessArticleAsync(message, DequeueCount(context), cancellationToken);

    /// <summary>Timer: the digests that are due, one <see cref="SendDigestMessage"/> each on the digests queue.</summary>
    [Function(PipelineStages.ScheduleDigests)]
    [QueueOutput("%" + FunctionSettings.DigestsQueue + "%", Connection = FunctionSettings.StorageConnection)]
    public async Task<SendDigestMessage[]> ScheduleDigestsAsync(
        [TimerTrigger("%" + FunctionSettings.DigestSchedule + "%")] TimerInfo timer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(timer);
        return [.. await stages.ScheduleDigestsAsync(cancellationToken)];
    }

    /// <summary>
    /// Queue: sends one digest. A redelivered message sends nothing twice (the send is keyed by the digest id); a
    /// provider that refuses the digest for good marks it failed and the invocation still succeeds, since
    /// retrying cannot help; a provider that cannot be reached throws, so the host retries.
    /// </summary>
    [Function(PipelineStages.SendDigest)]
    public Task SendDigestAsync(
        [QueueTrigger("%" + FunctionSettings.DigestsQueue + "%", Connection = FunctionSettings.StorageConnection)] SendDigestMessage message,
        CancellationToken cancellationToken) =>
        stages.SendDigestAsync(message, cancellationToken);

    /// <summary>
    /// The queue trigger's <c>DequeueCount</c> metadata (1 on the first delivery). The stages use it to tell a
    /// redelivery from a first attempt, so a message without it is refused rather than guessed.
    /// </summary>
    private static int DequeueCount(FunctionContext context)
    {
        var value = context.BindingContext.BindingData.TryGetValue("DequeueCount", out var raw) ? raw : null;
        return value switch
        {
            int count => count,
            long count => checked((int)count),
            string text when int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var count) => count,
            _ => throw new InvalidMessageException($"functions: {context.FunctionDefinition.Name} got no DequeueCount trigger metadata (got '{value}')"),
        };
    }
}
