using Alerts.Core.Articles;
using Alerts.Core.Topics;
using Alerts.Pipeline.Storage;

namespace Alerts.Pipeline.Topics;

/// <summary>How one article fared against a query in <c>alerts topics test</c>.</summary>
public sealed record TopicTestResult(string Article, bool Matched, IReadOnlyList<string> MatchedClauses);

/// <summary>
/// Creating, listing, removing and trying out topics and alias groups: what <c>alerts topics</c> and the
/// admin API call. Every write is validated by compiling, so a stored topic always compiles at match time.
/// </summary>
public sealed class ManageTopics(ITopicStore topics)
{
    /// <summary>Adds or replaces a topic. The id defaults to the name's slug.</summary>
    /// <exception cref="QueryParseException">The query does not parse; the message gives the position and the reason.</exception>
    /// <exception cref="ArgumentException">The name is empty or has nothing to make an id from.</exception>
    public async Task<Topic> AddAsync(Topic topic, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(topic);
        if (string.IsNullOrWhiteSpace(topic.Name))
        {
            throw new ArgumentException("topics: a topic needs a name");
        }

        var withId = string.IsNullOrWhiteSpace(topic.Id) ? topic with { Id = Topic.Slugify(topic.Name) } : topic with { Id = Topic.Slugify(topic.Id) };
        var aliases = TopicMatcher.ToAliasTable(await topics.ListAliasesAsync(cancellationToken));
        CompiledTopic.Compile(withId, aliases);
        await topics.UpsertTopicAsync(withId, cancellationToken);
        return withId;
    }

    public Task<IReadOnlyList<Topic>> ListAsync(CancellationToken cancellationToken) => topics.ListTopicsAsync(cancellationToken);

    public Task<bool> RemoveAsync(string id, CancellationToken cancellationToken) => topics.RemoveTopicAsync(id, cancellationToken);

    public Task<IReadOnlyList<AliasDefinition>> ListAliasesAsync(CancellationToken cancellationToken) => topics.ListAliasesAsync(cancellationToken);

    /// <summary>Adds or replaces an alias group, refusing one that would leave a stored topic unable to compile.</summary>
    /// <exception cref="FormatException">The name or a member is malformed, or a topic would no longer compile.</exception>
    public async Task SetAliasAsync(AliasDefinition alias, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(alias);
        var name = alias.Name.TrimStart('@');
        var existing = (await topics.ListAliasesAsync(cancellationToken)).Where(a => !a.Name.Equals(name, StringComparison.OrdinalIgnoreCase));
        var table = TopicMatcher.ToAliasTable(existing).With(name, alias.Members);
        await EnsureTopicsCompileAsync(table, cancellationToken);
        await topics.UpsertAliasAsync(alias with { Name = name }, cancellationToken);
    }

    /// <exception cref="FormatException">A stored topic still uses the alias.</exception>
    public async Task<bool> RemoveAliasAsync(string name, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(name);
        name = name.TrimStart('@');
        var remaining = (await topics.ListAliasesAsync(cancellationToken)).Where(a => !a.Name.Equals(name, StringComparison.OrdinalIgnoreCase));
        await EnsureTopicsCompileAsync(TopicMatcher.ToAliasTable(remaining), cancellationToken);
        return await topics.RemoveAliasAsync(name, cancellationToken);
    }

    /// <summary>Which of the articles the query matches, and through which clauses; nothing is stored.</summary>
    /// <exception cref="QueryParseException">The query does not parse.</exception>
    public async Task<IReadOnlyList<TopicTestResult>> TestAsync(string query, IEnumerable<(string Name, Article Article)> articles, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(articles);
        var aliases = TopicMatcher.ToAliasTable(await topics.ListAliasesAsync(cancellationToken));
        var compiled = QueryCompiler.Compile(query, aliases);
        return articles.Select(a =>
        {
            var analyzed = AnalyzedArticle.Create(a.Article.Title, a.Article.Text, a.Article.Language, a.Article.FeedId);
            var clauses = QueryEvaluator.Explain(compiled, analyzed);
            return new TopicTestResult(a.Name, QueryEvaluator.Matches(compiled, analyzed), clauses);
        }).ToList();
    }

    private async Task EnsureTopicsCompileAsync(AliasTable aliases, CancellationToken cancellationToken)
    {
        foreach (var topic in await topics.ListTopicsAsync(cancellationToken))
        {
            try
            {
                CompiledTopic.Compile(topic, aliases);
            }
            catch (QueryParseException ex)
            {
                throw new FormatException($"topics: topic '{topic.Id}' would no longer compile: {ex.Message}", ex);
            }
        }
    }
}
