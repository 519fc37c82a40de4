using System.Diagnostics;
using System.Diagnostics.Metrics;
using Alerts.Pipeline.Articles;
using Alerts.Pipeline.Digests;
using Alerts.Pipeline.Feeds;
using Alerts.Pipeline.Messages;
using Microsoft.Extensions.Logging;

namespace Alerts.Pipeline.Running;

/// <summary>
/// The one stage dispatcher both hosts call: <see cref="LocalPipeline"/> (the embedded runner, over its work
/// queue) and the Functions app (one [Function] per method, whose bindings carry the typed messages). Each
/// method runs one stage's use case, logs one line and records the stage's count, outcome and duration as
/// metrics (meter <see cref="MeterName"/>), so both hosts report the same figures.
/// </summary>
public sealed partial class PipelineStages(
    ScheduleFeedPolls schedule,
    PollFeed pollFeed,
    ProcessArticle processArticle,
    DigestSchedule digestSchedule,
    SendDigest sendDigest,
    ILogger<PipelineStages> logger)
{
    /// <summary>The meter of the stage metrics (exported by the Functions app's telemetry).</summary>
    public const string MeterName = "Alerts.Pipeline";

    public const string Schedule = "Schedule";
    public const string PollFeed = "PollFeed";
    public const string ProcessArticle = "ProcessArticle";
    public const string ScheduleDigests = "ScheduleDigests";
    public const string SendDigest = "SendDigest";

    private static readonly Meter Meter = new(MeterName);

    /// <summary>One per stage run, tagged <c>stage</c> and <c>outcome</c> (the use case's outcome, or <c>error</c> when it threw).</summary>
    private static readonly Counter<long> Runs = Meter.CreateCounter<long>("alerts.stage.runs", description: "Stage runs by stage and outcome");

    private static readonly Histogram<double> Duration = Meter.CreateHistogram<double>("alerts.stage.duration", unit: "ms", description: "Stage run time");

    /// <summary>Messages a stage passed on to the next queue (feeds due, articles found, digests due).</summary>
    private static readonly Counter<long> Outputs = Meter.CreateCounter<long>("alerts.stage.outputs", description: "Messages passed on to the next stage");

    /// <summary>The timer stage: which feeds are due; each message goes on the feed-poll queue.</summary>
    public Task<IReadOnlyList<PollFeedMessage>> ScheduleAsync(CancellationToken cancellationToken) =>
        RunAsync(Schedule, () => schedule.RunAsync(cancellationToken), _ => "ok", r => r.Count);

    /// <summary>Polls one feed; <see cref="PollFeedResult.Articles"/> go on the articles queue.</summary>
    public Task<PollFeedResult> PollFeedAsync(PollFeedMessage message, int dequeueCount, CancellationToken cancellationToken) =>
        RunAsync(PollFeed, () => pollFeed.RunAsync(message, dequeueCount, cancellationToken), r => r.Outcome.ToString(), r => r.Articles.Count);

    /// <summary>Completes, fingerprints, matches and records the claims of one stored article.</summary>
    public Task<ProcessArticleResult> ProcessArticleAsync(ProcessArticleMessage message, int dequeueCount, CancellationToken cancellationToken) =>
        RunAsync(ProcessArticle, () => processArticle.RunAsync(message, dequeueCount, cancellationToken),
            r => !r.Found ? "NotFound" : r.CopyOf is null ? "Processed" : "Copy", r => r.Events.Count);

    /// <summary>The timer stage of digests: which (subscription, window) digests are due; each goes on the digests queue.</summary>
    public Task<IReadOnlyList<SendDigestMessage>> ScheduleDigestsAsync(CancellationToken cancellationToken) =>
        RunAsync(ScheduleDigests, () => digestSchedule.RunAsync(cancellationToken), _ => "ok", r => r.Count);

    /// <summary>Sends one digest, once: a redelivered message answers <see cref="SendDigestOutcome.AlreadySent"/>.</summary>
    public Task<SendDigestResult> SendDigestAsync(SendDigestMessage message, CancellationToken cancellationToken) =>
        RunAsync(SendDigest, () => sendDigest.RunAsync(message, cancellationToken), r => r.Outcome.ToString(), _ => 0);

    private async Task<T> RunAsync<T>(string stage, Func<Task<T>> run, Func<T, string> outcome, Func<T, int> outputs)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            var result = await run();
            var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            var name = outcome(result);
            var passedOn = outputs(result);
            Record(stage, name, elapsed);
            Outputs.Add(passedOn, new KeyValuePair<string, object?>("stage", stage));
            LogStage(logger, stage, name, passedOn, elapsed);
            return result;
        }
        catch (Exception)
        {
            Record(stage, "error", Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            throw;
        }
    }

    private static void Record(string stage, string outcome, double elapsedMs)
    {
        var tags = new TagList { { "stage", stage }, { "outcome", outcome } };
        Runs.Add(1, tags);
        Duration.Record(elapsedMs, tags);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "stage {Stage}: {Outcome}, {Outputs} passed on, in {ElapsedMs:F0} ms")]
    private static partial void LogStage(ILogger logger, string stage, string outcome, int outputs, double elapsedMs);
}
