using System.ComponentModel.DataAnnotations;

namespace Alerts.Core.Subscriptions;

/// <summary>
/// Keys that sign confirm, unsubscribe and manage links (configuration section <c>Tokens</c>). Tokens are
/// signed with <see cref="ActiveKeyId"/> and verified with any listed key, so a key is rotated by adding a
/// new one, making it active, and removing the old one once its links no longer matter.
/// </summary>
public sealed class TokenOptions : IValidatableObject
{
    public const string Section = "Tokens";

    /// <summary>The smallest secret accepted, in bytes (the HMAC-SHA256 block of security).</summary>
    public const int MinSecretBytes = 32;

    public IList<TokenKey> Keys { get; } = [];

    /// <summary>The id of the key new tokens are signed with; it must be one of <see cref="Keys"/>.</summary>
    public string ActiveKeyId { get; set; } = "";

    /// <summary>How long a confirmation link works. Default 7 days (pending subscriptions expire then too).</summary>
    [Range(typeof(TimeSpan), "00:01:00", "365.00:00:00")]
    public TimeSpan ConfirmLifetime { get; set; } = TimeSpan.FromDays(7);

    /// <summary>How long a manage link works. Default 30 days. Unsubscribe links never expire.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "365.00:00:00")]
    public TimeSpan ManageLifetime { get; set; } = TimeSpan.FromDays(30);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Keys.Count == 0)
        {
            yield return new ValidationResult("subscriptions: Tokens:Keys is empty; add a key with an Id and a base64 Secret of at least 32 bytes", [nameof(Keys)]);
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var key in Keys)
        {
            if (!TokenKey.IsValidId(key.Id))
            {
                yield return new ValidationResult($"subscriptions: Tokens:Keys id '{key.Id}' must be 1-32 letters, digits, '-' or '_'", [nameof(Keys)]);
            }
            else if (!seen.Add(key.Id))
            {
                yield return new ValidationResult($"subscriptions: Tokens:Keys id '{key.Id}' is listed twice", [nameof(Keys)]);
            }

            if (!key.TryGetSecret(out _))
            {
                yield return new ValidationResult($"subscriptions: Tokens:Keys secret of '{key.Id}' must be base64 of at least {MinSecretBytes} bytes", [nameof(Keys)]);
            }
        }

        if (Keys.Count > 0 && !Keys.Any(k => k.Id == ActiveKeyId))
        {
            yield return new ValidationResult($"subscriptions: Tokens:ActiveKeyId '{ActiveKeyId}' is not one of Tokens:Keys", [nameof(ActiveKeyId)]);
        }
    }
}

/// <summary>One signing key: a short id carried in each token and a base64 secret.</summary>
public sealed class TokenKey
{
    public string Id { get; set; } = "";

    public string Secret { get; set; } = "";

    internal static bool IsValidId(string? id) =>
        id is { Length: > 0 and <= 32 } && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    internal bool TryGetSecret(out byte[] secret)
    {
        secret = [];
        try
        {
            secret = Convert.FromBase64String(Secret ?? "");
        }
        catch (FormatException)
        {
            return false;
        }

        return secret.Length >= TokenOptions.MinSecretBytes;
    }
}
