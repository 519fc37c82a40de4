using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Alerts.Pipeline.Storage;
using Alerts.Pipeline.Subscriptions;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Alerts.Web.Security;

/// <summary>
/// CSRF protection for the pages' form posts: a signed double submit plus an origin check. The JSON API is not
/// covered (its one-click unsubscribe must work without cookies, RFC 8058); only page handlers call this.
/// </summary>
/// <remarks>
/// <para>A page with a form sets a random value in an HttpOnly, SameSite=Strict cookie and puts
/// HMAC-SHA256(key, value) in a hidden field. A post must bring both, and the field must be the MAC of the
/// cookie: another site can neither read nor set our cookie, and cannot compute the MAC without the key, which
/// the store generates and keeps like the token key (so it is shared by every instance and survives restarts).
/// Nothing is stored per visitor.</para>
/// <para>The origin check comes first. With Referrer-Policy no-referrer, browsers send <c>Origin: null</c> on
/// form posts, so <c>Origin</c> alone cannot tell our own forms apart; <c>Sec-Fetch-Site</c> can, and browsers
/// set it whatever the referrer policy. So: a real Origin must be ours (the public base URL's or the
/// request's own); a Sec-Fetch-Site must be <c>same-origin</c>; a client that sends neither is judged by the
/// token alone.</para>
/// </remarks>
public sealed class CsrfProtection(ISubscriptionStore store, IOptions<SiteOptions> site)
{
    public const string CookieName = "alerts_csrf";
    public const string FieldName = "csrf";
    private const string SecretId = "csrf:store";
    private const int CookieBytes = 32;

    private byte[]? _key;

    /// <summary>The hidden field's value for a form on this response; sets the cookie when the request has none.</summary>
    public async Task<string> IssueAsync(HttpContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var cookie = context.Request.Cookies[CookieName];
        if (!IsWellFormed(cookie))
        {
            cookie = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(CookieBytes));
            context.Response.Cookies.Append(CookieName, cookie, new CookieOptions
            {
                HttpOnly = true,
                SameSite = SameSiteMode.Strict,
                Secure = context.Request.IsHttps || site.Value.PublicBaseUrl.Scheme == Uri.UriSchemeHttps,
                Path = "/",
                IsEssential = true,
            });
        }

        return Base64Url.EncodeToString(await MacAsync(cookie!, cancellationToken));
    }

    /// <summary>Null when the post is our own form's; else why it is refused (for the log and the 400 page).</summary>
    public async Task<string?> CheckAsync(HttpContext context, IFormCollection form, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(form);
        var origin = context.Request.Headers.Origin.ToString();
        if (origin.Length > 0 && origin != "null" && !IsOwnOrigin(context.Request, origin))
        {
            return "csrf: the form was posted from another site";
        }

        var fetchSite = context.Request.Headers["Sec-Fetch-Site"].ToString();
        if (fetchSite.Length > 0 && fetchSite != "same-origin")
        {
            return "csrf: the form was posted from another site";
        }

        var cookie = context.Request.Cookies[CookieName];
        if (!IsWellFormed(cookie))
        {
            return "csrf: the form's cookie is missing (cookies blocked, or the page is too old)";
        }

        byte[] field;
        try
        {
            field = Base64Url.DecodeFromChars(form[FieldName].ToString());
        }
        catch (FormatException)
        {
            return "csrf: the form's check value is malformed";
        }

        var expected = await MacAsync(cookie!, cancellationToken);
        return CryptographicOperations.FixedTimeEquals(expected, field) ? null : "csrf: the form's check value does not match its cookie";
    }

    private bool IsOwnOrigin(HttpRequest request, string origin)
    {
        var publicOrigin = site.Value.PublicBaseUrl.GetLeftPart(UriPartial.Authority);
        var requestOrigin = request.Scheme + "://" + request.Host.Value;
        return string.Equals(origin, publicOrigin, StringComparison.OrdinalIgnoreCase)
            || string.Equals(origin, requestOrigin, StringComparison.OrdinalIgnoreCase);
    }

    private static bool IsWellFormed(string? cookie) =>
        cookie is { Length: 43 } && Base64Url.IsValid(cookie, out var length) && length == CookieBytes;

    private async Task<byte[]> MacAsync(string cookie, CancellationToken cancellationToken)
    {
        // Two concurrent first calls read the same secret: the store creates it once.
        _key ??= Convert.FromBase64String(await store.GetOrCreateSecretAsync(
            SecretId, () => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)), cancellationToken));
        return HMACSHA256.HashData(_key, Encoding.ASCII.GetBytes("csrf|" + cookie));
    }
}
