using Alerts.Pipeline.Storage;
using Azure.Data.Tables;

namespace Alerts.Azure;

/// <summary>
/// Feeds in Azure tables: <c>feeds</c> (partition "feed", RowKey the zero-padded id, so a partition query
/// lists them by id) and the unique-URL index <c>feedurls</c> (PartitionKey the URL's SHA-256, RowKey "url",
/// the feed id). Ids come from the "feeds" counter. A feed's URL is claimed in the index with Insert before
/// its entity is written, so two concurrent adds of one URL give one feed. Every write order below leaves,
/// after a crash, at most an index row whose feed is missing or has another URL; the next add of that URL
/// repairs it.
/// </summary>
public sealed class AzureFeedStore(AzureStoreTables tables) : IFeedStore
{
    private const string FeedsTable = "feeds";
    private const string UrlsTable = "feedurls";
    private const string Partition = "feed";
    private const string UrlRow = "url";
    private const int MaxAttempts = 50;

    public async Task<FeedRecord> AddFeedAsync(string url, string? title, DateTimeOffset nextCheckAt, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(url);
        var feeds = await tables.TableAsync(FeedsTable, cancellationToken);
        var urls = await tables.TableAsync(UrlsTable, cancellationToken);
        var urlKey = AzureStoreTables.HashKey(url);
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var index = await urls.GetAsync(urlKey, UrlRow, cancellationToken);
            if (index is null)
            {
                var id = await tables.NextIdAsync(FeedsTable, cancellationToken);
                var claim = new TableEntity(urlKey, UrlRow) { ["FeedId"] = id, ["Url"] = url };
                if (!(await urls.InsertAsync(claim, cancellationToken)).Written)
                {
                    continue;
                }

                var created = new FeedRecord { Id = id, Url = url, Title = title, NextCheckAt = nextCheckAt };
                if ((await feeds.InsertAsync(ToEntity(created), cancellationToken)).Written)
                {
                    return created;
                }

                continue;
            }

            var feedId = index.GetLong("FeedId") ?? throw new InvalidOperationException($"store: feed url index row for {url} has no FeedId");
            var entity = await feeds.GetAsync(Partition, AzureStoreTables.IdKey(feedId), cancellationToken);
            if (entity is null)
            {
                // Claimed but not written: an add in flight, or one that crashed. Writing it is the same add.
                var created = new FeedRecord { Id = feedId, Url = url, Title = title, NextCheckAt = nextCheckAt };
                if ((await feeds.InsertAsync(ToEntity(created), cancellationToken)).Written)
                {
                    return created;
                }

                continue;
            }

            var existing = FromEntity(entity);
            if (!string.Equals(existing.Url, url, StringComparison.Ordinal))
            {
                // Left behind by an interrupted URL change or removal: the URL is free again.
                await urls.DeleteAsync(urlKey, UrlRow, index.ETag, cancellationToken);
                continue;
            }

            // Re-adding keeps the feed's state, except that a parked feed starts afresh (as in SQLite).
            var readded = existing with
            {
                Title = existing.Title ?? title,
                NextCheckAt = existing.Parked ? nextCheckAt : existing.NextCheckAt,
                ConsecutiveErrors = existing.Parked ? 0 : existing.ConsecutiveErrors,
                ConsecutiveParseFailures = existing.Parked ? 0 : existing.ConsecutiveParseFailures,
                Parked = false,
                ParkedReason = null,
            };
            if (readded == existing)
            {
                return existing;
            }

            var update = ToEntity(readded);
            update.ETag = entity.ETag;
            if ((await feeds.UpdateAsync(update, TableUpdateMode.Replace, cancellationToken)).Written)
            {
                return readded;
            }

            await AzureStoreTables.BackOffAsync(attempt, cancellationToken);
        }

