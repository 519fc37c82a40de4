namespace Alerts.Core.Topics;

/// <summary>A topic with its query compiled: decides on its own whether an article belongs to it.</summary>
public sealed class CompiledTopic
{
    private CompiledTopic(Topic topic, CompiledQuery query)
    {
        Topic = topic;
        Query = query;
    }

    public Topic Topic { get; }

    public CompiledQuery Query { get; }

    public string Id => Topic.Id;

    /// <summary>Compiles the topic's query; throws <see cref="QueryParseException"/> when it does not parse.</summary>
    public static CompiledTopic Compile(Topic topic, AliasTable? aliases = null)
    {
        ArgumentNullException.ThrowIfNull(topic);
        if (string.IsNullOrWhiteSpace(topic.Id))
        {
            throw new ArgumentException("topics: a topic needs an id", nameof(topic));
        }

        return new CompiledTopic(topic, QueryCompiler.Compile(topic.Query, aliases));
    }

    /// <summary>The article passes the language and feed restrictions and the query matches it.</summary>
    public bool Matches(AnalyzedArticle article) => AcceptsSource(article) && QueryEvaluator.Matches(Query, article);

    /// <summary>
    /// Language: no list, an article of unknown language, or a listed tag equal to the article's or a
    /// prefix of it at a '-' ("en" and "en-GB", either way round). Feed: no list, or the article's feed listed.
    /// </summary>
    public bool AcceptsSource(AnalyzedArticle article)
    {
        ArgumentNullException.ThrowIfNull(article);
        return AcceptsLanguage(article.Language) && (Topic.FeedIds.Count == 0 || (article.FeedId is { } feed && Topic.FeedIds.Contains(feed)));
    }

    private bool AcceptsLanguage(string? language) =>
        Topic.Languages.Count == 0 || string.IsNullOrWhiteSpace(language)
        || Topic.Languages.Any(listed => SameLanguage(listed, language));

    private static bool SameLanguage(string a, string b)
    {
        var (shorter, longer) = a.Length <= b.Length ? (a, b) : (b, a);
        return longer.StartsWith(shorter, StringComparison.OrdinalIgnoreCase)
            && (longer.Length == shorter.Length || longer[shorter.Length] is '-' or '_');
    }
}
