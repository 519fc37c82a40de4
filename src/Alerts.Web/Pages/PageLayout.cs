using Microsoft.AspNetCore.Http;

namespace Alerts.Web.Pages;

/// <summary>The frame every page shares (skip link, header, main, footer) and the HTML responses.</summary>
internal static class PageLayout
{
    public static HtmlContent Render(string title, HtmlContent body) => Html.Of($"""
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{title} · Alerts</title>
        <link rel="stylesheet" href="{StaticAsset.Stylesheet.VersionedPath}">
        <script src="{StaticAsset.Script.VersionedPath}" defer></script>
        </head>
        <body>
        <a class="skip" href="#main">Skip to main content</a>
        <header class="site"><div class="wrap"><a class="brand" href="/">Alerts</a></div></header>
        <main id="main" class="wrap" tabindex="-1">
        <h1>{title}</h1>
        {body}
        </main>
        <footer class="wrap">Alerts emails a digest when a topic you follow gets a new claim or a contradiction. Every email has an unsubscribe link.</footer>
        </body>
        </html>
        """);

    /// <summary>
    /// A page with <paramref name="status"/>. Never stored by browsers or proxies: token pages carry their
    /// token in the URL and form pages a CSRF value bound to the visitor's cookie.
    /// </summary>
    public static IResult Page(HttpContext context, int status, string title, HtmlContent body)
    {
        context.Response.Headers.CacheControl = "no-store";
        return Results.Content(Render(title, body).Value, "text/html; charset=utf-8", statusCode: status);
    }

    /// <summary>A message page: a few paragraphs and, when given, one link onwards.</summary>
    public static IResult Message(HttpContext context, int status, string title, string text, string? linkText = null, string? linkHref = null, bool problem = false)
    {
        var link = linkText is null ? HtmlContent.Empty : Html.Of($"""<p><a href="{linkHref}">{linkText}</a></p>""");
        var notice = problem ? "notice problem" : "notice";
        return Page(context, status, title, Html.Of($"""<p class="{notice}">{text}</p>{link}"""));
    }

    /// <summary>A message from a use case without its component prefix ("subscriptions: ..."), which is for logs.</summary>
    public static string ForPeople(string message)
    {
        var text = WithoutComponent(message);
        return text.Length > 0 ? char.ToUpperInvariant(text[0]) + text[1..] : text;
    }

    public static string WithoutComponent(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var colon = message.IndexOf(": ", StringComparison.Ordinal);
        return colon is > 0 and < 20 && message[..colon].All(char.IsAsciiLetterLower) ? message[(colon + 2)..] : message;
    }
}
