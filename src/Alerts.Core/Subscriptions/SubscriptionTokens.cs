using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Alerts.Core.Subscriptions;

/// <summary>What a signed link lets its holder do.</summary>
public enum TokenPurpose
{
    Confirm,
    Unsubscribe,
    Manage,
}

/// <summary>The outcome of checking a token; only <see cref="Valid"/> carries a subscription id.</summary>
public enum TokenStatus
{
    Valid,

    /// <summary>Not a token of this format at all (wrong shape, bad base64, bad payload).</summary>
    Malformed,

    /// <summary>Signed with a key id that is not (or no longer) configured.</summary>
    UnknownKey,

    /// <summary>The signature does not match: the token was altered or forged.</summary>
    BadSignature,
    Expired,

    /// <summary>A genuine token for another purpose (an unsubscribe token used to confirm, say).</summary>
    WrongPurpose,
}

public sealed record TokenCheck(TokenStatus Status, string? SubscriptionId, DateTimeOffset? IssuedAt)
{
    public bool IsValid => Status == TokenStatus.Valid;

    /// <summary>A sentence for logs and error pages.</summary>
    public string Error => Status switch
    {
        TokenStatus.Valid => "",
        TokenStatus.Malformed => "subscriptions: the link is malformed",
        TokenStatus.UnknownKey => "subscriptions: the link was signed with a key that is no longer configured",
        TokenStatus.BadSignature => "subscriptions: the link's signature does not match",
        TokenStatus.Expired => "subscriptions: the link has expired",
        TokenStatus.WrongPurpose => "subscriptions: the link is not meant for this action",
        _ => "subscriptions: the link is invalid",
    };
}

/// <summary>
/// Signs and checks the tokens in confirm, unsubscribe and manage links.
/// </summary>
/// <remarks>
/// Format: <c>v1.&lt;key id&gt;.&lt;payload&gt;.&lt;signature&gt;</c>, where the payload is base64url of
/// <c>purpose|subscription id|issued (unix seconds)|expires (unix seconds, empty for never)</c> and the
/// signature is base64url of HMAC-SHA256 over everything before it. A token names the subscription and
/// nothing else (no address), so a leaked link says nothing about who it belongs to. Confirm tokens live
/// <see cref="TokenOptions.ConfirmLifetime"/>, manage tokens <see cref="TokenOptions.ManageLifetime"/>,
/// unsubscribe tokens forever (an old digest's unsubscribe link must keep working).
/// </remarks>
public sealed class SubscriptionTokens
{
    private const string Version = "v1";
    private readonly Dictionary<string, byte[]> _keys = new(StringComparer.Ordinal);
    private readonly TokenOptions _options;
    private readonly TimeProvider _clock;

    public SubscriptionTokens(TokenOptions options, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(clock);
        var problems = options.Validate(new System.ComponentModel.DataAnnotations.ValidationContext(options)).ToList();
        if (problems.Count > 0)
        {
            throw new ArgumentException(problems[0].ErrorMessage, nameof(options));
        }

        foreach (var key in options.Keys)
        {
            key.TryGetSecret(out var secret);
            _keys[key.Id] = secret;
        }

        _options = options;
        _clock = clock;
    }

    /// <summary>A token for <paramref name="purpose"/> on <paramref name="subscriptionId"/>, signed with the active key.</summary>
    public string Create(TokenPurpose purpose, string subscriptionId)
    {
        if (string.IsNullOrEmpty(subscriptionId) || subscriptionId.Length > 128 || subscriptionId.Any(c => c == '|' || char.IsControl(c)))
        {
            throw new ArgumentException("subscriptions: a token needs a subscription id of 1-128 characters without '|' or control characters", nameof(subscriptionId));
        }

        var issued = _clock.GetUtcNow().ToUnixTimeSeconds();
        long? expires = purpose switch
        {
            TokenPurpose.Confirm => issued + (long)_options.ConfirmLifetime.TotalSeconds,
            TokenPurpose.Manage => issued + (long)_options.ManageLifetime.TotalSeconds,
            _ => null,
        };
        var payload = string.Join('|', PurposeCode(purpose), subscriptionId, issued.ToString(CultureInfo.InvariantCulture), expires?.ToString(CultureInfo.InvariantCulture) ?? "");
        var signed = $"{Version}.{_options.ActiveKeyId}.{Base64Url.EncodeToString(Encoding.UTF8.GetBytes(payload))}";
        return signed + "." + Base64Url.EncodeToString(Sign(_keys[_options.ActiveKeyId], signed));
    }

