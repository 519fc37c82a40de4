using System.Globalization;
using Alerts.Core.Articles;
using Alerts.Core.Claims;
using Alerts.Core.Claims.Stance;
using Alerts.Core.Topics;
using Alerts.Pipeline.Storage;
using Alerts.Pipeline.Topics;
using Microsoft.Extensions.Logging;

namespace Alerts.Pipeline.Claims;

/// <summary>
/// The claims stage of <c>ProcessArticle</c>: extracts the article's claims once, then, for each topic it
/// matched, lets the engine place them in the topic's clusters and stores the clusters and the events
/// (NewClaim, Contradiction, Corroboration) in one transaction. Idempotent per (article, topic). Another writer
/// (a second process, another Functions instance) may change a cluster between the read and the save: the store
/// then refuses the save and the topic is read and computed again, up to <see cref="MaxAttempts"/> times.
/// </summary>
public sealed partial class RecordTopicClaims(IClaimStore claims, TopicMatcher matcher, TimeProvider clock, ILogger<RecordTopicClaims> logger)
{
    /// <summary>
    /// Each conflict means another writer committed, so N writers on one topic need at most N attempts each; past
    /// this the message fails and its queue redelivers it later.
    /// </summary>
    public const int MaxAttempts = 10;

    public async Task<IReadOnlyList<TopicEvent>> RunAsync(Article article, IReadOnlyList<TopicMatch> matches, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(article);
        ArgumentNullException.ThrowIfNull(matches);
        if (matches.Count == 0)
        {
            return [];
        }

        var percolator = await matcher.GetPercolatorAsync(cancellationToken);
        var pending = new List<CompiledTopic>();
        foreach (var match in matches)
        {
            if (percolator.Find(match.TopicId) is { } topic && !await claims.IsArticleProcessedAsync(article.Id, topic.Id, cancellationToken))
            {
                pending.Add(topic);
            }
        }

        if (pending.Count == 0)
        {
            // A redelivered message: every topic is recorded, so nothing is extracted or embedded again.
            return [];
        }

        var input = ToInput(article);
        var extracted = ClaimEmbeddings.Attach(ClaimExtractor.Extract(input), SentenceEmbedder.Shared);
        var stance = TopicClaimEngine.ArticleStance(input, StanceModel.Shared);
        var events = new List<TopicEvent>();
        foreach (var topic in pending)
        {
            var scope = TopicScope.Of(QueryTerms.Positive(topic.Query), QueryTerms.Prefixes(topic.Query));
            for (var attempt = 1; ; attempt++)
            {
                var index = await PrefetchedClaimIndex.LoadAsync(
                    claims, topic.Id, extracted.Select(c => TopicClaimEngine.SignatureIn(c, scope)), TopicClaimEngine.CandidateLimit, cancellationToken);
                var result = TopicClaimEngine.Process(topic.Id, extracted, index, scope, stance);
                try
                {
                    if (await claims.SaveArticleResultAsync(article.Id, topic.Id, result, clock.GetUtcNow(), cancellationToken))
                    {
                        events.AddRange(result.Events);
                        if (logger.IsEnabled(LogLevel.Debug))
                        {
                            foreach (var assignment in result.Assignments)
                            {
                                var text = extracted.First(c => c.Key == assignment.ClaimKey).Text;
                                LogAssignment(logger, article.Id, topic.Id, assignment.ClusterId, assignment.Outcome, text);
                            }
                        }
                    }

                    break;
                }
                catch (ClaimWriteConflictException conflict) when (attempt < MaxAttempts)
                {
                    LogConflict(logger, article.Id, topic.Id, attempt, conflict.Message);
                }
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

    [LoggerMessage(Level = LogLevel.Debug, Message = "claims: article {ArticleId} on topic {TopicId}: cluster {ClusterId} {Outcome}: {Claim}")]
    private static partial void LogAssignment(ILogger logger, long articleId, string topicId, string clusterId, string outcome, string claim);

    [LoggerMessage(Level = LogLevel.Information, Message = "claims: article {ArticleId} on topic {TopicId}: a cluster changed under attempt {Attempt} ({Reason}); reading again")]
    private static partial void LogConflict(ILogger logger, long articleId, string topicId, int attempt, string reason);
}
