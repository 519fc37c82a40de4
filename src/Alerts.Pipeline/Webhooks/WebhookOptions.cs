using System.ComponentModel.DataAnnotations;

namespace Alerts.Pipeline.Webhooks;

/// <summary>
/// Webhook delivery (configuration section <c>Webhooks</c>). Every post goes through the guarded HTTP client, so
/// <c>Fetch:AllowPrivateAddresses</c> and <c>Fetch:AllowedNetworks</c> decide which addresses may be reached.
/// </summary>
public sealed class WebhookOptions : IValidatableObject
{
    public const string Section = "Webhooks";

    /// <summary>Time allowed for one post, answer included. Default 10 s; 1 s to 2 min.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:02:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Bytes of an answer read (for the error message); the rest is left unread. Default 16,384.</summary>
    [Range(0, 1_048_576)]
    public int MaxResponseBytes { get; set; } = 16_384;

    /// <summary>Posts per delivery attempt: the first and the retries after 408, 429, 5xx, a timeout or a network error. Default 3; 1 to 10.</summary>
    [Range(1, 10)]
    public int MaxAttempts { get; set; } = 3;

    /// <summary>The first retry's wait, doubling (with jitter) for the next; Retry-After wins when the endpoint sends it. Default 2 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The longest wait between two posts, Retry-After included. Default 1 min.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Failed delivery attempts in a row (each after its retries) that disable the channel. Default 5, which is
    /// also the number of tries the queue gives a message, so the fifth failure of one digest disables the
    /// channel and that digest still goes out, by email. 1 to 5.
    /// </summary>
    [Range(1, 5)]
    public int DisableAfterFailures { get; set; } = 5;

    /// <summary>
    /// Failing for this long (from the first failure of a run without success) also disables the channel, whatever
    /// the count. Default 24 h; 1 min to 24 h (a digest left pending longer is given up by the digest schedule).
    /// </summary>
    [Range(typeof(TimeSpan), "00:01:00", "1.00:00:00")]
    public TimeSpan DisableAfter { get; set; } = TimeSpan.FromHours(24);

    /// <summary>
    /// Accept <c>http://</c> webhook URLs whose host is a loopback address (127.0.0.1, ::1, localhost): for local
    /// testing only. Default false: webhook URLs must be https. The address guard still applies.
    /// </summary>
    public bool AllowHttpLoopback { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (MaxRetryDelay < RetryDelay)
        {
            yield return new ValidationResult(
                $"webhooks: Webhooks:MaxRetryDelay ({MaxRetryDelay}) must not be shorter than Webhooks:RetryDelay ({RetryDelay})",
                [nameof(MaxRetryDelay)]);
        }
    }
}
