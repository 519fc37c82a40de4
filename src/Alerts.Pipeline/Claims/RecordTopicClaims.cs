using System.Globalization;
using Alerts.Core.Articles;
using Alerts.Core.Claims;
using Alerts.Core.Claims.Stance;
using Alerts.Core.Topics;
using Alerts.Pipeline.Storage;
using Alerts.Pipeline.Topics;

namespace Alerts.Pipeline.Claims;

/// <summary>
/// The claims stage of <c>ProcessArticle</c>: extracts the article's claims once, then, for each topic it
/// matched, lets the engine place them in the topic's clusters and stores the clusters and the events
/// (NewClaim, Contradiction, Corroboration) in one transaction. Idempotent per (article, topic).
/// </summary>
public sealed class RecordTopicClaims(IClaimStore claims, TopicMatcher matcher, TimeProvider clock)
{
    public async Task<IReadOnlyList<TopicEvent>> RunAsync(Article article, IReadOnlyList<TopicMatch> matches, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(article);
        ArgumentNullException.ThrowIfNull(matches);
        if (matches.Count == 0)
        {
            return [];
        }

        var input = ToInput(article);
        var extracted = ClaimEmbeddings.Attach(ClaimExtractor.Extract(input), SentenceEmbedder.Shared);
        var stance = TopicClaimEngine.ArticleStance(input, StanceModel.Shared);
        var percolator = await matcher.GetPercolatorAsync(cancellationToken);
        var events = new List<TopicEvent>();
        foreach (var match in matches)
        {
            if (percolator.Find(match.TopicId) is not { } topic || await claims.IsArticleProcessedAsync(article.Id, topic.Id, cancellationToken))
            {
                continue;
            }

            var scope = TopicScope.Of(QueryTerms.Positive(topic.Query), QueryTerms.Prefixes(topic.Query));
            var index = await PrefetchedClaimIndex.LoadAsync(
                claims, topic.Id, extracted.Select(ClaimSignature.Of), TopicClaimEngine.CandidateLimit, cancellationToken);
            var result = TopicClaimEngine.Process(topic.Id, extracted, index, scope, stance);
            if (await claims.SaveArticleResultAsync(article.Id, topic.Id, result, clock.GetUtcNow(), cancellationToken))
            {
                events.AddRange(result.Events);
            }
        }

        return events;
    }

    /// <summary>The engine's view of an article; its key is the article's id, which claim and cluster ids build on.</summary>
    public static ArticleInput ToInput(Article article)
    {
        ArgumentNullException.ThrowIfNull(article);
        return new ArticleInput(article.Id.ToString(CultureInfo.InvariantCulture), article.Title, article.Text, article.Outlet, article.Published ?? article.FetchedAt, article.Url);
    }
}