    /// <summary>Checks <paramref name="token"/> for <paramref name="purpose"/>: shape, key, signature, purpose, then expiry.</summary>
    public TokenCheck Verify(string? token, TokenPurpose purpose)
    {
        var parts = (token ?? "").Split('.');
        if (parts.Length != 4 || parts[0] != Version || !TokenKey.IsValidId(parts[1]) || parts[2].Length is 0 or > 1024)
        {
            return Fail(TokenStatus.Malformed);
        }

        if (!_keys.TryGetValue(parts[1], out var key))
        {
            return Fail(TokenStatus.UnknownKey);
        }

        byte[] signature;
        byte[] payloadBytes;
        try
        {
            signature = Base64Url.DecodeFromChars(parts[3]);
            payloadBytes = Base64Url.DecodeFromChars(parts[2]);
        }
        catch (FormatException)
        {
            return Fail(TokenStatus.Malformed);
        }

        var expected = Sign(key, $"{parts[0]}.{parts[1]}.{parts[2]}");
        if (!CryptographicOperations.FixedTimeEquals(expected, signature))
        {
            return Fail(TokenStatus.BadSignature);
        }

        // Past this point the payload is ours, so a shape problem is a bug rather than an attack; still, no throw.
        var fields = Encoding.UTF8.GetString(payloadBytes).Split('|');
        if (fields.Length != 4
            || !TryParsePurpose(fields[0], out var tokenPurpose)
            || fields[1].Length == 0
            || !long.TryParse(fields[2], NumberStyles.None, CultureInfo.InvariantCulture, out var issued))
        {
            return Fail(TokenStatus.Malformed);
        }

        long? expires = null;
        if (fields[3].Length > 0)
        {
            if (!long.TryParse(fields[3], NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
            {
                return Fail(TokenStatus.Malformed);
            }

            expires = parsed;
        }

        var issuedAt = DateTimeOffset.FromUnixTimeSeconds(issued);
        if (tokenPurpose != purpose)
        {
            return new TokenCheck(TokenStatus.WrongPurpose, null, issuedAt);
        }

        if (expires is { } e && _clock.GetUtcNow().ToUnixTimeSeconds() >= e)
        {
            return new TokenCheck(TokenStatus.Expired, null, issuedAt);
        }

        return new TokenCheck(TokenStatus.Valid, fields[1], issuedAt);
    }

    private static TokenCheck Fail(TokenStatus status) => new(status, null, null);

    private static byte[] Sign(byte[] key, string signed) => HMACSHA256.HashData(key, Encoding.ASCII.GetBytes(signed));

    private static string PurposeCode(TokenPurpose purpose) => purpose switch
    {
        TokenPurpose.Confirm => "c",
        TokenPurpose.Unsubscribe => "u",
        TokenPurpose.Manage => "m",
        _ => throw new ArgumentOutOfRangeException(nameof(purpose)),
    };

    private static bool TryParsePurpose(string code, out TokenPurpose purpose)
    {
        (var ok, purpose) = code switch
        {
            "c" => (true, TokenPurpose.Confirm),
            "u" => (true, TokenPurpose.Unsubscribe),
            "m" => (true, TokenPurpose.Manage),
            _ => (false, TokenPurpose.Confirm),
        };
        return ok;
    }
}
