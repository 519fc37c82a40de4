using System.Globalization;
using Alerts.Core.Feeds;
using Alerts.Pipeline.Articles;
using Alerts.Pipeline.Fetching;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Alerts.Pipeline.Feeds;

/// <summary>A feed discovery verified by fetching and parsing it: its URL, format (rss20, atom10, json11 ...) and title.</summary>
public sealed record DiscoveredFeed(Uri Url, string Format, string? Title);

/// <summary>The feeds found for an address; <see cref="IsFeedItself"/> when the address answered with a feed.</summary>
public sealed record DiscoveryResult(Uri Address, IReadOnlyList<DiscoveredFeed> Feeds, bool IsFeedItself);

/// <summary>Discovery found nothing usable at the address. The message starts with "discovery: ".</summary>
public class DiscoveryException : Exception
{
    public DiscoveryException()
        : base("discovery: no feed found")
    {
    }

    public DiscoveryException(string message)
        : base(message)
    {
    }

    public DiscoveryException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>Discovery ran out of <see cref="FetchOptions.DiscoveryTimeout"/> before it found a feed.</summary>
public sealed class DiscoveryTimeoutException : DiscoveryException
{
    public DiscoveryTimeoutException()
        : base("discovery: no feed found in time")
    {
    }

    public DiscoveryTimeoutException(string message)
        : base(message)
    {
    }

    public DiscoveryTimeoutException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// Finds the feed behind a web address, as readers do when given a site instead of a feed:
/// <list type="number">
/// <item>the address itself is fetched; when it answers with a feed our parser reads, that is the feed;</item>
/// <item>when it answers with an HTML page, the page's <c>&lt;link rel="alternate"&gt;</c> feeds (<see cref="HtmlFeedLinks"/>)
/// are fetched and parsed, and those that parse are the candidates;</item>
/// <item>when no link gives one, <see cref="CommonPaths"/> at the site's root are tried in order, and the first
/// that parses is the feed.</item>
/// </list>
/// Every request goes through <see cref="GuardedHttpClient"/> (private addresses refused, timeouts, size caps);
/// a refused or failing candidate is skipped and named in the error when nothing is found. Candidates that end at
/// the same URL after redirects count once. The whole search is held to <see cref="FetchOptions.DiscoveryTimeout"/>,
/// since each of its several fetches may take up to <see cref="FetchOptions.Timeout"/>.
/// </summary>
public sealed partial class FeedDiscovery(GuardedHttpClient http, IOptions<FetchOptions> options, TimeProvider clock, ILogger<FeedDiscovery> logger)
{
    /// <summary>Where sites commonly serve a feed that their pages do not announce.</summary>
    public static IReadOnlyList<string> CommonPaths { get; } = ["/feed", "/rss", "/atom.xml", "/feed.xml", "/rss.xml", "/index.xml", "/feed.json"];

    private const string PageAccept = GuardedHttpClient.FeedAccept + ", application/feed+json, text/html;q=0.7";

    /// <exception cref="FetchException">The address itself was refused by the guard or could not be fetched.</exception>
    /// <exception cref="DiscoveryException">The address answered with an error, or neither it nor its page led to a feed.</exception>
    /// <exception cref="DiscoveryTimeoutException">No feed was found within <see cref="FetchOptions.DiscoveryTimeout"/>.</exception>
    public async Task<DiscoveryResult> DiscoverAsync(Uri address, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(address);
        var limit = options.Value.DiscoveryTimeout;
        using var overall = new CancellationTokenSource(limit, clock);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, overall.Token);
        try
        {
            return await SearchAsync(address, linked.Token);
        }
        catch (Exception ex) when (overall.IsCancellationRequested && !cancellationToken.IsCancellationRequested && ex is OperationCanceledException or FetchException)
        {
            // The fetch under way is cut short (the fetcher reports the caller's cancellation as such); the answer is the overall limit.
            var seconds = string.Create(CultureInfo.InvariantCulture, $"{limit.TotalSeconds:0.###}");
            LogTimedOut(logger, address, seconds);
            throw new DiscoveryTimeoutException($"discovery: {address} gave no feed within {seconds} s (Fetch:DiscoveryTimeout)", ex);
        }
    }

