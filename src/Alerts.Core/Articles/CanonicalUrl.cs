using System.Text;

namespace Alerts.Core.Articles;

/// <summary>
/// The form of an article URL used as its identity: lower-case scheme and host, no default port, no
/// fragment, no tracking parameters, the remaining query parameters sorted by name (stable, so repeated
/// names keep their order). The path keeps its case, since servers may treat it as significant.
/// </summary>
public static class CanonicalUrl
{
    /// <summary>Parameter names that only track a click or a campaign (compared case-insensitively).</summary>
    private static readonly HashSet<string> TrackingNames = new(StringComparer.OrdinalIgnoreCase)
    {
        "fbclid", "gclid", "gclsrc", "dclid", "gbraid", "wbraid", "msclkid", "mc_cid", "mc_eid", "yclid", "igshid",
        "_ga", "_gl", "_hsenc", "_hsmi", "ref_src", "ref_url", "cmpid", "ocid", "mkt_tok", "twclid", "ttclid",
        "li_fat_id", "s_cid", "sr_share", "vero_id", "wt_mc", "at_medium", "at_campaign", "smid", "xtor",
    };

    /// <summary>Prefixes of tracking parameter families (utm_source, utm_medium, …).</summary>
    private static readonly string[] TrackingPrefixes = ["utm_", "pk_", "mtm_", "hsa_", "oly_"];

    /// <summary>The canonical form, or null when <paramref name="url"/> is not an absolute http(s) URL.</summary>
    public static string? Normalize(string url)
    {
        if (string.IsNullOrWhiteSpace(url) || !Uri.TryCreate(url.Trim(), UriKind.Absolute, out var uri))
        {
            return null;
        }

        if (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
        {
            return null;
        }

        if (string.IsNullOrEmpty(uri.Host))
        {
            return null;
        }

        var builder = new StringBuilder();
        builder.Append(uri.Scheme).Append("://");
        if (!string.IsNullOrEmpty(uri.UserInfo))
        {
            builder.Append(uri.UserInfo).Append('@');
        }

        // Uri lower-cases the scheme and host; IdnHost gives international names in their ASCII (punycode)
        // form but drops the brackets of an IPv6 address, which Host keeps.
        var host = uri.HostNameType == UriHostNameType.IPv6 ? uri.Host : uri.IdnHost;
        builder.Append(host.ToLowerInvariant());
        if (!uri.IsDefaultPort)
        {
            builder.Append(':').Append(uri.Port);
        }

        builder.Append(uri.AbsolutePath);
        var query = CleanQuery(uri.Query);
        if (query.Length > 0)
        {
            builder.Append('?').Append(query);
        }

        return builder.ToString();
    }

    private static string CleanQuery(string query)
    {
        if (query.Length <= 1)
        {
            return "";
        }

        var kept = query[1..]
            .Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Where(pair => !IsTracking(NameOf(pair)))
            .OrderBy(NameOf, StringComparer.Ordinal);
        return string.Join('&', kept);
    }

    private static string NameOf(string pair)
    {
        var equals = pair.IndexOf('=', StringComparison.Ordinal);
        return equals < 0 ? pair : pair[..equals];
    }

    private static bool IsTracking(string name) =>
        TrackingNames.Contains(name) || TrackingPrefixes.Any(p => name.StartsWith(p, StringComparison.OrdinalIgnoreCase));
}
