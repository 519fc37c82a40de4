using System.Globalization;
using System.Numerics;
using Alerts.Core.Articles;
using Alerts.Pipeline.Storage;
using Azure.Data.Tables;

namespace Alerts.Azure;

/// <summary>
/// Articles in Azure tables.
/// <list type="bullet">
/// <item><c>articles</c>: partition "article", RowKey the inverted zero-padded id, so a partition query
/// returns the newest first. The text is split over properties Text0, Text1, ... (a string property holds
/// at most 32 K characters).</item>
/// <item><c>articlekeys</c>: the dedup index. PartitionKey "item-" + SHA-256 of (feed id, item id) or
/// "url-" + SHA-256 of the canonical URL, RowKey "key", the article id. Written with Insert, so the
/// service's 409 decides atomically which writer owns a key.</item>
/// <item><c>fingerprints</c>: the near-duplicate band index. PartitionKey "b{band}-{16-bit value in hex}",
/// RowKey the padded article id, the whole fingerprint as a property.</item>
/// </list>
/// An insert claims its keys, then writes its band rows, then the article. A crash between leaves claims
/// without an article; the next insert of the same article finds them and finishes the write under the
/// claimed id. Band rows of a missing article, or stale ones after a fingerprint change, are ignored
/// because every candidate is checked against the article's own fingerprint.
/// </summary>
public sealed class AzureArticleStore(AzureStoreTables tables) : IArticleStore
{
    /// <summary>The band lookup finds every fingerprint within this distance (pigeonhole: 4 bands, 3 differing bits).</summary>
    public const int MaxIndexedDistance = 3;

    private const string ArticlesTable = "articles";
    private const string KeysTable = "articlekeys";
    private const string BandsTable = "fingerprints";
    private const string Partition = "article";
    private const string KeyRow = "key";
    private const int MaxAttempts = 20;

    /// <summary>See <see cref="IArticleStore.AddArticleAsync"/>; the write order is described on the class.</summary>
    public async Task<ArticleInsertResult> AddArticleAsync(Article article, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(article);
        var keysTable = await tables.TableAsync(KeysTable, cancellationToken);
        var keys = DedupKeys(article);
        if (keys.Count == 0)
        {
            var id = await tables.NextIdAsync(ArticlesTable, cancellationToken);
            await WriteAsync(article with { Id = id }, cancellationToken);
            return new ArticleInsertResult(ArticleInsertOutcome.Inserted, id);
        }

        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            if (await FindOwnerAsync(keysTable, keys, keys.Count, cancellationToken) is { } found)
            {
                // Writers claim in key order, so a key found later may have been claimed after an earlier one
                // was read as free: read the earlier ones again, so the outcome is the one SQLite would give.
                var earlier = found.Index > 0 ? await FindOwnerAsync(keysTable, keys, found.Index, cancellationToken) : null;
                var (_, owner, outcome) = earlier ?? found;
                return await DuplicateOfAsync(article, keys, owner, outcome, cancellationToken);
            }

            var id = await tables.NextIdAsync(ArticlesTable, cancellationToken);
            if (await ClaimAsync(keysTable, keys, id, cancellationToken))
            {
                await WriteAsync(article with { Id = id }, cancellationToken);
                return new ArticleInsertResult(ArticleInsertOutcome.Inserted, id);
            }

            await AzureStoreTables.BackOffAsync(attempt, cancellationToken);
        }

