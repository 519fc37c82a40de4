using System.Globalization;
using System.Net;
using System.Text;

namespace Alerts.Core.Digests;

/// <summary>What surrounds the digest's items: the heading, the footer's sentence, the manage and unsubscribe links.</summary>
public sealed record HtmlDigestFrame(string Title, string FooterNote, string UnsubscribeUrl)
{
    /// <summary>The subscriber's manage page (change topics or frequency, pause); no link when null.</summary>
    public string? ManageUrl { get; init; }
}

/// <summary>
/// The digest as the HTML part of an email, built for mail clients rather than browsers: a tables-based
/// layout at most 600 pixels wide that shrinks on a phone, inline CSS (clients that drop style blocks still
/// show it properly), images capped at the column's width, a dark variant through <c>color-scheme</c> and a
/// <c>prefers-color-scheme</c> block, and no remote fonts, images or tracking pixels.
/// </summary>
/// <remarks>
/// Everything that came from a feed (claims, sentences, outlets, why lines, topic names) is HTML-escaped; a
/// link from a feed becomes an anchor only when it is an absolute http(s) URL, else it is not shown.
/// </remarks>
public static class HtmlDigest
{
    private const string Font = "font-family:-apple-system,BlinkMacSystemFont,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;";
    private const string Wrap = "word-break:break-word;overflow-wrap:anywhere;";

    public static string Render(IReadOnlyList<DigestTopic> topics, HtmlDigestFrame frame)
    {
        ArgumentNullException.ThrowIfNull(topics);
        ArgumentNullException.ThrowIfNull(frame);
        var html = new StringBuilder(4096);
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
            .Append("<meta name=\"color-scheme\" content=\"light dark\">\n<meta name=\"supported-color-schemes\" content=\"light dark\">\n")
            .Append("<title>").Append(Escape(frame.Title)).Append("</title>\n")
            .Append("""
                <style>
                img { max-width: 100%; height: auto; }
                @media (max-width: 620px) { .container { width: 100% !important; } }
                @media (prefers-color-scheme: dark) {
                  body, .page { background-color: #111418 !important; color: #e6e8eb !important; }
                  .card { background-color: #1b1f24 !important; border-color: #30363d !important; }
                  .muted { color: #a5adb6 !important; }
                  a { color: #8ab4f8 !important; }
                }
                </style>
                </head>

                """)
            .Append(CultureInfo.InvariantCulture, $"<body style=\"margin:0;padding:0;background-color:#f3f4f6;color:#1f2328;{Font}\">\n")
            .Append("<table role=\"presentation\" class=\"page\" width=\"100%\" cellpadding=\"0\" cellspacing=\"0\" border=\"0\" style=\"background-color:#f3f4f6;\">\n")
            .Append("<tr><td align=\"center\" style=\"padding:16px 8px;\">\n")
            .Append("<table role=\"presentation\" class=\"container\" width=\"600\" cellpadding=\"0\" cellspacing=\"0\" border=\"0\" style=\"width:100%;max-width:600px;\">\n")
            .Append(CultureInfo.InvariantCulture, $"<tr><td style=\"padding:8px 4px 16px 4px;{Wrap}\"><h1 style=\"margin:0;font-size:22px;line-height:1.3;{Font}\">{Escape(frame.Title)}</h1></td></tr>\n");

        foreach (var topic in topics.Where(t => t.Items.Count > 0))
        {
            html.Append(CultureInfo.InvariantCulture, $"<tr><td style=\"padding:8px 4px;{Wrap}\"><h2 style=\"margin:0;font-size:18px;line-height:1.3;{Font}\">{Escape(topic.TopicName)}</h2>")
                .Append(CultureInfo.InvariantCulture, $"<div class=\"muted\" style=\"font-size:13px;color:#59636e;\">{Escape(PlainTextDigest.Counts(topic))}</div></td></tr>\n");
            foreach (var item in topic.Items)
            {
                AppendItem(html, item);
            }
        }

        html.Append(CultureInfo.InvariantCulture, $"<tr><td class=\"muted\" style=\"padding:16px 4px;font-size:12px;line-height:1.5;color:#59636e;{Wrap}\">")
            .Append(Escape(frame.FooterNote)).Append("<br>")
            .Append(frame.ManageUrl is null ? "" : (Link(frame.ManageUrl, "Change topics or frequency, or pause") ?? Escape("Manage: " + frame.ManageUrl)) + " &middot; ")
            .Append(Link(frame.UnsubscribeUrl, "Unsubscribe") ?? Escape("Unsubscribe: " + frame.UnsubscribeUrl))
            .Append("</td></tr>\n</table>\n</td></tr>\n</table>\n</body>\n</html>\n");
        return html.ToString();
    }

