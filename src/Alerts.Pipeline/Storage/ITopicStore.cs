using Alerts.Core.Topics;

namespace Alerts.Pipeline.Storage;

/// <summary>A named alias group, <c>@name = member | member</c>, usable in every topic's query.</summary>
public sealed record AliasDefinition(string Name, string Members);

/// <summary>A stored match of one article against one topic, with the clauses that matched (the digest's "why").</summary>
public sealed record TopicMatchRecord(long ArticleId, string TopicId, IReadOnlyList<string> MatchedClauses, DateTimeOffset MatchedAt);

/// <summary>Topics, alias groups and the matches of articles to topics. Implemented by the SQLite store and the Azure Table store.</summary>
public interface ITopicStore
{
    /// <summary>Inserts the topic or replaces the one with the same id.</summary>
    Task UpsertTopicAsync(Topic topic, CancellationToken cancellationToken);

    Task<Topic?> GetTopicAsync(string id, CancellationToken cancellationToken);

    Task<IReadOnlyList<Topic>> ListTopicsAsync(CancellationToken cancellationToken);

    /// <summary>False when there was no such topic.</summary>
    Task<bool> RemoveTopicAsync(string id, CancellationToken cancellationToken);

    Task UpsertAliasAsync(AliasDefinition definition, CancellationToken cancellationToken);

    Task<bool> RemoveAliasAsync(string name, CancellationToken cancellationToken);

    Task<IReadOnlyList<AliasDefinition>> ListAliasesAsync(CancellationToken cancellationToken);

    /// <summary>
    /// A number that changes whenever a topic or alias is added, changed or removed, so a cached matcher
    /// knows to rebuild without a restart.
    /// </summary>
    Task<long> GetTopicsVersionAsync(CancellationToken cancellationToken);

    /// <summary>Records the article's matches; recording the same (article, topic) again changes nothing.</summary>
    Task RecordMatchesAsync(IReadOnlyList<TopicMatchRecord> matches, CancellationToken cancellationToken);

    Task<IReadOnlyList<TopicMatchRecord>> ListMatchesForArticleAsync(long articleId, CancellationToken cancellationToken);
}
