using System.Buffers.Text;
using System.Security.Cryptography;
using Alerts.Core.Digests;
using Alerts.Core.Subscriptions;
using Alerts.Pipeline.Digests;
using Alerts.Pipeline.Storage;
using Alerts.Pipeline.Subscriptions;
using Microsoft.Extensions.Options;

namespace Alerts.Pipeline.Stories;

/// <summary>An Atom document and the time it last changed (its Last-Modified).</summary>
public sealed record FeedDocument(string Xml, DateTimeOffset Updated);

/// <summary>
/// The Atom feeds: a public topic's feed (its most recently changed clusters, the story page's first page) and
/// each subscription's private feed at a secret address, carrying the items of its latest digests exactly as
/// <see cref="DigestComposer"/> builds them for the email. The private address is a random token (192 bits) kept
/// in <see cref="IFeedTokenStore"/>; a new one replaces it and the old address answers nothing.
/// </summary>
public sealed class StoryFeeds(
    TopicStories stories,
    DigestComposer composer,
    ISubscriptionStore subscriptions,
    IFeedTokenStore tokens,
    IOptions<SiteOptions> site,
    TimeProvider clock)
{
    /// <summary>The latest digests a private feed carries.</summary>
    public const int MaxDigests = 20;

    private const int TokenBytes = 24;

    /// <summary>The public Atom feed of <paramref name="topicId"/>; null unless the topic exists and is public.</summary>
    public async Task<FeedDocument?> TopicFeedAsync(string topicId, CancellationToken cancellationToken)
    {
        var page = await stories.GetAsync(topicId, cursor: null, includePrivate: false, cancellationToken);
        if (page is null)
        {
            return null;
        }

        var baseUrl = site.Value.PublicBaseUrl;
        var entries = page.Clusters
            .Select(c => new AtomEntry(AtomFeed.StableId("cluster/" + c.ClusterId), AtomFeed.Title(c.Item), c.ChangedAt, c.Item.Link!, HtmlDigest.RenderItem(c.Item)))
            .ToList();
        var updated = entries.Count == 0 ? DateTimeOffset.UnixEpoch : entries.Max(e => e.Updated);
        var head = new AtomFeedHead(AtomFeed.StableId("topic/" + page.Topic.Id), "Alerts: " + page.Topic.Name, updated,
            StoryLinks.Absolute(baseUrl, StoryLinks.TopicFeedPath(page.Topic.Id)), StoryLinks.Absolute(baseUrl, StoryLinks.TopicPath(page.Topic.Id)), "Alerts");
        return new FeedDocument(AtomFeed.Write(head, entries), updated);
    }

    /// <summary>The private feed at <paramref name="token"/>; null for a token that is not current, or a subscription that is pending or unsubscribed.</summary>
    public async Task<FeedDocument?> PrivateFeedAsync(string token, CancellationToken cancellationToken)
    {
        if (!IsWellFormed(token) || await tokens.FindSubscriptionIdAsync(token, cancellationToken) is not { } id
            || await subscriptions.GetAsync(id, cancellationToken) is not { State: SubscriptionState.Active or SubscriptionState.Paused } subscription)
        {
            return null;
        }

        var digests = (await subscriptions.ListDigestsAsync(subscription.Id, cancellationToken))
            .OrderByDescending(d => d.SentAt ?? d.CreatedAt).ThenByDescending(d => d.Id, StringComparer.Ordinal)
            .Take(MaxDigests).ToList();
        var entries = new List<AtomEntry>();
        foreach (var digest in digests)
        {
            var when = digest.SentAt ?? digest.CreatedAt;
            foreach (var section in await composer.BuildAsync(digest.Ranges, cancellationToken))
            {
                entries.AddRange(section.Items.Select(item => new AtomEntry(
                    AtomFeed.StableId("digest/" + digest.Id + "/" + item.ClusterId), $"{section.TopicName}: {AtomFeed.Title(item)}", when, item.Link!, HtmlDigest.RenderItem(item))));
            }
        }

        var updated = entries.Count == 0 ? subscription.ConfirmedAt ?? subscription.CreatedAt : entries.Max(e => e.Updated);
        var head = new AtomFeedHead(AtomFeed.StableId("subscription/" + subscription.Id), "Alerts: your digests", updated,
            FeedUrl(token), null, "Alerts");
        return new FeedDocument(AtomFeed.Write(head, entries), updated);
    }

    /// <summary>The subscription's private feed address, created the first time it is asked for.</summary>
    public async Task<string> FeedUrlAsync(string subscriptionId, CancellationToken cancellationToken) =>
        FeedUrl(await tokens.GetOrCreateFeedTokenAsync(subscriptionId, NewToken, clock.GetUtcNow(), cancellationToken));

    /// <summary>A new private feed address for the subscription; the old one answers 404 from now on.</summary>
    public async Task<string> ReplaceFeedUrlAsync(string subscriptionId, CancellationToken cancellationToken)
    {
        var token = NewToken();
        await tokens.ReplaceFeedTokenAsync(subscriptionId, token, clock.GetUtcNow(), cancellationToken);
        return FeedUrl(token);
    }

    private string FeedUrl(string token) => StoryLinks.Absolute(site.Value.PublicBaseUrl, StoryLinks.PrivateFeedPath(token));

    private static string NewToken() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(TokenBytes));

    /// <summary>Tokens are 32 base64url characters; anything else is not looked up.</summary>
    private static bool IsWellFormed(string? token) =>
        token is { Length: 32 } && token.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
}
