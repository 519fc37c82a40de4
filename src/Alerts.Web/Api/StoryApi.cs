using System.Text.Json;
using System.Text.Json.Serialization;
using Alerts.Core.Claims;
using Alerts.Core.Digests;
using Alerts.Pipeline.Stories;
using Alerts.Pipeline.Subscriptions;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Alerts.Web.Api;

/// <summary>
/// <c>GET /api/v1/topics/{id}/claims?cursor=…</c> or <c>?cluster=…</c>: the story page as JSON, the same page of clusters
/// with the same rule for who sees a topic that is not public (404 to everyone but the operator).
/// </summary>
internal static class StoryApi
{
    public static async Task<IResult> ListClaimsAsync(HttpContext context, TopicStories stories, IOptions<SiteOptions> site, string id, string? cursor, string? cluster)
    {
        if (cursor is not null && cluster is not null)
        {
            return ApiProblems.Validation("cluster", "claims: give either a cursor or a cluster, not both");
        }

        StoryPage? page;
        try
        {
            // A cluster's page, as its links in digests, feeds and webhooks lead to on the HTML page.
            page = cluster is null
                ? await stories.GetAsync(id, cursor, AdminAccess.IsAllowed(context), context.RequestAborted)
                : await stories.GetWithClusterAsync(id, cluster, AdminAccess.IsAllowed(context), context.RequestAborted);
        }
        catch (ArgumentException ex)
        {
            return ApiProblems.Validation("cursor", ex.Message);
        }

        if (page is null)
        {
            return ApiProblems.Problem(StatusCodes.Status404NotFound, "topics: there is no such topic");
        }

        if (page.ClusterNotFound)
        {
            return ApiProblems.Problem(StatusCodes.Status404NotFound, "claims: the topic shows no such cluster");
        }

        var baseUrl = site.Value.PublicBaseUrl;
        var topic = page.Topic;
        var next = page.NextCursor is null ? null : $"{ApiEndpoints.Prefix}/topics/{Uri.EscapeDataString(topic.Id)}/claims?cursor={Uri.EscapeDataString(page.NextCursor)}";
        var reply = new StoryReply(
            new StoryTopicReply(topic.Id, topic.Name, topic.Description, topic.Public, StoryLinks.Absolute(baseUrl, StoryLinks.TopicPath(topic.Id)),
                topic.Public ? StoryLinks.Absolute(baseUrl, StoryLinks.TopicFeedPath(topic.Id)) : null),
            page.Clusters.Select(Cluster).ToList(),
            page.NextCursor,
            next);
        return Results.Json(reply, StoryJsonContext.Default.StoryReply);
    }

    private static StoryClusterReply Cluster(StoryCluster cluster) => new(
        cluster.ClusterId,
        cluster.Anchor,
        cluster.Item.Link!,
        cluster.Item.Claim,
        cluster.State.ToString().ToLowerInvariant(),
        cluster.ChangedAt,
        cluster.Item.Asserting.Select(Source).ToList(),
        cluster.Item.Disputing.Select(Source).ToList(),
        cluster.Item.Corroborations,
        cluster.Item.Why,
        cluster.Events.Select(e => new StoryEventReply(Type(e.Type), e.RecordedAt, e.Published, e.Source, e.Outlet, e.Url, e.Sentence, e.Why)).ToList());

    private static StorySourceReply Source(DigestSource source) =>
        new(source.Source, source.Outlet, source.Published, source.Url, source.Sentence, source.Via, source.Earlier);

    private static string Type(TopicEventType type) => type switch
    {
        TopicEventType.NewClaim => "newClaim",
        TopicEventType.Contradiction => "contradiction",
        _ => "corroboration",
    };
}

public sealed record StoryReply(StoryTopicReply Topic, IReadOnlyList<StoryClusterReply> Clusters, string? NextCursor, string? Next);

public sealed record StoryTopicReply(string Id, string Name, string? Description, bool Public, string Page, string? Feed);

public sealed record StoryClusterReply(
    string Id,
    string Anchor,
    string Url,
    string Claim,
    string State,
    DateTimeOffset ChangedAt,
    IReadOnlyList<StorySourceReply> Asserting,
    IReadOnlyList<StorySourceReply> Disputing,
    int Corroborations,
    IReadOnlyList<string> Why,
    IReadOnlyList<StoryEventReply> Events);

public sealed record StorySourceReply(string Source, string? Outlet, DateTimeOffset? Published, string? Url, string Sentence, IReadOnlyList<string> Via, bool Earlier);

public sealed record StoryEventReply(string Type, DateTimeOffset RecordedAt, DateTimeOffset? Published, string Source, string? Outlet, string? Url, string Sentence, string Why);

/// <summary>The story replies' serialisation, with the options of <see cref="ApiJsonContext"/> (camelCase, escaped markup).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.Never, MaxDepth = 16)]
[JsonSerializable(typeof(StoryReply))]
internal sealed partial class StoryJsonContext : JsonSerializerContext;
