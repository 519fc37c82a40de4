using System.ComponentModel.DataAnnotations;

namespace Alerts.Pipeline.Fetching;

/// <summary>
/// Settings of the guarded HTTP client (configuration section <c>Fetch</c>). Validated with data
/// annotations at start-up, so a bad value stops the host with a clear message instead of a late failure.
/// </summary>
public sealed class FetchOptions : IValidatableObject
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string SectionName = "Fetch";

    /// <summary>
    /// Total time allowed for one fetch: connecting, every redirect hop and reading the whole body.
    /// Default 20 seconds; between 1 second and 10 minutes.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>
    /// Total time allowed for finding a site's feed (<c>feeds add</c> of a site's address, the admin API's feed add):
    /// the page and every candidate it leads to, each of them also held to <see cref="Timeout"/>. Default 1 minute;
    /// between 1 second and 10 minutes, and not shorter than <see cref="Timeout"/>.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan DiscoveryTimeout { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Largest body accepted, in bytes after decompression (so a small gzip bomb cannot inflate past it).
    /// A larger declared Content-Length is refused before reading. Default 15,000,000; at least 1,024.
    /// </summary>
    [Range(1024d, 2_000_000_000d)]
    public long MaxBytes { get; set; } = 15_000_000;

    /// <summary>Redirects followed per fetch, each re-checked by the address guard. Default 5; 0 to 20.</summary>
    [Range(0, 20)]
    public int MaxRedirects { get; set; } = 5;

    /// <summary>The User-Agent header sent with every request; feed publishers like to know who polls them.</summary>
    [Required(AllowEmptyStrings = false)]
    public string UserAgent { get; set; } = "Alerts/1.0 (self-hosted; claim-level news alerts)";

    /// <summary>
    /// Allows loopback (127.0.0.0/8, ::1), private (10/8, 172.16/12, 192.168/16), shared CGNAT (100.64/10)
    /// and IPv6 unique-local (fc00::/7) addresses, for self-hosting next to the feeds. Default false.
    /// It never allows link-local, cloud metadata (169.254.169.254, 168.63.129.16, ...), multicast,
    /// broadcast or reserved addresses: only <see cref="AllowedNetworks"/> can.
    /// </summary>
    public bool AllowPrivateAddresses { get; set; }

    /// <summary>
    /// Networks always allowed, in CIDR notation ("127.0.0.1/32", "192.168.1.0/24", "fd00::/8"; a bare
    /// address means that one address). An entry here overrides every refusal of the address guard,
    /// including metadata addresses, so list only what you mean. Default empty.
    /// </summary>
    public IList<string> AllowedNetworks { get; } = [];

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (DiscoveryTimeout < Timeout)
        {
            yield return new ValidationResult(
                $"fetcher: Fetch:DiscoveryTimeout ({DiscoveryTimeout}) is shorter than Fetch:Timeout ({Timeout}), so one fetch could never use its own time",
                [nameof(DiscoveryTimeout)]);
        }

        foreach (var entry in AllowedNetworks)
        {
            if (!AddressGuard.TryParseNetwork(entry, out _))
            {
                yield return new ValidationResult(
                    $"fetcher: Fetch:AllowedNetworks entry '{entry}' is not a network such as 192.168.1.0/24 " +
                    "(the address must have no bits set past the prefix length)",
                    [nameof(AllowedNetworks)]);
            }
        }
    }
}
