using Alerts.Core.Feeds;
using Alerts.Pipeline.Fetching;
using Alerts.Pipeline.Messages;
using Alerts.Pipeline.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Alerts.Pipeline.Feeds;

/// <summary>What one poll did; <see cref="Articles"/> go on the <c>articles</c> queue.</summary>
public sealed record PollFeedResult(
    long FeedId,
    string Url,
    PollOutcome Outcome,
    int NewArticles,
    IReadOnlyList<ProcessArticleMessage> Articles,
    string? Error);

public enum PollOutcome
{
    Fetched,
    NotModified,
    Failed,
    Parked,
    Skipped,
}

/// <summary>
/// The <c>PollFeed</c> function: fetches one feed (conditional GET), parses it, stores its new items as
/// articles and asks for each to be processed. Feed-level failures (HTTP errors, unparsable content) are
/// recorded on the feed with back-off or parking and are not thrown: retrying the message would not help.
/// Store failures are thrown, so the queue retries.
/// </summary>
/// <remarks>
/// Idempotent: articles are stored before the feed's validators are updated, so a crash in between makes
/// the next poll fetch the items again (deduplicated by the store). A redelivered message (dequeue count
/// above 1) fetches without validators and re-queues every item, new or not, because the first attempt may
/// have died after writing the validators but before its items were queued (the caller queues them after this
/// returns); <see cref="Articles.ProcessArticle"/> is itself idempotent.
/// </remarks>
public sealed partial class PollFeed(
    IFeedStore feeds,
    IArticleStore articles,
    GuardedHttpClient http,
    IOptions<PollingOptions> options,
    IOptions<FetchOptions> fetchOptions,
    TimeProvider clock,
    ILogger<PollFeed> logger)
{
    private const string FeedAccept = "application/rss+xml, application/atom+xml, application/feed+json, application/xml;q=0.9, text/xml;q=0.8, */*;q=0.5";

    public async Task<PollFeedResult> RunAsync(PollFeedMessage message, int dequeueCount, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var feed = await feeds.GetFeedAsync(message.FeedId, cancellationToken);
        if (feed is null || feed.Parked)
        {
            LogSkipped(logger, message.FeedId);
            return new PollFeedResult(message.FeedId, feed?.Url ?? "", PollOutcome.Skipped, 0, [], null);
        }

        FetchResult response;
        try
        {
            // A redelivered message may come from a run that died after storing the items and the validators but
            // before queueing the items: a conditional GET would then get 304 and the stored items would never be
            // processed. So a redelivery fetches in full, and the full fetch re-queues every item.
            response = await FetchAsync(feed, conditional: dequeueCount <= 1, cancellationToken);
        }
        catch (FetchException ex)
        {
            return await RecordErrorAsync(feed, ex.Message, retryAfter: null, cancellationToken);
        }

        var now = clock.GetUtcNow();
        if (response.NotModified)
        {
            await feeds.UpdateFeedAsync(
                Healthy(feed, now) with { NextCheckAt = FeedSchedule.AfterSuccess(now, options.Value, response.MaxAge, response.RetryAfter) },
                cancellationToken);
            LogNotModified(logger, feed.Url);
            return new PollFeedResult(feed.Id, feed.Url, PollOutcome.NotModified, 0, [], null);
        }

        if (response.StatusCode == 410)
        {
            return await ParkAsync(feed, "410 Gone: the server says the feed was removed", cancellationToken);
        }

        if (!response.IsSuccess)
        {
            return await RecordErrorAsync(feed, $"fetcher: HTTP {response.StatusCode} from {response.FinalUrl}", response.RetryAfter, cancellationToken);
        }

        ParsedFeed parsed;
        try
        {
            parsed = FeedParser.Parse(response.Body, new FeedSource { BaseUri = response.FinalUrl, ContentType = ContentType(response) });
        }
        catch (FeedParseException ex)
        {
            return await RecordParseFailureAsync(feed, ex.Message, cancellationToken);
        }

        var (newArticles, queued) = await StoreItemsAsync(feed, parsed, requeueAll: dequeueCount > 1, now, cancellationToken);
        await feeds.UpdateFeedAsync(
            Healthy(feed, now) with
            {
                Title = feed.Title ?? parsed.Title,
                ETag = response.ETag,
                LastModified = response.LastModified,
                NextCheckAt = FeedSchedule.AfterSuccess(now, options.Value, response.MaxAge, response.RetryAfter),
            },
            cancellationToken);
        LogFetched(logger, feed.Url, parsed.Items.Count, newArticles);
        return new PollFeedResult(feed.Id, feed.Url, PollOutcome.Fetched, newArticles, queued, null);
    }

    private async Task<(int New, List<ProcessArticleMessage> Queued)> StoreItemsAsync(
        FeedRecord feed, ParsedFeed parsed, bool requeueAll, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var newArticles = 0;
        var queued = new List<ProcessArticleMessage>();
        foreach (var item in parsed.Items)
        {
            var article = FeedItemMapper.ToArticle(feed, parsed, item, now);
            if (article is null)
            {
                continue;
            }

            var inserted = await articles.AddArticleAsync(article, cancellationToken);
            if (inserted.Outcome == ArticleInsertOutcome.Inserted)
            {
                newArticles++;
            }

            if (inserted.Outcome == ArticleInsertOutcome.Inserted || requeueAll)
            {
                queued.Add(new ProcessArticleMessage(inserted.ArticleId));
            }
        }

        return (newArticles, queued);
    }

    private async Task<FetchResult> FetchAsync(FeedRecord feed, bool conditional, CancellationToken cancellationToken)
    {
        var url = new Uri(feed.Url);
        if (url.IsFile)
        {
            return await ReadFileAsync(url, cancellationToken);
        }

        var validators = conditional ? new FetchValidators(feed.ETag, feed.LastModified) : new FetchValidators(null, null);
        return await http.FetchAsync(url, validators, accept: FeedAccept, cancellationToken: cancellationToken);
    }

    /// <summary>Feeds listed in the CLI's own configuration may be local files (samples, tests); nothing else may.</summary>
    private async Task<FetchResult> ReadFileAsync(Uri url, CancellationToken cancellationToken)
    {
        if (!options.Value.AllowFileFeeds)
        {
            throw new FetchException($"fetcher: file: feeds are only read by the CLI from its own configuration, refused {url}") { Failure = FetchFailure.UnsupportedScheme };
        }

        var file = new FileInfo(url.LocalPath);
        if (!file.Exists)
        {
            throw new FetchException($"fetcher: file not found: {file.FullName}") { Failure = FetchFailure.Other };
        }

        if (file.Length > fetchOptions.Value.MaxBytes)
        {
            throw new FetchException($"fetcher: {file.FullName} is {file.Length} bytes, over the {fetchOptions.Value.MaxBytes}-byte limit") { Failure = FetchFailure.TooLarge };
        }

        return new FetchResult
        {
            RequestedUrl = url,
            FinalUrl = url,
            StatusCode = 200,
            Body = await File.ReadAllBytesAsync(file.FullName, cancellationToken),
        };
    }

    private static string? ContentType(FetchResult response) =>
        response.MediaType is null ? null
        : response.Charset is null ? response.MediaType
        : $"{response.MediaType}; charset={response.Charset}";

    private static FeedRecord Healthy(FeedRecord feed, DateTimeOffset now) =>
        feed with { LastCheckedAt = now, ConsecutiveErrors = 0, ConsecutiveParseFailures = 0, LastError = null };

    private async Task<PollFeedResult> RecordErrorAsync(FeedRecord feed, string error, TimeSpan? retryAfter, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var errors = feed.ConsecutiveErrors + 1;
        await feeds.UpdateFeedAsync(
            feed with
            {
                LastCheckedAt = now,
                ConsecutiveErrors = errors,
                LastError = error,
                NextCheckAt = FeedSchedule.AfterError(now, options.Value, errors, retryAfter),
            },
            cancellationToken);
        LogFailed(logger, feed.Url, errors, error);
        return new PollFeedResult(feed.Id, feed.Url, PollOutcome.Failed, 0, [], error);
    }

    private async Task<PollFeedResult> RecordParseFailureAsync(FeedRecord feed, string error, CancellationToken cancellationToken)
    {
        var failures = feed.ConsecutiveParseFailures + 1;
        if (failures >= options.Value.ParkAfterParseFailures)
        {
            return await ParkAsync(feed with { ConsecutiveParseFailures = failures }, $"{failures} consecutive parse failures, last: {error}", cancellationToken);
        }

        return await RecordErrorAsync(feed with { ConsecutiveParseFailures = failures }, error, retryAfter: null, cancellationToken);
    }

    private async Task<PollFeedResult> ParkAsync(FeedRecord feed, string reason, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        await feeds.UpdateFeedAsync(
            feed with { LastCheckedAt = now, Parked = true, ParkedReason = reason, LastError = reason, ConsecutiveErrors = feed.ConsecutiveErrors + 1 },
            cancellationToken);
        LogParked(logger, feed.Url, reason);
        return new PollFeedResult(feed.Id, feed.Url, PollOutcome.Parked, 0, [], reason);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "poll: feed {FeedId} is gone or parked; nothing to do")]
    private static partial void LogSkipped(ILogger logger, long feedId);

    [LoggerMessage(Level = LogLevel.Information, Message = "poll: {Url} not modified")]
    private static partial void LogNotModified(ILogger logger, string url);

    [LoggerMessage(Level = LogLevel.Information, Message = "poll: {Url} gave {Items} items, {NewArticles} new")]
    private static partial void LogFetched(ILogger logger, string url, int items, int newArticles);

    [LoggerMessage(Level = LogLevel.Warning, Message = "poll: {Url} failed ({ConsecutiveErrors} in a row): {Error}")]
    private static partial void LogFailed(ILogger logger, string url, int consecutiveErrors, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "poll: parked {Url}: {Reason}")]
    private static partial void LogParked(ILogger logger, string url, string reason);
}
