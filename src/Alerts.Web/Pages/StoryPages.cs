using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Alerts.Core.Claims;
using Alerts.Core.Digests;
using Alerts.Pipeline.Stories;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace Alerts.Web.Pages;

/// <summary>
/// The story page (<c>GET /topics/{id}</c>), the public topic feed (<c>GET /topics/{id}/feed.atom</c>) and the
/// private subscription feed (<c>GET /feeds/{token}</c>). A topic that is not public answers 404 to everyone except
/// the operator (<see cref="AdminAccess"/>: loopback under <c>alerts serve</c>), who sees its page marked as private;
/// its feed is never served. See docs/pages.md.
/// </summary>
internal static class StoryPages
{
    /// <summary>
    /// The page of <paramref name="cursor"/>; with <paramref name="cluster"/> (a link to one cluster, <see cref="StoryLinks.ClusterPath"/>)
    /// the page that shows that cluster, wherever newer changes have pushed it.
    /// </summary>
    public static async Task<IResult> ShowAsync(HttpContext context, TopicStories stories, string id, string? cursor, string? cluster)
    {
        StoryPage? page;
        try
        {
            var admin = AdminAccess.IsAllowed(context);
            page = string.IsNullOrEmpty(cluster) || !string.IsNullOrEmpty(cursor)
                ? await stories.GetAsync(id, cursor, admin, context.RequestAborted)
                : await stories.GetWithClusterAsync(id, cluster, admin, context.RequestAborted);
        }
        catch (ArgumentException)
        {
            return PageLayout.Message(context, StatusCodes.Status400BadRequest, "This page address is not valid",
                "The part after ?cursor= may have been cut off. Start again from the newest changes.", "Newest changes", StoryLinks.TopicPath(id), problem: true);
        }

        if (page is null)
        {
            return NotFound(context);
        }

        var topic = page.Topic;
        var intro = Html.If(!string.IsNullOrWhiteSpace(topic.Description), Html.Of($"""<p class="lede">{topic.Description}</p>"""));
        var visibility = topic.Public
            ? Html.Of($"""<p class="story-meta">Claims the news made about this topic, most recently changed first. Follow it as a feed: <a href="{StoryLinks.TopicFeedPath(topic.Id)}" type="application/atom+xml">Atom feed</a>.</p>""")
            : Html.Of($"""<p class="notice">This topic is not public: only the operator sees this page (from this machine). Everyone else gets “Page not found”.</p>""");
        var clusters = page.Clusters.Count == 0
            ? Html.Of($"""<p>{(page.IsFirst ? "No claims yet. They appear here as articles about the topic arrive." : "No older changes.")}</p>""")
            : Html.Of($"""<ol class="story">{Html.Join(page.Clusters.Select(Cluster))}</ol>""");
        var missing = Html.If(page.ClusterNotFound,
            Html.Of($"""<p class="notice" role="status" id="cluster-missing">The claim your link points to is not on this topic's page. These are the newest changes.</p>"""));
        var pager = Pager(topic.Id, page.IsFirst, page.NextCursor);
        return PageLayout.Page(context, StatusCodes.Status200OK, topic.Name, Html.Of($"""
            {intro}
            {visibility}
            {missing}
            {clusters}
            {pager}
            """));
    }

    public static async Task<IResult> TopicFeedAsync(HttpContext context, StoryFeeds feeds, string id)
    {
        var feed = await feeds.TopicFeedAsync(id, context.RequestAborted);
        return feed is null ? NotFound(context) : Conditional(context, feed, "public, max-age=300");
    }

    public static async Task<IResult> PrivateFeedAsync(HttpContext context, StoryFeeds feeds, string token)
    {
        var feed = await feeds.PrivateFeedAsync(token, context.RequestAborted);
        return feed is null ? NotFound(context) : Conditional(context, feed, "private, max-age=300");
    }