    /// <summary>One item as a self-contained block of HTML (inline styles), as in the email: what the Atom feeds carry as entry content.</summary>
    public static string RenderItem(DigestItem item)
    {
        ArgumentNullException.ThrowIfNull(item);
        var html = new StringBuilder(1024);
        html.Append("<table role=\"presentation\" width=\"100%\" cellpadding=\"0\" cellspacing=\"0\" border=\"0\">\n");
        AppendItem(html, item);
        return html.Append("</table>\n").ToString();
    }

    private static void AppendItem(StringBuilder html, DigestItem item)
    {
        var (label, color) = item.Status switch
        {
            DigestStatus.Disputed => ("Disputed", "#b42318"),
            DigestStatus.Reversed => ("Reversed", "#b54708"),
            _ => ("New", "#067647"),
        };
        html.Append("<tr><td style=\"padding:6px 0;\">")
            .Append("<table role=\"presentation\" class=\"card\" width=\"100%\" cellpadding=\"0\" cellspacing=\"0\" border=\"0\" style=\"background-color:#ffffff;border:1px solid #d8dee4;border-radius:6px;\">\n")
            .Append(CultureInfo.InvariantCulture, $"<tr><td style=\"padding:12px 14px;font-size:15px;line-height:1.45;{Wrap}\">")
            .Append(CultureInfo.InvariantCulture, $"<span style=\"display:inline-block;padding:1px 6px;border-radius:4px;background-color:{color};color:#ffffff;font-size:11px;font-weight:bold;text-transform:uppercase;\">{label}</span> ")
            .Append("<strong>").Append(Escape(item.Claim)).Append("</strong>");

        foreach (var source in item.Asserting)
        {
            AppendSource(html, "Asserted by", source);
        }

        foreach (var source in item.Disputing)
        {
            AppendSource(html, "Disputed by", source);
        }

        if (item.Corroborations > 0)
        {
            html.Append(CultureInfo.InvariantCulture, $"<div class=\"muted\" style=\"margin-top:6px;font-size:13px;color:#59636e;\">Corroborated by {item.Corroborations} more independent source{(item.Corroborations == 1 ? "" : "s")}</div>");
        }

        foreach (var why in item.Why)
        {
            html.Append("<div class=\"muted\" style=\"margin-top:6px;font-size:13px;color:#59636e;\"><em>Why:</em> ").Append(Escape(why)).Append("</div>");
        }

        if (item.Link is not null && Link(item.Link, "See it on the story page") is { } story)
        {
            html.Append("<div style=\"margin-top:8px;font-size:13px;\">").Append(story).Append("</div>");
        }

        html.Append("</td></tr>\n</table>\n</td></tr>\n");
    }

    private static void AppendSource(StringBuilder html, string side, DigestSource source)
    {
        var name = string.IsNullOrWhiteSpace(source.Outlet) || string.Equals(source.Outlet, source.Source, StringComparison.OrdinalIgnoreCase)
            ? source.Source
            : $"{source.Source} ({source.Outlet})";
        var date = source.Published?.UtcDateTime.ToString("d MMM yyyy", CultureInfo.InvariantCulture);
        html.Append("<div style=\"margin-top:8px;font-size:14px;\">")
            .Append(side).Append(' ')
            .Append(source.Url is null ? Escape(name) : Link(source.Url, name) ?? Escape(name));
        if (date is not null)
        {
            html.Append("<span class=\"muted\" style=\"color:#59636e;\">, ").Append(date).Append("</span>");
        }

        html.Append("<div class=\"muted\" style=\"margin-top:2px;font-size:13px;color:#59636e;\">&ldquo;").Append(Escape(source.Sentence)).Append("&rdquo;</div></div>");
    }

    /// <summary>An anchor for an absolute http(s) URL (escaped as an attribute), else null.</summary>
    private static string? Link(string url, string text)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            return null;
        }

        return $"<a href=\"{Escape(uri.AbsoluteUri)}\" style=\"color:#0b5cad;\">{Escape(text)}</a>";
    }

    /// <summary>HTML-escapes feed text, with control characters (line breaks, NUL) turned into spaces.</summary>
    private static string Escape(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "";
        }

        var cleaned = new StringBuilder(value.Length);
        foreach (var c in value)
        {
            cleaned.Append(char.IsControl(c) ? ' ' : c);
        }

        return WebUtility.HtmlEncode(cleaned.ToString().Trim());
    }
}
