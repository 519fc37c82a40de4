using Alerts.Core.Articles;
using Alerts.Core.Claims;
using Alerts.Core.Topics;
using Alerts.Pipeline.Claims;
using Alerts.Pipeline.Fetching;
using Alerts.Pipeline.Messages;
using Alerts.Pipeline.Queues;
using Alerts.Pipeline.Storage;
using Alerts.Pipeline.Topics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Alerts.Pipeline.Articles;

/// <summary>What processing one article did.</summary>
public sealed record ProcessArticleResult(long ArticleId, bool Found, bool FetchedPage, long? CopyOf, IReadOnlyList<TopicMatch> Matches, IReadOnlyList<TopicEvent> Events)
{
    /// <summary>Why the article page could not be used and the feed's summary was kept ("HTTP 404", "not HTML", "fetch failed"); null when it was not needed or worked.</summary>
    public string? PageProblem { get; init; }
}

/// <summary>
/// The <c>ProcessArticle</c> function: completes an article whose feed gave only a summary (fetching and
/// extracting its page), fingerprints the text, records a syndicated copy as a copy of the first, and
/// matches the article against every topic, and records the claims it makes in each matched topic
/// (see <see cref="RecordTopicClaims"/>). Idempotent: running it again on a processed article changes nothing.
/// </summary>
public sealed partial class ProcessArticle(
    IArticleStore articles,
    ITopicStore topics,
    TopicMatcher matcher,
    RecordTopicClaims recordClaims,
    GuardedHttpClient http,
    TimeProvider clock,
    IOptions<ArticleOptions> options,
    ILogger<ProcessArticle> logger)
{
    private const string PageAccept = "text/html, application/xhtml+xml;q=0.9, */*;q=0.5";

    public async Task<ProcessArticleResult> RunAsync(ProcessArticleMessage message, int dequeueCount, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var article = await articles.GetArticleAsync(message.ArticleId, cancellationToken);
        if (article is null)
        {
            LogNotFound(logger, message.ArticleId);
            return new ProcessArticleResult(message.ArticleId, Found: false, FetchedPage: false, CopyOf: null, Matches: [], Events: []);
        }

        var fetched = false;
        string? pageProblem = null;
        if (!article.HasFullText && options.Value.FetchPages && IsWebUrl(article.Url))
        {
            (article, fetched, pageProblem) = await CompleteFromPageAsync(article, lastAttempt: dequeueCount >= QueueNames.MaxDequeueCount, cancellationToken);
        }

        var fingerprint = SimHash.Compute(article.Title + "\n" + article.Text);
        var copyOf = article.CopyOf;
        if (copyOf is null)
        {
            var near = await articles.FindNearDuplicatesAsync(fingerprint, options.Value.CopyDistance, article.Id, cancellationToken);
            copyOf = near.Where(n => n.Id < article.Id).Select(n => (long?)(n.CopyOf ?? n.Id)).FirstOrDefault();
        }

        if (fingerprint != article.Fingerprint || copyOf != article.CopyOf || fetched)
        {
            await articles.UpdateArticleAsync(article with { Fingerprint = fingerprint, CopyOf = copyOf }, cancellationToken);
        }

        if (copyOf is not null)
        {
            LogCopy(logger, article.Id, copyOf.Value);
        }

        var matches = await matcher.MatchAsync(article, cancellationToken);
        var now = clock.GetUtcNow();
        await topics.RecordMatchesAsync(matches.Select(m => new TopicMatchRecord(article.Id, m.TopicId, m.MatchedClauses, now)).ToList(), cancellationToken);
        var events = await recordClaims.RunAsync(article with { Fingerprint = fingerprint, CopyOf = copyOf }, matches, cancellationToken);
        return new ProcessArticleResult(article.Id, Found: true, fetched, copyOf, matches, events) { PageProblem = pageProblem };
    }

    /// <summary>
    /// A server error or network failure is thrown so the queue retries; on the last attempt, and for
    /// answers that retrying cannot change (404, 403, not HTML), the article keeps the feed's summary.
    /// </summary>
    private async Task<(Article Article, bool Fetched, string? Problem)> CompleteFromPageAsync(Article article, bool lastAttempt, CancellationToken cancellationToken)
    {
        FetchResult page;
        try
        {
            page = await http.FetchAsync(new Uri(article.Url!), validators: null, accept: PageAccept, cancellationToken: cancellationToken);
        }
        catch (FetchException ex) when (lastAttempt || ex.Failure is FetchFailure.BlockedAddress or FetchFailure.UnsupportedScheme or FetchFailure.TooLarge)
        {
            LogKeptSummary(logger, article.Id, ex.Message);
            return (article, false, "fetch failed");
        }

        if (page.StatusCode >= 500 && !lastAttempt)
        {
            throw new FetchException($"fetcher: HTTP {page.StatusCode} from {page.FinalUrl}") { Failure = FetchFailure.Network };
        }

        if (!page.IsSuccess || page.MediaType is not ("text/html" or "application/xhtml+xml" or null))
        {
            LogKeptSummaryHttp(logger, article.Id, page.StatusCode, page.MediaType, page.FinalUrl);
            return (article, false, page.IsSuccess ? "not HTML" : $"HTTP {page.StatusCode}");
        }

        var html = HtmlText.Decode(page.Body, page.Charset);
        var extracted = ArticleExtractor.Extract(html, page.FinalUrl);
        if (extracted.Text.Length <= article.Text.Length)
        {
            return (article, false, null);
        }

        return (article with
        {
            Text = extracted.Text,
            HasFullText = true,
            Language = article.Language ?? extracted.Lang,
            Published = article.Published ?? extracted.Published,
        }, true, null);
    }

    private static bool IsWebUrl(string? url) =>
        url is not null && (url.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || url.StartsWith("https://", StringComparison.OrdinalIgnoreCase));

    [LoggerMessage(Level = LogLevel.Warning, Message = "articles: article {ArticleId} not found; nothing to do")]
    private static partial void LogNotFound(ILogger logger, long articleId);

    [LoggerMessage(Level = LogLevel.Information, Message = "articles: {ArticleId} is a syndicated copy of {CopyOf}")]
    private static partial void LogCopy(ILogger logger, long articleId, long copyOf);

    [LoggerMessage(Level = LogLevel.Warning, Message = "articles: keeping the feed summary of {ArticleId}: {Error}")]
    private static partial void LogKeptSummary(ILogger logger, long articleId, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "articles: keeping the feed summary of {ArticleId}: HTTP {StatusCode} {MediaType} from {Url}")]
    private static partial void LogKeptSummaryHttp(ILogger logger, long articleId, int statusCode, string? mediaType, Uri url);
}
