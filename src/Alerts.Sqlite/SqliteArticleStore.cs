using System.Numerics;
using Alerts.Core.Articles;
using Alerts.Pipeline.Storage;
using Microsoft.Data.Sqlite;

namespace Alerts.Sqlite;

/// <summary>
/// Articles in the articles table. Dedup is enforced by two partial unique indexes: (feed_id, feed_item_id)
/// and the canonical url. Near-duplicate lookup uses the four indexed 16-bit bands of the fingerprint.
/// </summary>
public sealed class SqliteArticleStore(SqliteDatabase database) : IArticleStore
{
    /// <summary>The band lookup finds every fingerprint within this distance (pigeonhole: 4 bands, 3 differing bits).</summary>
    public const int MaxIndexedDistance = 3;

    private const string Columns =
        "id, feed_id, feed_item_id, url, title, outlet, published, language, text, fingerprint, copy_of, has_full_text, fetched_at";

    public Task<ArticleInsertResult> AddArticleAsync(Article article, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(article);
        // One write transaction: the insert and the lookup of the row it collided with see the same state.
        return database.WithTransactionAsync(async (connection, transaction) =>
        {
            using (var insert = connection.Command("""
                INSERT INTO articles (feed_id, feed_item_id, url, title, outlet, published, language, text,
                                      fingerprint, fp_b0, fp_b1, fp_b2, fp_b3, copy_of, has_full_text, fetched_at)
                VALUES ($feedId, $feedItemId, $url, $title, $outlet, $published, $language, $text,
                        $fingerprint, $b0, $b1, $b2, $b3, $copyOf, $fullText, $fetchedAt)
                ON CONFLICT DO NOTHING
                RETURNING id;
                """, transaction))
            {
                insert.With("$feedId", article.FeedId).With("$feedItemId", article.FeedItemId).With("$url", article.Url)
                    .With("$outlet", article.Outlet).With("$fetchedAt", article.FetchedAt.ToUnixMs());
                AddContent(insert, article);
                var id = await insert.ExecuteScalarAsync(cancellationToken);
                if (id is long newId)
                {
                    return new ArticleInsertResult(ArticleInsertOutcome.Inserted, newId);
                }
            }

            if (article.FeedId is not null && article.FeedItemId is not null)
            {
                using var byItem = connection.Command("SELECT id FROM articles WHERE feed_id = $feedId AND feed_item_id = $feedItemId;", transaction)
                    .With("$feedId", article.FeedId).With("$feedItemId", article.FeedItemId);
                if (await byItem.ExecuteScalarAsync(cancellationToken) is long existing)
                {
                    return new ArticleInsertResult(ArticleInsertOutcome.DuplicateFeedItem, existing);
                }
            }

            if (article.Url is not null)
            {
                using var byUrl = connection.Command("SELECT id FROM articles WHERE url = $url;", transaction).With("$url", article.Url);
                if (await byUrl.ExecuteScalarAsync(cancellationToken) is long existing)
                {
                    return new ArticleInsertResult(ArticleInsertOutcome.DuplicateUrl, existing);
                }
            }

            throw new InvalidOperationException($"store: article insert for {article.Url ?? article.FeedItemId} was ignored but no duplicate was found");
        }, cancellationToken);
    }

    public Task<Article?> GetArticleAsync(long id, CancellationToken cancellationToken) =>
        database.WithConnectionAsync(connection => GetAsync(connection, id, cancellationToken), cancellationToken);

    /// <summary>Replaces the content fields; an unknown id is an error (articles are never deleted).</summary>
    public Task UpdateArticleAsync(Article article, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(article);
        return database.WithConnectionAsync(async connection =>
        {
            using var update = connection.Command("""
                UPDATE articles SET
                    title = $title, published = $published, language = $language, text = $text,
                    fingerprint = $fingerprint, fp_b0 = $b0, fp_b1 = $b1, fp_b2 = $b2, fp_b3 = $b3,
                    copy_of = $copyOf, has_full_text = $fullText
                WHERE id = $id;
                """).With("$id", article.Id);
            AddContent(update, article);
            if (await update.ExecuteNonQueryAsync(cancellationToken) == 0)
            {
                throw new InvalidOperationException($"store: article {article.Id} does not exist");
            }
        }, cancellationToken);
    }

