using Alerts.Pipeline.Storage;

namespace Alerts.Pipeline.Feeds;

/// <summary>Adding, listing and removing feeds: what <c>alerts feeds</c> and the admin API call.</summary>
public sealed class ManageFeeds(IFeedStore feeds, TimeProvider clock)
{
    /// <summary>
    /// Adds a feed (idempotent by URL; re-adding a parked feed un-parks it). Only http(s) URLs are accepted,
    /// and <c>file:</c> URLs when <paramref name="allowFile"/> is set (the CLI, for its own configuration).
    /// </summary>
    /// <exception cref="ArgumentException">The URL is not absolute or has a scheme that is not allowed.</exception>
    public async Task<FeedRecord> AddAsync(string url, string? title, bool allowFile, CancellationToken cancellationToken)
    {
        var normalized = NormalizeUrl(url, allowFile);
        return await feeds.AddFeedAsync(normalized, title, clock.GetUtcNow(), cancellationToken);
    }

    public Task<IReadOnlyList<FeedRecord>> ListAsync(CancellationToken cancellationToken) => feeds.ListFeedsAsync(cancellationToken);

    public Task<bool> RemoveAsync(string url, bool allowFile, CancellationToken cancellationToken) =>
        feeds.RemoveFeedAsync(NormalizeUrl(url, allowFile), cancellationToken);

    /// <summary>An absolute http(s) URL as given, or a file path or file: URL made absolute.</summary>
    public static string NormalizeUrl(string url, bool allowFile, string? baseDirectory = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(url);
        url = url.Trim();
        if (Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https")
        {
            if (!string.IsNullOrEmpty(uri.UserInfo))
            {
                throw new ArgumentException($"feeds: credentials in feed URLs are not supported: {uri.Scheme}://…@{uri.Host}");
            }

            return uri.AbsoluteUri;
        }

        // Rooted paths parse as file: URIs; anything else with a scheme (ftp:, javascript:) is refused.
        var isFile = uri is null ? !url.Contains(':', StringComparison.Ordinal) : uri.IsFile;
        if (!isFile)
        {
            throw new ArgumentException($"feeds: only http and https feed URLs are supported, not {url}");
        }

        if (!allowFile)
        {
            throw new ArgumentException($"feeds: local files are accepted only from the CLI's own configuration, not {url}");
        }

        var path = uri?.LocalPath ?? url;
        var full = Path.GetFullPath(path, baseDirectory ?? Directory.GetCurrentDirectory());
        return new Uri(full).AbsoluteUri;
    }
}
