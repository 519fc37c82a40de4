using System.Security.Cryptography;
using System.Text;

namespace Alerts.Core.Digests;

/// <summary>
/// Where a claim cluster lives on the web: the topic's story page (<c>/topics/{id}</c>) and the cluster's anchor on
/// it (<c>#c-</c> and 12 hex digits of the SHA-256 of the cluster id: stable, short, and safe in a URL fragment, where
/// the id itself holds an article's URL). Every digest item (email, feed, webhook) links here.
/// </summary>
public static class StoryLinks
{
    /// <summary>The anchor (HTML id) of a cluster on its story page, e.g. <c>c-3f1a9b0c77d2</c>.</summary>
    public static string Anchor(string clusterId)
    {
        ArgumentNullException.ThrowIfNull(clusterId);
        return "c-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(clusterId)))[..12];
    }

    /// <summary>The story page's path: <c>/topics/{id}</c>.</summary>
    public static string TopicPath(string topicId)
    {
        ArgumentNullException.ThrowIfNull(topicId);
        return "/topics/" + Uri.EscapeDataString(topicId);
    }

    /// <summary>
    /// The cluster on its story page, as a path: <c>/topics/{id}?cluster={cluster id}#c-…</c>. The page finds the
    /// cluster wherever newer changes have pushed it (not only on the first page), and the anchor scrolls to it.
    /// </summary>
    public static string ClusterPath(string topicId, string clusterId) =>
        TopicPath(topicId) + "?cluster=" + Uri.EscapeDataString(clusterId) + "#" + Anchor(clusterId);

    /// <summary>The public Atom feed of a topic: <c>/topics/{id}/feed.atom</c>.</summary>
    public static string TopicFeedPath(string topicId) => TopicPath(topicId) + "/feed.atom";

    /// <summary>A subscription's private Atom feed: <c>/feeds/{token}</c>.</summary>
    public static string PrivateFeedPath(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        return "/feeds/" + Uri.EscapeDataString(token);
    }

    /// <summary><paramref name="path"/> on the site at <paramref name="baseUrl"/> (Site:PublicBaseUrl).</summary>
    public static string Absolute(Uri baseUrl, string path)
    {
        ArgumentNullException.ThrowIfNull(baseUrl);
        ArgumentNullException.ThrowIfNull(path);
        return baseUrl.AbsoluteUri.TrimEnd('/') + path;
    }

    /// <summary>The absolute link of a cluster: <c>{base}/topics/{id}?cluster=…#c-…</c>.</summary>
    public static string ClusterUrl(Uri baseUrl, string topicId, string clusterId) => Absolute(baseUrl, ClusterPath(topicId, clusterId));

    /// <summary>Every item of <paramref name="sections"/> with its <see cref="DigestItem.Link"/> set to its cluster on the site.</summary>
    public static IReadOnlyList<DigestTopic> WithLinks(IReadOnlyList<DigestTopic> sections, Uri baseUrl)
    {
        ArgumentNullException.ThrowIfNull(sections);
        return sections
            .Select(s => s with { Items = s.Items.Select(i => i with { Link = ClusterUrl(baseUrl, s.TopicId, i.ClusterId) }).ToList() })
            .ToList();
    }
}
