using Alerts.Pipeline.Digests;
using Alerts.Pipeline.Feeds;
using Alerts.Pipeline.Messages;
using Alerts.Pipeline.Queues;

namespace Alerts.Pipeline.Running;

/// <summary>Totals of one local cycle, for the CLI's summary line and exit code.</summary>
public sealed record CycleReport(
    int FeedsScheduled,
    int FeedsFetched,
    int FeedsNotModified,
    IReadOnlyList<PollFeedResult> FeedFailures,
    int NewArticles,
    int ArticlesProcessed,
    int Copies,
    int TopicMatches,
    int TopicEvents,
    int MessagesFailed,
    int DigestsSent = 0)
{
    /// <summary>The cycle stopped early on request (SIGTERM, Ctrl+C); what is left runs on the next cycle.</summary>
    public bool Stopped { get; init; }

    /// <summary>Article pages that could not be fetched (the feed's summary was kept), by reason, e.g. "HTTP 404".</summary>
    public IReadOnlyDictionary<string, int> PagesNotFetched { get; init; } = new Dictionary<string, int>();
}

/// <summary>What the CLI shows while a cycle runs.</summary>
public sealed record CycleProgress(string Stage, int Done, int Total);

/// <summary>
/// One pass of the pipeline on the local host, over the same queues and use cases the Functions app uses:
/// Schedule → feed-poll → PollFeed → articles → ProcessArticle → ScheduleDigests → digests → SendDigest.
/// Each stage is the same <see cref="PipelineStages"/> call the functions make; this class only does what the
/// Functions host does around them: decode the queue message and put the stage's outputs on the next queue.
/// </summary>
public sealed class LocalPipeline(IWorkQueue queue, QueueWorker worker, PipelineStages stages)
{
    /// <param name="stopping">Stop at the next safe point (between two messages) and report what was done.</param>
    /// <param name="cancellationToken">Abort at once: the message in hand stays leased until its lease runs out.</param>
    public async Task<CycleReport> RunOnceAsync(
        TimeSpan retryDelay, IProgress<CycleProgress>? progress, CancellationToken cancellationToken, CancellationToken stopping = default)
    {
        progress?.Report(new CycleProgress("scheduling feeds", 0, 0));
        var feedsDue = await stages.ScheduleAsync(cancellationToken);
        foreach (var poll in feedsDue)
        {
            await queue.EnqueueAsync(QueueNames.FeedPoll, PipelineMessage.Serialize(poll), TimeSpan.Zero, cancellationToken);
        }

        var polls = new List<PollFeedResult>();
        var feedTotal = await queue.CountAsync(QueueNames.FeedPoll, cancellationToken);
        var (_, pollFailures) = await worker.DrainAsync(
            QueueNames.FeedPoll,
            async (message, ct) =>
            {
                progress?.Report(new CycleProgress("polling feeds", polls.Count, feedTotal));
                var request = PipelineMessage.Deserialize(message.Body, PipelineJsonContext.Default.PollFeedMessage);
                var result = await stages.PollFeedAsync(request, message.DequeueCount, ct);
                foreach (var article in result.Articles)
                {
                    await queue.EnqueueAsync(QueueNames.Articles, PipelineMessage.Serialize(article), TimeSpan.Zero, ct);
                }

                polls.Add(result);
            },
            retryDelay,
            cancellationToken,
            stopping);

        var processed = 0;
        var copies = 0;
        var matches = 0;
        var events = 0;
        var pagesNotFetched = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var articleTotal = await queue.CountAsync(QueueNames.Articles, cancellationToken);
        var (_, articleFailures) = await worker.DrainAsync(
            QueueNames.Articles,
            async (message, ct) =>
            {
                progress?.Report(new CycleProgress("processing articles", processed, articleTotal));
                var request = PipelineMessage.Deserialize(message.Body, PipelineJsonContext.Default.ProcessArticleMessage);
                var result = await stages.ProcessArticleAsync(request, message.DequeueCount, ct);
                processed++;
                copies += result.CopyOf is null ? 0 : 1;
                if (result.PageProblem is { } problem)
                {
                    pagesNotFetched[problem] = pagesNotFetched.GetValueOrDefault(problem) + 1;
                }

                matches += result.Matches.Count;
                events += result.Events.Count;
            },
            retryDelay,
            cancellationToken,
            stopping);

        var digestsSent = 0;
        if (!stopping.IsCancellationRequested)
        {
            progress?.Report(new CycleProgress("scheduling digests", 0, 0));
            foreach (var digest in await stages.ScheduleDigestsAsync(cancellationToken))
            {
                await queue.EnqueueAsync(QueueNames.Digests, digest.Serialize(), TimeSpan.Zero, cancellationToken);
            }
        }

        var digestTotal = await queue.CountAsync(QueueNames.Digests, cancellationToken);
        var (_, digestFailures) = await worker.DrainAsync(
            QueueNames.Digests,
            async (message, ct) =>
            {
                progress?.Report(new CycleProgress("sending digests", digestsSent, digestTotal));
                var request = PipelineMessage.Deserialize(message.Body, DigestJsonContext.Default.SendDigestMessage);
                var result = await stages.SendDigestAsync(request, ct);
                digestsSent += result.Outcome == SendDigestOutcome.Sent ? 1 : 0;
            },
            retryDelay,
            cancellationToken,
            stopping);

        return new CycleReport(
            feedsDue.Count,
            polls.Count(p => p.Outcome == PollOutcome.Fetched),
            polls.Count(p => p.Outcome == PollOutcome.NotModified),
            polls.Where(p => p.Outcome is PollOutcome.Failed or PollOutcome.Parked).ToList(),
            polls.Sum(p => p.NewArticles),
            processed,
            copies,
            matches,
            events,
            pollFailures + articleFailures + digestFailures,
            digestsSent)
        {
            Stopped = stopping.IsCancellationRequested,
            PagesNotFetched = pagesNotFetched,
        };
    }
}
