using System.ComponentModel.DataAnnotations;

namespace Alerts.Pipeline.Subscriptions;

/// <summary>
/// The public face of the app (configuration section <c>Site</c>): the base URL that confirm and
/// unsubscribe links in emails point to.
/// </summary>
public sealed class SiteOptions : IValidatableObject
{
    public const string Section = "Site";

    /// <summary>
    /// Where the app's pages and API are reachable, e.g. <c>https://alerts.example.org</c>. Default
    /// <c>http://127.0.0.1:5080</c> (the local server). Only an https URL gives digests the one-click
    /// List-Unsubscribe header (RFC 8058 asks for https); the mailto form and the link in the body are always there.
    /// </summary>
    public Uri PublicBaseUrl { get; set; } = new("http://127.0.0.1:5080");

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!PublicBaseUrl.IsAbsoluteUri || (PublicBaseUrl.Scheme != Uri.UriSchemeHttps && PublicBaseUrl.Scheme != Uri.UriSchemeHttp))
        {
            yield return new ValidationResult($"subscriptions: Site:PublicBaseUrl '{PublicBaseUrl}' must be an absolute http(s) URL", [nameof(PublicBaseUrl)]);
        }
    }

    /// <summary>The base URL followed by <paramref name="pathAndQuery"/> (which starts with '/').</summary>
    public string Url(string pathAndQuery) => PublicBaseUrl.AbsoluteUri.TrimEnd('/') + pathAndQuery;
}