    private async Task<DiscoveryResult> SearchAsync(Uri address, CancellationToken cancellationToken)
    {
        var page = await http.FetchAsync(address, validators: null, PageAccept, cancellationToken);
        if (!page.IsSuccess)
        {
            throw new DiscoveryException($"discovery: {page.StatusCode} from {address}");
        }

        var html = LooksLikeHtml(page);
        if (!html)
        {
            try
            {
                var feed = FeedParser.Parse(page.Body, Source(page));
                return new DiscoveryResult(address, [new DiscoveredFeed(address, feed.Format, feed.Title)], IsFeedItself: true);
            }
            catch (FeedParseException ex) when (!IsHtmlType(page.MediaType))
            {
                throw new DiscoveryException($"discovery: {address} is neither a feed nor a web page ({ex.Message})", ex);
            }
            catch (FeedParseException)
            {
                // Served as HTML and not a feed: read it as the page it says it is.
            }
        }

        var skipped = new List<string>();
        var found = new List<(DiscoveredFeed Feed, Uri FinalUrl)>();
        var links = HtmlFeedLinks.Find(HtmlText.Decode(page.Body, page.Charset), page.FinalUrl);
        foreach (var link in links)
        {
            if (await TryFeedAsync(link.Url, skipped, cancellationToken) is { } candidate && !found.Exists(f => f.FinalUrl == candidate.FinalUrl))
            {
                found.Add((candidate.Feed with { Title = link.Title ?? candidate.Feed.Title }, candidate.FinalUrl));
            }
        }

        if (found.Count == 0)
        {
            var root = new Uri(page.FinalUrl.GetLeftPart(UriPartial.Authority));
            foreach (var path in CommonPaths)
            {
                if (await TryFeedAsync(new Uri(root, path), skipped, cancellationToken) is { } candidate)
                {
                    found.Add(candidate);
                    break;
                }
            }
        }

        if (found.Count == 0)
        {
            var looked = links.Count == 0 ? "the page links to no feed" : $"none of the {links.Count} feeds the page links to could be read";
            var why = skipped.Count == 0 ? "" : "; skipped: " + string.Join("; ", skipped);
            throw new DiscoveryException($"discovery: no feed found at {address} ({looked}, and none of {string.Join(", ", CommonPaths)} answers with a feed){why}");
        }

        return new DiscoveryResult(address, found.Select(f => f.Feed).ToList(), IsFeedItself: false);
    }

    /// <summary>The candidate as a feed when it answers 2xx with something our parser reads; otherwise null, and why goes to <paramref name="skipped"/>.</summary>
    private async Task<(DiscoveredFeed Feed, Uri FinalUrl)?> TryFeedAsync(Uri url, List<string> skipped, CancellationToken cancellationToken)
    {
        try
        {
            var answer = await http.FetchAsync(url, validators: null, PageAccept, cancellationToken);
            if (!answer.IsSuccess)
            {
                LogCandidateStatus(logger, url, answer.StatusCode);
                return null;
            }

            var feed = FeedParser.Parse(answer.Body, Source(answer));
            return (new DiscoveredFeed(url, feed.Format, feed.Title), answer.FinalUrl);
        }
        catch (FetchException ex)
        {
            // A refusal by the guard is worth showing; a common path that does not exist is not.
            skipped.Add($"{url} ({ex.Message})");
            LogCandidate(logger, url, ex.Message);
            return null;
        }
        catch (FeedParseException ex)
        {
            LogCandidate(logger, url, ex.Message);
            return null;
        }
    }

    private static FeedSource Source(FetchResult answer) =>
        new(answer.FinalUrl, answer.MediaType is null ? null : answer.Charset is null ? answer.MediaType : $"{answer.MediaType}; charset={answer.Charset}");

    private static bool IsHtmlType(string? mediaType) => mediaType is "text/html" or "application/xhtml+xml";

    /// <summary>HTML by its first markup, whatever the server called it: "&lt;!doctype html" or "&lt;html".</summary>
    private static bool LooksLikeHtml(FetchResult page)
    {
        var head = HtmlText.Decode(page.Body.AsSpan(0, Math.Min(page.Body.Length, 1024)).ToArray(), page.Charset).AsSpan().TrimStart("\uFEFF \t\r\n");
        return head.StartsWith("<!doctype html", StringComparison.OrdinalIgnoreCase) || head.StartsWith("<html", StringComparison.OrdinalIgnoreCase);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "discovery: {Url} gave no feed within {Seconds} s")]
    private static partial void LogTimedOut(ILogger logger, Uri url, string seconds);

    [LoggerMessage(Level = LogLevel.Debug, Message = "discovery: {Url} answered {Status}")]
    private static partial void LogCandidateStatus(ILogger logger, Uri url, int status);

    [LoggerMessage(Level = LogLevel.Debug, Message = "discovery: {Url} is not a usable feed: {Reason}")]
    private static partial void LogCandidate(ILogger logger, Uri url, string reason);
}
