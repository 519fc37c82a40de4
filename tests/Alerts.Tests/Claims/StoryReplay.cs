using System.Globalization;
using Alerts.Core.Claims;

namespace Alerts.Tests.Claims;

/// <summary>Reads article files (header lines, a blank line, the text) and replays them through the engine in published order.</summary>
internal static class StoryReplay
{
    public static ArticleInput ReadArticle(string path)
    {
        var content = File.ReadAllText(path).Replace("\r\n", "\n", StringComparison.Ordinal);
        var split = content.IndexOf("\n\n", StringComparison.Ordinal);
        var headers = content[..split].Split('\n')
            .Select(line => line.Split(':', 2))
            .Where(parts => parts.Length == 2)
            .ToDictionary(parts => parts[0].Trim(), parts => parts[1].Trim(), StringComparer.Ordinal);
        var published = headers.TryGetValue("published", out var p) ? DateTimeOffset.Parse(p, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal) : (DateTimeOffset?)null;
        return new ArticleInput(
            Path.GetFileName(path),
            headers.GetValueOrDefault("title") ?? "",
            content[(split + 2)..],
            headers.GetValueOrDefault("outlet"),
            published,
            headers.GetValueOrDefault("url"));
    }

    public static IReadOnlyList<ArticleInput> ReadFolder(string folder) =>
        Directory.GetFiles(folder, "*.txt").Select(ReadArticle).OrderBy(a => a.Published).ThenBy(a => a.Key, StringComparer.Ordinal).ToList();

    /// <summary>Runs each article through extraction and the engine, storing the clusters it returns; yields the events per article.</summary>
    public static IReadOnlyList<(ArticleInput Article, IReadOnlyList<TopicEvent> Events)> Run(IEnumerable<ArticleInput> articles, TopicScope scope, InMemoryClaimIndex index)
    {
        var result = new List<(ArticleInput, IReadOnlyList<TopicEvent>)>();
        foreach (var article in articles)
        {
            var outcome = TopicClaimEngine.Process(
                "topic", ClaimEmbeddings.Attach(ClaimExtractor.Extract(article), SentenceEmbedder.Shared), index, scope, TopicClaimEngine.ArticleStance(article, Alerts.Core.Claims.Stance.StanceModel.Shared));
            foreach (var cluster in outcome.Clusters)
            {
                index.Upsert(cluster);
            }

            result.Add((article, outcome.Events));
        }

        return result;
    }
}
