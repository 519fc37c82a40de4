using Alerts.Core.Articles;
using Alerts.Core.Topics;
using Alerts.Pipeline.Storage;

namespace Alerts.Pipeline.Topics;

/// <summary>
/// Matches articles against every stored topic through a percolator that is rebuilt only when the
/// topics' version changes, so adding or removing a topic takes effect for the next article without a
/// restart. Registered as a singleton: the index is shared by all invocations in the process.
/// </summary>
public sealed class TopicMatcher(ITopicStore topics) : IDisposable
{
    private readonly SemaphoreSlim _rebuild = new(1, 1);
    private (long Version, Percolator Percolator)? _current;

    public async Task<IReadOnlyList<TopicMatch>> MatchAsync(Article article, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(article);
        var percolator = await GetPercolatorAsync(cancellationToken);
        return percolator.Match(AnalyzedArticle.Create(article.Title, article.Text, article.Language, article.FeedId));
    }

    public async Task<Percolator> GetPercolatorAsync(CancellationToken cancellationToken)
    {
        var version = await topics.GetTopicsVersionAsync(cancellationToken);
        if (_current is { } cached && cached.Version == version)
        {
            return cached.Percolator;
        }

        await _rebuild.WaitAsync(cancellationToken);
        try
        {
            if (_current is { } again && again.Version == version)
            {
                return again.Percolator;
            }

            var aliases = ToAliasTable(await topics.ListAliasesAsync(cancellationToken));
            var compiled = (await topics.ListTopicsAsync(cancellationToken)).Select(t => CompiledTopic.Compile(t, aliases));
            var percolator = new Percolator(compiled);
            _current = (version, percolator);
            return percolator;
        }
        finally
        {
            _rebuild.Release();
        }
    }

    public void Dispose() => _rebuild.Dispose();

    public static AliasTable ToAliasTable(IEnumerable<AliasDefinition> aliases)
    {
        ArgumentNullException.ThrowIfNull(aliases);
        return aliases.Aggregate(AliasTable.Empty, (table, alias) => table.With(alias.Name, alias.Members));
    }
}
