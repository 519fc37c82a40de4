using Alerts.Core.Feeds;
using Alerts.Pipeline.Storage;

namespace Alerts.Pipeline.Feeds;

/// <summary>Adding, listing and removing feeds: what <c>alerts feeds</c> and the admin API call.</summary>
public sealed class ManageFeeds(IFeedStore feeds, TimeProvider clock, FeedDiscovery discovery)
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

    /// <summary>Adds a feed as <see cref="AddAsync"/> does, then sets its group (null leaves an existing feed's group as it is).</summary>
    public async Task<FeedRecord> AddAsync(string url, string? title, string? group, bool allowFile, CancellationToken cancellationToken)
    {
        var feed = await AddAsync(url, title, allowFile, cancellationToken);
        group = string.IsNullOrWhiteSpace(group) ? null : group.Trim();
        if (group is null || group == feed.Group)
        {
            return feed;
        }

        await feeds.SetFeedGroupAsync(feed.Id, group, cancellationToken);
        return feed with { Group = group };
    }

    /// <summary>
    /// Adds a feed given a feed's or a web site's address: a URL already stored is re-added as it is (which
    /// un-parks it, without fetching it); otherwise <see cref="FeedDiscovery"/> looks at the address and the single
    /// feed found is added. When discovery finds several, nothing is added and they come back in the outcome.
    /// </summary>
    /// <exception cref="ArgumentException">The URL is not an absolute http(s) URL.</exception>
    /// <exception cref="Fetching.FetchException">The address was refused by the guard or could not be fetched.</exception>
    /// <exception cref="DiscoveryException">No feed was found at the address.</exception>
    public async Task<FeedAddOutcome> AddDiscoveringAsync(string url, string? title, string? group, CancellationToken cancellationToken)
    {
        var normalized = NormalizeUrl(url, allowFile: false);
        if ((await feeds.ListFeedsAsync(cancellationToken)).Any(f => f.Url == normalized))
        {
            return new FeedAddOutcome(await AddAsync(normalized, title, group, allowFile: false, cancellationToken), null);
        }

        var found = await discovery.DiscoverAsync(new Uri(normalized), cancellationToken);
        return found.Feeds.Count == 1
            ? new FeedAddOutcome(await AddAsync(found.Feeds[0].Url.AbsoluteUri, title, group, allowFile: false, cancellationToken), found)
            : new FeedAddOutcome(null, found);
    }

    /// <summary>
    /// Adds every feed of an OPML document that is not stored yet. A URL is checked as <see cref="AddAsync"/>
    /// checks it (http or https only, no credentials) and compared in its normalised form: one already stored,
    /// or met earlier in the file, is a duplicate and skipped. Nothing is fetched: the poller's guard applies
    /// when the feeds are polled. <paramref name="progress"/> hears (done, total) after each feed.
    /// </summary>
    public async Task<OpmlImportReport> ImportAsync(OpmlDocument document, IProgress<(int Done, int Total)>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(document);
        var known = (await feeds.ListFeedsAsync(cancellationToken)).Select(f => f.Url).ToHashSet(StringComparer.Ordinal);
        var inFile = new HashSet<string>(StringComparer.Ordinal);
        var added = new List<FeedRecord>();
        var duplicates = new List<OpmlSkipped>();
        var refused = document.Problems.Select(p => new OpmlSkipped("", p)).ToList();
        var done = 0;
        foreach (var entry in document.Feeds)
        {
            string url;
            try
            {
                url = NormalizeUrl(entry.XmlUrl, allowFile: false);
            }
            catch (ArgumentException ex)
            {
                refused.Add(new OpmlSkipped(entry.XmlUrl, ex.Message));
                progress?.Report((++done, document.Feeds.Count));
                continue;
            }

            if (!inFile.Add(url))
            {
                duplicates.Add(new OpmlSkipped(url, "twice in the file"));
            }
            else if (known.Contains(url))
            {
                duplicates.Add(new OpmlSkipped(url, "already stored"));
            }
            else
            {
                added.Add(await AddAsync(url, entry.Title, entry.Group, allowFile: false, cancellationToken));
            }

            progress?.Report((++done, document.Feeds.Count));
        }

        return new OpmlImportReport(added, duplicates, refused);
    }

    /// <summary>
    /// The stored http(s) feeds as an OPML 2.0 document (see <see cref="Opml.Write"/>). Local file feeds, which
    /// only this machine's configuration can name, are left out and counted.
    /// </summary>
    public async Task<(byte[] Opml, int FeedCount, int LeftOut)> ExportAsync(CancellationToken cancellationToken)
    {
        var all = await feeds.ListFeedsAsync(cancellationToken);
        var web = all.Where(f => f.Url.StartsWith("http://", StringComparison.Ordinal) || f.Url.StartsWith("https://", StringComparison.Ordinal)).ToList();
        var opml = Opml.Write(web.Select(f => new OpmlFeed(f.Url, f.Title, f.Group, HtmlUrl: null)), "Alerts feeds", clock.GetUtcNow());
        return (opml, web.Count, all.Count - web.Count);
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

/// <summary>The feed added (null when discovery found several), and what discovery found (null when the feed was already stored).</summary>
public sealed record FeedAddOutcome(FeedRecord? Added, DiscoveryResult? Discovery);

/// <summary>A feed of an OPML file that was not added: its URL (empty when it had none) and why.</summary>
public sealed record OpmlSkipped(string Url, string Reason);

/// <summary>What an OPML import did: the feeds added, the duplicates skipped, the entries refused with their reasons.</summary>
public sealed record OpmlImportReport(IReadOnlyList<FeedRecord> Added, IReadOnlyList<OpmlSkipped> Duplicates, IReadOnlyList<OpmlSkipped> Refused);