        throw new AzureStorageException($"store: could not insert article {article.Url ?? article.FeedItemId} after {MaxAttempts} attempts (too much contention)");
    }

    public async Task<Article?> GetArticleAsync(long id, CancellationToken cancellationToken)
    {
        if (id < 0)
        {
            return null;
        }

        var table = await tables.TableAsync(ArticlesTable, cancellationToken);
        var entity = await table.GetAsync(Partition, AzureStoreTables.InvertedIdKey(id), cancellationToken);
        return entity is null ? null : FromEntity(entity);
    }

    /// <summary>
    /// Replaces the content fields; an unknown id is an error (articles are never deleted). New band rows
    /// are written before the article and the old ones deleted after it.
    /// </summary>
    public async Task UpdateArticleAsync(Article article, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(article);
        var current = await GetArticleAsync(article.Id, cancellationToken)
                      ?? throw new InvalidOperationException($"store: article {article.Id} does not exist");
        var updated = current with
        {
            Title = article.Title,
            Text = article.Text,
            Language = article.Language,
            Published = article.Published,
            Fingerprint = article.Fingerprint,
            CopyOf = article.CopyOf,
            HasFullText = article.HasFullText,
        };
        if (updated.Fingerprint != current.Fingerprint)
        {
            await WriteBandsAsync(updated.Id, updated.Fingerprint, cancellationToken);
        }

        var table = await tables.TableAsync(ArticlesTable, cancellationToken);
        var result = await table.UpdateAsync(ToEntity(updated), TableUpdateMode.Replace, cancellationToken);
        if (result.Outcome == TableWriteOutcome.NotFound)
        {
            throw new InvalidOperationException($"store: article {article.Id} does not exist");
        }

        if (updated.Fingerprint != current.Fingerprint && current.Fingerprint != 0)
        {
            var bands = await tables.TableAsync(BandsTable, cancellationToken);
            for (var band = 0; band < 4; band++)
            {
                if (Band(current.Fingerprint, band) != Band(updated.Fingerprint, band))
                {
                    await bands.DeleteAsync(BandPartition(current.Fingerprint, band), AzureStoreTables.IdKey(current.Id), default, cancellationToken);
                }
            }
        }
    }

    /// <summary>
    /// See <see cref="IArticleStore.FindNearDuplicatesAsync"/>: four partition queries of the band index, then
    /// point reads of the candidates within the distance. A fingerprint of 0 means "text not known yet" and
    /// matches nothing.
    /// </summary>
    public async Task<IReadOnlyList<Article>> FindNearDuplicatesAsync(ulong fingerprint, int maxDistance, long excludeId, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxDistance);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxDistance, MaxIndexedDistance);
        if (fingerprint == 0)
        {
            return [];
        }

        var bands = await tables.TableAsync(BandsTable, cancellationToken);
        var candidates = new SortedSet<long>();
        for (var band = 0; band < 4; band++)
        {
            await foreach (var row in bands.QueryAllAsync(TableClient.CreateQueryFilter($"PartitionKey eq {BandPartition(fingerprint, band)}"), cancellationToken))
            {
                var id = long.Parse(row.RowKey, NumberStyles.None, CultureInfo.InvariantCulture);
                if (id != excludeId && row.GetLong("Fingerprint") is { } stored && Distance(unchecked((ulong)stored), fingerprint) <= maxDistance)
                {
                    candidates.Add(id);
                }
            }
        }

        var articles = new List<Article>(candidates.Count);
        foreach (var id in candidates)
        {
            if (await GetArticleAsync(id, cancellationToken) is { } article && Distance(article.Fingerprint, fingerprint) <= maxDistance)
            {
                articles.Add(article);
            }
        }

        return articles;
    }

    /// <summary>A scan of the articles partition: slow for large stores, used only by status output.</summary>
    public async Task<long> CountArticlesAsync(CancellationToken cancellationToken)
    {
        var table = await tables.TableAsync(ArticlesTable, cancellationToken);
        long count = 0;
        await foreach (var _ in table.QueryAllAsync(TableClient.CreateQueryFilter($"PartitionKey eq {Partition}"), cancellationToken))
        {
            count++;
        }

        return count;
    }

    public async Task<IReadOnlyList<Article>> ListRecentArticlesAsync(int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        var table = await tables.TableAsync(ArticlesTable, cancellationToken);
        var articles = new List<Article>();
        string? continuation = null;
        while (articles.Count < limit)
        {
            var page = await table.QueryPageAsync(TableClient.CreateQueryFilter($"PartitionKey eq {Partition}"), Math.Min(limit - articles.Count, 1000), continuation, cancellationToken);
            articles.AddRange(page.Entities.Select(FromEntity));
            continuation = page.ContinuationToken;
            if (continuation is null)
            {
                break;
            }
        }

        return articles;
    }

    /// <summary>The 16-bit band <paramref name="band"/> (0 = lowest bits) of a fingerprint.</summary>
    public static int Band(ulong fingerprint, int band) => (int)((fingerprint >> (16 * band)) & 0xFFFF);

    private static int Distance(ulong a, ulong b) => BitOperations.PopCount(a ^ b);

    private static string BandPartition(ulong fingerprint, int band) =>
        "b" + band.ToString(CultureInfo.InvariantCulture) + "-" + Band(fingerprint, band).ToString("x4", CultureInfo.InvariantCulture);

    private static List<(string Key, ArticleInsertOutcome Outcome)> DedupKeys(Article article)
    {
        var keys = new List<(string, ArticleInsertOutcome)>(2);
        if (article.FeedId is { } feedId && article.FeedItemId is { } itemId)
        {
            keys.Add(("item-" + AzureStoreTables.HashKey(feedId.ToString(CultureInfo.InvariantCulture) + "\n" + itemId), ArticleInsertOutcome.DuplicateFeedItem));
        }

        if (article.Url is { } url)
        {
            keys.Add(("url-" + AzureStoreTables.HashKey(url), ArticleInsertOutcome.DuplicateUrl));
        }

        return keys;
    }

    /// <summary>The owner of the first of the first <paramref name="count"/> keys that has one (feed item first, then URL, as in SQLite).</summary>
    private static async Task<(int Index, long Owner, ArticleInsertOutcome Outcome)?> FindOwnerAsync(TableClient keysTable,
        List<(string Key, ArticleInsertOutcome Outcome)> keys, int count, CancellationToken cancellationToken)
    {
        for (var i = 0; i < count; i++)
        {
            if (await keysTable.GetAsync(keys[i].Key, KeyRow, cancellationToken) is { } row && row.GetLong("ArticleId") is { } owner)
            {
                return (i, owner, keys[i].Outcome);
            }
        }

        return null;
    }

    /// <summary>
    /// Claims every key for <paramref name="id"/>. True when all are now ours; false, with the claims made
    /// here released again, when another writer owns one of them.
    /// </summary>
    private static async Task<bool> ClaimAsync(TableClient keysTable, List<(string Key, ArticleInsertOutcome Outcome)> keys, long id, CancellationToken cancellationToken)
    {
        var made = new List<TableEntity>();
        foreach (var (key, _) in keys)
        {
            var claim = new TableEntity(key, KeyRow) { ["ArticleId"] = id };
            if ((await keysTable.InsertAsync(claim, cancellationToken)).Written)
            {
                made.Add(claim);
                continue;
            }

            if ((await keysTable.GetAsync(key, KeyRow, cancellationToken))?.GetLong("ArticleId") == id)
            {
                continue;
            }

            foreach (var own in made)
            {
                await keysTable.DeleteAsync(own.PartitionKey, KeyRow, own.ETag, cancellationToken);
            }

            return false;
        }

        return true;
    }

    /// <summary>
    /// The article duplicates <paramref name="owner"/>. When the owner's entity is missing (its writer is in
    /// flight or crashed after claiming), this copy finishes the write under the owner's id, provided the
    /// article's other keys are free or the owner's too; writing twice is harmless (Insert, 409 ignored).
    /// </summary>
    private async Task<ArticleInsertResult> DuplicateOfAsync(Article article, List<(string Key, ArticleInsertOutcome Outcome)> keys, long owner,
        ArticleInsertOutcome outcome, CancellationToken cancellationToken)
    {
        if (await GetArticleAsync(owner, cancellationToken) is null)
        {
            var keysTable = await tables.TableAsync(KeysTable, cancellationToken);
            if (await ClaimAsync(keysTable, keys, owner, cancellationToken))
            {
                await WriteAsync(article with { Id = owner }, cancellationToken);
            }
        }

        return new ArticleInsertResult(outcome, owner);
    }

    /// <summary>Band rows first, then the article with Insert (a 409 means a concurrent writer of the same article finished first).</summary>
    private async Task WriteAsync(Article article, CancellationToken cancellationToken)
    {
        await WriteBandsAsync(article.Id, article.Fingerprint, cancellationToken);
        var table = await tables.TableAsync(ArticlesTable, cancellationToken);
        await table.InsertAsync(ToEntity(article), cancellationToken);
    }

    private async Task WriteBandsAsync(long id, ulong fingerprint, CancellationToken cancellationToken)
    {
        if (fingerprint == 0)
        {
            return;
        }

        var bands = await tables.TableAsync(BandsTable, cancellationToken);
        for (var band = 0; band < 4; band++)
        {
            var row = new TableEntity(BandPartition(fingerprint, band), AzureStoreTables.IdKey(id)) { ["Fingerprint"] = unchecked((long)fingerprint) };
            await bands.UpsertAsync(row, TableUpdateMode.Replace, cancellationToken);
        }
    }

    private static TableEntity ToEntity(Article article)
    {
        var entity = new TableEntity(Partition, AzureStoreTables.InvertedIdKey(article.Id))
        {
            ["Id"] = article.Id,
            ["FeedId"] = article.FeedId,
            ["FeedItemId"] = article.FeedItemId,
            ["Url"] = article.Url,
            ["Title"] = article.Title,
            ["Outlet"] = article.Outlet,
            ["Published"] = article.Published,
            ["Language"] = article.Language,
            ["Fingerprint"] = unchecked((long)article.Fingerprint),
            ["CopyOf"] = article.CopyOf,
            ["HasFullText"] = article.HasFullText,
            ["FetchedAt"] = article.FetchedAt,
        };
        AzureStoreTables.SetLongText(entity, "Text", article.Text);
        return entity;
    }

    private static Article FromEntity(TableEntity entity)
    {
        var text = AzureStoreTables.GetLongText(entity, "Text");
        return new Article
        {
            Id = entity.GetLong("Id") ?? 0,
            FeedId = entity.GetLong("FeedId"),
            FeedItemId = entity.GetString("FeedItemId"),
            Url = entity.GetString("Url"),
            Title = entity.GetString("Title") ?? string.Empty,
            Outlet = entity.GetString("Outlet"),
            Published = entity.GetDateTimeOffset("Published"),
            Language = entity.GetString("Language"),
            Text = text,
            Fingerprint = unchecked((ulong)(entity.GetLong("Fingerprint") ?? 0)),
            CopyOf = entity.GetLong("CopyOf"),
            HasFullText = entity["HasFullText"] is true,
            FetchedAt = entity.GetDateTimeOffset("FetchedAt") ?? DateTimeOffset.MinValue,
        };
    }
}