        throw new AzureStorageException($"store: could not add feed {url} after {MaxAttempts} attempts (too much contention)");
    }

    public async Task<FeedRecord?> GetFeedAsync(long id, CancellationToken cancellationToken)
    {
        var feeds = await tables.TableAsync(FeedsTable, cancellationToken);
        var entity = id < 0 ? null : await feeds.GetAsync(Partition, AzureStoreTables.IdKey(id), cancellationToken);
        return entity is null ? null : FromEntity(entity);
    }

    public Task<IReadOnlyList<FeedRecord>> ListFeedsAsync(CancellationToken cancellationToken) =>
        QueryAsync(TableClient.CreateQueryFilter($"PartitionKey eq {Partition}"), cancellationToken);

    /// <summary>
    /// A filtered scan of the feeds partition (feed counts are small: hundreds, not millions), sorted here
    /// by next check time and id, as the service returns entities in key order only.
    /// </summary>
    public async Task<IReadOnlyList<FeedRecord>> ListDueFeedsAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {Partition} and Parked eq {false} and NextCheckAt le {now}");
        var due = await QueryAsync(filter, cancellationToken);
        return due.OrderBy(f => f.NextCheckAt).ThenBy(f => f.Id).Take(limit).ToList();
    }

    /// <summary>
    /// Writes every field but the id; a feed removed meanwhile is not an error (as in SQLite). A new URL is
    /// claimed in the index before the feed changes and the old claim released after, so a crash leaves an
    /// extra claim that the next add of that URL clears. A URL another feed has is an error.
    /// </summary>
    public async Task UpdateFeedAsync(FeedRecord feed, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(feed);
        var feeds = await tables.TableAsync(FeedsTable, cancellationToken);
        var urls = await tables.TableAsync(UrlsTable, cancellationToken);
        var current = await GetFeedAsync(feed.Id, cancellationToken);
        if (current is null)
        {
            return;
        }

        var urlChanged = !string.Equals(current.Url, feed.Url, StringComparison.Ordinal);
        if (urlChanged)
        {
            await ClaimUrlAsync(urls, feed, cancellationToken);
        }

        var result = await feeds.UpdateAsync(ToEntity(feed), TableUpdateMode.Replace, cancellationToken);
        if (result.Written && urlChanged)
        {
            await ReleaseUrlAsync(urls, current.Url, feed.Id, cancellationToken);
        }
    }

    /// <summary>
    /// Replaces the entity with only the group changed, at the ETag it was read at, so a concurrent write is not
    /// undone; retried on a conflict. (A poll's <see cref="UpdateFeedAsync"/> writes back the group it read, so a
    /// group set while that feed's poll is in flight can be lost: groups are set just after a feed is added.)
    /// </summary>
    public async Task<bool> SetFeedGroupAsync(long id, string? group, CancellationToken cancellationToken)
    {
        var feeds = await tables.TableAsync(FeedsTable, cancellationToken);
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var entity = id < 0 ? null : await feeds.GetAsync(Partition, AzureStoreTables.IdKey(id), cancellationToken);
            if (entity is null)
            {
                return false;
            }

            var update = ToEntity(FromEntity(entity) with { Group = group });
            update.ETag = entity.ETag;
            if ((await feeds.UpdateAsync(update, TableUpdateMode.Replace, cancellationToken)).Written)
            {
                return true;
            }

            await AzureStoreTables.BackOffAsync(attempt, cancellationToken);
        }

        throw new AzureStorageException($"store: could not set the group of feed {id} after {MaxAttempts} attempts (too much contention)");
    }

    /// <summary>Deletes the feed, then its index row (a crash in between leaves a claim the next add repairs). Its articles stay.</summary>
    public async Task<bool> RemoveFeedAsync(string url, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(url);
        var feeds = await tables.TableAsync(FeedsTable, cancellationToken);
        var urls = await tables.TableAsync(UrlsTable, cancellationToken);
        var index = await urls.GetAsync(AzureStoreTables.HashKey(url), UrlRow, cancellationToken);
        if (index?.GetLong("FeedId") is not { } id)
        {
            return false;
        }

        var feed = await GetFeedAsync(id, cancellationToken);
        var removed = false;
        if (feed is not null && string.Equals(feed.Url, url, StringComparison.Ordinal))
        {
            removed = (await feeds.DeleteAsync(Partition, AzureStoreTables.IdKey(id), default, cancellationToken)).Written;
        }

        await urls.DeleteAsync(index.PartitionKey, UrlRow, index.ETag, cancellationToken);
        return removed;
    }

    private async Task ClaimUrlAsync(TableClient urls, FeedRecord feed, CancellationToken cancellationToken)
    {
        var key = AzureStoreTables.HashKey(feed.Url);
        var claim = new TableEntity(key, UrlRow) { ["FeedId"] = feed.Id, ["Url"] = feed.Url };
        if ((await urls.InsertAsync(claim, cancellationToken)).Written)
        {
            return;
        }

        var index = await urls.GetAsync(key, UrlRow, cancellationToken);
        if (index?.GetLong("FeedId") is { } owner && owner != feed.Id && await GetFeedAsync(owner, cancellationToken) is { } other &&
            string.Equals(other.Url, feed.Url, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"store: feed {other.Id} already has the url {feed.Url}");
        }

        await urls.UpsertAsync(claim, TableUpdateMode.Replace, cancellationToken);
    }

    private static async Task ReleaseUrlAsync(TableClient urls, string url, long feedId, CancellationToken cancellationToken)
    {
        var key = AzureStoreTables.HashKey(url);
        var index = await urls.GetAsync(key, UrlRow, cancellationToken);
        if (index?.GetLong("FeedId") == feedId)
        {
            await urls.DeleteAsync(key, UrlRow, index.ETag, cancellationToken);
        }
    }

    private async Task<IReadOnlyList<FeedRecord>> QueryAsync(string filter, CancellationToken cancellationToken)
    {
        var feeds = await tables.TableAsync(FeedsTable, cancellationToken);
        var result = new List<FeedRecord>();
        await foreach (var entity in feeds.QueryAllAsync(filter, cancellationToken))
        {
            result.Add(FromEntity(entity));
        }

        return result;
    }

    // The HTTP validator is stored as "HttpETag": "ETag" would read like the entity's own version.
    private static TableEntity ToEntity(FeedRecord feed) => new(Partition, AzureStoreTables.IdKey(feed.Id))
    {
        ["Id"] = feed.Id,
        ["Url"] = feed.Url,
        ["Title"] = feed.Title,
        ["HttpETag"] = feed.ETag,
        ["LastModified"] = feed.LastModified,
        ["NextCheckAt"] = feed.NextCheckAt,
        ["LastCheckedAt"] = feed.LastCheckedAt,
        ["ConsecutiveErrors"] = feed.ConsecutiveErrors,
        ["ConsecutiveParseFailures"] = feed.ConsecutiveParseFailures,
        ["LastError"] = feed.LastError,
        ["Parked"] = feed.Parked,
        ["ParkedReason"] = feed.ParkedReason,
        ["Group"] = feed.Group,
    };

    private static FeedRecord FromEntity(TableEntity entity) => new()
    {
        Id = entity.GetLong("Id") ?? 0,
        Url = entity.GetString("Url") ?? string.Empty,
        Title = entity.GetString("Title"),
        ETag = entity.GetString("HttpETag"),
        LastModified = entity.GetString("LastModified"),
        NextCheckAt = entity.GetDateTimeOffset("NextCheckAt") ?? DateTimeOffset.MinValue,
        LastCheckedAt = entity.GetDateTimeOffset("LastCheckedAt"),
        ConsecutiveErrors = (int)(entity.GetLong("ConsecutiveErrors") ?? 0),
        ConsecutiveParseFailures = (int)(entity.GetLong("ConsecutiveParseFailures") ?? 0),
        LastError = entity.GetString("LastError"),
        Parked = entity["Parked"] is true,
        ParkedReason = entity.GetString("ParkedReason"),
        Group = entity.GetString("Group"),
    };
}
