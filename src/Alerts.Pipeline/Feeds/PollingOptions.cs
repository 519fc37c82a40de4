using System.ComponentModel.DataAnnotations;

namespace Alerts.Pipeline.Feeds;

/// <summary>How often feeds are polled and how failures back off. Section <c>Polling</c>.</summary>
public sealed class PollingOptions : IValidatableObject
{
    public const string Section = "Polling";

    /// <summary>The shortest interval the app ever polls one feed at; a configured interval below it is an error.</summary>
    public static readonly TimeSpan Floor = TimeSpan.FromMinutes(5);

    /// <summary>How often each feed is polled when it is healthy. At least 5 minutes.</summary>
    public TimeSpan DefaultInterval { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>The longest wait after repeated errors (the back-off doubles per consecutive error up to this).</summary>
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Consecutive parse failures after which a feed is parked.</summary>
    [Range(1, 100)]
    public int ParkAfterParseFailures { get; set; } = 3;

    /// <summary>At most this many feeds are scheduled per tick; the rest wait for the next one.</summary>
    [Range(1, 100_000)]
    public int MaxFeedsPerTick { get; set; } = 500;

    /// <summary>Whether <c>file:</c> feed URLs may be read. Only the CLI sets it, for feeds in its own configuration.</summary>
    public bool AllowFileFeeds { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (DefaultInterval < Floor)
        {
            yield return new ValidationResult($"Polling:DefaultInterval must be at least {Floor} (got {DefaultInterval}).", [nameof(DefaultInterval)]);
        }

        if (MaxBackoff < DefaultInterval)
        {
            yield return new ValidationResult("Polling:MaxBackoff must not be shorter than Polling:DefaultInterval.", [nameof(MaxBackoff)]);
        }
    }
}