    /// <summary>
    /// See <see cref="IArticleStore.FindNearDuplicatesAsync"/>. A fingerprint of 0 means "text not known yet"
    /// and matches nothing; such articles have no bands stored either.
    /// </summary>
    public Task<IReadOnlyList<Article>> FindNearDuplicatesAsync(ulong fingerprint, int maxDistance, long excludeId, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxDistance);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxDistance, MaxIndexedDistance);
        if (fingerprint == 0)
        {
            return Task.FromResult<IReadOnlyList<Article>>([]);
        }

        return database.WithConnectionAsync<IReadOnlyList<Article>>(async connection =>
        {
            // Candidates share at least one band; only ids and fingerprints are read until the distance is known.
            var matches = new List<long>();
            using (var candidates = connection.Command("""
                SELECT id, fingerprint FROM articles
                WHERE (fp_b0 = $b0 OR fp_b1 = $b1 OR fp_b2 = $b2 OR fp_b3 = $b3) AND id <> $exclude
                ORDER BY id;
                """).With("$exclude", excludeId))
            {
                AddBands(candidates, fingerprint);
                using var reader = await candidates.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                {
                    var candidate = unchecked((ulong)reader.GetInt64(1));
                    if (BitOperations.PopCount(candidate ^ fingerprint) <= maxDistance)
                    {
                        matches.Add(reader.GetInt64(0));
                    }
                }
            }

            var articles = new List<Article>(matches.Count);
            foreach (var id in matches)
            {
                if (await GetAsync(connection, id, cancellationToken) is { } article)
                {
                    articles.Add(article);
                }
            }

            return articles;
        }, cancellationToken);
    }

    public Task<long> CountArticlesAsync(CancellationToken cancellationToken) =>
        database.WithConnectionAsync(async connection =>
        {
            using var count = connection.Command("SELECT COUNT(*) FROM articles;");
            return (long)(await count.ExecuteScalarAsync(cancellationToken))!;
        }, cancellationToken);

    /// <summary>The 16-bit band <paramref name="band"/> (0 = lowest bits) of a fingerprint.</summary>
    public static int Band(ulong fingerprint, int band) => (int)((fingerprint >> (16 * band)) & 0xFFFF);

    public Task<IReadOnlyList<Article>> ListRecentArticlesAsync(int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        return database.WithConnectionAsync<IReadOnlyList<Article>>(async connection =>
        {
            using var command = connection.Command($"SELECT {Columns} FROM articles ORDER BY id DESC LIMIT $limit;").With("$limit", limit);
            using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var articles = new List<Article>();
            while (await reader.ReadAsync(cancellationToken))
            {
                articles.Add(ReadArticle(reader));
            }

            return articles;
        }, cancellationToken);
    }

    private static async Task<Article?> GetAsync(SqliteConnection connection, long id, CancellationToken cancellationToken)
    {
        using var command = connection.Command($"SELECT {Columns} FROM articles WHERE id = $id;").With("$id", id);
        using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadArticle(reader) : null;
    }

    private static Article ReadArticle(SqliteDataReader reader) =>
        new()
        {
            Id = reader.GetInt64(0),
            FeedId = reader.GetNullableInt64(1),
            FeedItemId = reader.GetNullableString(2),
            Url = reader.GetNullableString(3),
            Title = reader.GetString(4),
            Outlet = reader.GetNullableString(5),
            Published = reader.GetNullableTime(6),
            Language = reader.GetNullableString(7),
            Text = reader.GetString(8),
            Fingerprint = unchecked((ulong)reader.GetInt64(9)),
            CopyOf = reader.GetNullableInt64(10),
            HasFullText = reader.GetBoolean(11),
            FetchedAt = reader.GetTime(12),
        };

    /// <summary>The content parameters shared by insert and update.</summary>
    private static void AddContent(SqliteCommand command, Article article)
    {
        command.With("$title", article.Title).With("$published", article.Published.ToUnixMs())
            .With("$language", article.Language).With("$text", article.Text)
            .With("$fingerprint", unchecked((long)article.Fingerprint))
            .With("$copyOf", article.CopyOf).With("$fullText", article.HasFullText);
        AddBands(command, article.Fingerprint);
    }

    private static void AddBands(SqliteCommand command, ulong fingerprint)
    {
        for (var band = 0; band < 4; band++)
        {
            command.With($"$b{band}", fingerprint == 0 ? null : Band(fingerprint, band));
        }
    }
}