    /// <summary>
    /// The feed with its validators: a strong ETag (SHA-256 of the body) and Last-Modified (the newest entry). 304 when
    /// If-None-Match names the ETag, or, without If-None-Match, when If-Modified-Since is not older than Last-Modified (RFC 9110 13.2.2).
    /// </summary>
    public static IResult Conditional(HttpContext context, FeedDocument feed, string cacheControl)
    {
        var etag = "\"" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(feed.Xml)))[..32] + "\"";
        var lastModified = DateTimeOffset.FromUnixTimeSeconds(feed.Updated.ToUnixTimeSeconds());
        var headers = context.Response.Headers;
        headers.ETag = etag;
        headers.LastModified = HeaderUtilities.FormatDate(lastModified);
        headers.CacheControl = cacheControl;
        var request = context.Request.GetTypedHeaders();
        var notModified = request.IfNoneMatch.Count > 0
            ? request.IfNoneMatch.Any(tag => tag.Equals(EntityTagHeaderValue.Any) || tag.Tag.Value == etag)
            : request.IfModifiedSince is { } since && since >= lastModified;
        return notModified
            ? Results.StatusCode(StatusCodes.Status304NotModified)
            : Results.Content(feed.Xml, AtomFeed.MediaType, Encoding.UTF8, StatusCodes.Status200OK);
    }

    private static HtmlContent Cluster(StoryCluster cluster)
    {
        var item = cluster.Item;
        var (label, css) = cluster.State switch
        {
            StoryState.Disputed => ("Disputed", "disputed"),
            StoryState.Reversed => ("Reversed", "reversed"),
            StoryState.Corroborated => ("Corroborated", "corroborated"),
            _ => ("New", "new"),
        };
        var asserting = Sources("Asserted by", item.Asserting);
        var disputing = Sources("Disputed by", item.Disputing);
        var corroborated = Html.If(item.Corroborations > 0,
            Html.Of($"""<p class="muted">Corroborated by {item.Corroborations} more independent source{(item.Corroborations == 1 ? "" : "s")}.</p>"""));
        return Html.Of($"""
            <li class="cluster" id="{cluster.Anchor}">
            <p class="state {css}">{label}</p>
            <h2 class="claim"><a href="#{cluster.Anchor}">{item.Claim}</a></h2>
            <p class="muted">Last changed {Date(cluster.ChangedAt)}</p>
            {asserting}
            {disputing}
            {corroborated}
            <h3>What happened</h3>
            <ol class="events">{Html.Join(cluster.Events.Select(Event))}</ol>
            </li>
            """);
    }

    private static HtmlContent Sources(string heading, IReadOnlyList<DigestSource> sources) =>
        sources.Count == 0
            ? HtmlContent.Empty
            : Html.Of($"""<h3>{heading}</h3><ul class="sources">{Html.Join(sources.Select(Source))}</ul>""");

    private static HtmlContent Source(DigestSource source)
    {
        var outlets = source.Via.Count > 0 ? "via " + string.Join(", ", source.Via) : source.Outlet;
        var where = string.IsNullOrWhiteSpace(outlets) || string.Equals(outlets, source.Source, StringComparison.OrdinalIgnoreCase)
            ? HtmlContent.Empty
            : Html.Of($" ({outlets})");
        var date = source.Published is { } published ? Html.Of($", {Date(published)}") : HtmlContent.Empty;
        var earlier = Html.If(source.Earlier, Html.Of($" <span class=\"muted\">(earlier)</span>"));
        return Html.Of($"""<li>{Link(source.Url, source.Source)}{where}{date}{earlier}<blockquote>{source.Sentence}</blockquote></li>""");
    }

    private static HtmlContent Event(StoryEvent e)
    {
        var what = e.Type switch
        {
            TopicEventType.NewClaim => "First reported",
            TopicEventType.Contradiction => "Disputed",
            _ => "Corroborated",
        };
        var outlet = string.IsNullOrWhiteSpace(e.Outlet) || string.Equals(e.Outlet, e.Source, StringComparison.OrdinalIgnoreCase)
            ? HtmlContent.Empty
            : Html.Of($" in {Link(e.Url, e.Outlet)}");
        return Html.Of($"""<li><strong>{what}</strong> {Date(e.Published ?? e.RecordedAt)} by {e.Source}{outlet}: {e.Why}</li>""");
    }

    /// <summary>An anchor for an absolute http(s) URL from a feed; otherwise the text alone.</summary>
    private static HtmlContent Link(string? url, string text) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
            ? Html.Of($"""<a href="{uri.AbsoluteUri}">{text}</a>""")
            : Html.Of($"{text}");

    private static HtmlContent Date(DateTimeOffset when) =>
        Html.Of($"""<time datetime="{when.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm'Z'", CultureInfo.InvariantCulture)}">{when.UtcDateTime.ToString("d MMM yyyy", CultureInfo.InvariantCulture)}</time>""");

    private static HtmlContent Pager(string topicId, bool first, string? next)
    {
        var path = StoryLinks.TopicPath(topicId);
        var links = new List<HtmlContent>();
        if (!first)
        {
            links.Add(Html.Of($"""<a href="{path}">Newest changes</a>"""));
        }

        if (next is not null)
        {
            links.Add(Html.Of($"""<a href="{path + "?cursor=" + Uri.EscapeDataString(next)}" rel="next">Older changes</a>"""));
        }

        return links.Count == 0 ? HtmlContent.Empty : Html.Of($"""<nav class="pager" aria-label="Pages">{Html.Join(links)}</nav>""");
    }

    private static IResult NotFound(HttpContext context) =>
        PageLayout.Message(context, StatusCodes.Status404NotFound, "Page not found",
            "There is no page at this address.", "Go to the subscription page", "/", problem: true);
}
