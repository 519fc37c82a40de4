using System.ComponentModel.DataAnnotations;

namespace Alerts.Web.Security;

/// <summary>One limit: at most <see cref="Permits"/> requests per <see cref="Window"/> for one key.</summary>
public sealed class ThrottleLimit
{
    public int Permits { get; set; }

    public TimeSpan Window { get; set; }
}

/// <summary>
/// How often the public endpoints may be called (configuration section <c>Web:RateLimits</c>). The subscribe
/// limits protect people from being mailed by strangers and the app from being used to send mail; the looser
/// one covers the other public POSTs (confirm, unsubscribe, manage).
/// </summary>
public sealed class ThrottleOptions : IValidatableObject
{
    public const string Section = "Web:RateLimits";

    /// <summary>Subscribe requests per normalised address. Default 3 per hour.</summary>
    public ThrottleLimit SubscribePerEmail { get; set; } = new() { Permits = 3, Window = TimeSpan.FromHours(1) };

    /// <summary>Subscribe requests per client address (IPv6 clients by /64). Default 10 per hour.</summary>
    public ThrottleLimit SubscribePerClient { get; set; } = new() { Permits = 10, Window = TimeSpan.FromHours(1) };

    /// <summary>Other public POSTs and PUTs per client address. Default 30 per minute.</summary>
    public ThrottleLimit PublicPerClient { get; set; } = new() { Permits = 30, Window = TimeSpan.FromMinutes(1) };

    /// <summary>How many keys are tracked at most; when full (and nothing has expired) new keys are refused. Default 100000.</summary>
    [Range(100, 10_000_000)]
    public int MaxTrackedKeys { get; set; } = 100_000;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var (name, limit) in new[] { (nameof(SubscribePerEmail), SubscribePerEmail), (nameof(SubscribePerClient), SubscribePerClient), (nameof(PublicPerClient), PublicPerClient) })
        {
            if (limit is null || limit.Permits is < 1 or > 1_000_000)
            {
                yield return new ValidationResult($"web: {Section}:{name}:Permits must be 1-1000000", [name]);
            }

            if (limit is null || limit.Window < TimeSpan.FromSeconds(1) || limit.Window > TimeSpan.FromDays(1))
            {
                yield return new ValidationResult($"web: {Section}:{name}:Window must be between 00:00:01 and 1.00:00:00", [name]);
            }
        }
    }
}
