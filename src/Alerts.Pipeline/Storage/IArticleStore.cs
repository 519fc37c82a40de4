using Alerts.Core.Articles;

namespace Alerts.Pipeline.Storage;

/// <summary>How an insert went: a new row, or the existing row it duplicates and why.</summary>
public enum ArticleInsertOutcome
{
    Inserted,
    DuplicateFeedItem,
    DuplicateUrl,
}

public sealed record ArticleInsertResult(ArticleInsertOutcome Outcome, long ArticleId);

/// <summary>Stored articles. Implemented by the SQLite store and the Azure Table store.</summary>
public interface IArticleStore
{
    /// <summary>
    /// Inserts the article unless one with the same (feed, feed item id) or the same canonical URL exists;
    /// then returns that one's id with the matching outcome. Atomic: two concurrent inserts of the same
    /// article give one row.
    /// </summary>
    Task<ArticleInsertResult> AddArticleAsync(Article article, CancellationToken cancellationToken);

    Task<Article?> GetArticleAsync(long id, CancellationToken cancellationToken);

    /// <summary>Replaces text, title, language, published, fingerprint, copy-of and full-text flag of the article (matched by id).</summary>
    Task UpdateArticleAsync(Article article, CancellationToken cancellationToken);

    /// <summary>
    /// Articles other than <paramref name="excludeId"/> whose fingerprint is within Hamming distance
    /// <paramref name="maxDistance"/> (at most 3) of <paramref name="fingerprint"/>, oldest first. Indexed: the
    /// 64 bits are split into four 16-bit bands, and any fingerprint within distance 3 shares at least one band.
    /// </summary>
    Task<IReadOnlyList<Article>> FindNearDuplicatesAsync(ulong fingerprint, int maxDistance, long excludeId, CancellationToken cancellationToken);

    Task<long> CountArticlesAsync(CancellationToken cancellationToken);

    /// <summary>The most recently stored articles, newest first (for trying out a topic query).</summary>
    Task<IReadOnlyList<Article>> ListRecentArticlesAsync(int limit, CancellationToken cancellationToken);
}
