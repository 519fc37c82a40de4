using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Alerts.Core.Webhooks;

/// <summary>
/// Signing as the Standard Webhooks specification says: the secret is <c>whsec_</c> followed by the base64 of
/// random key bytes; the signature is <c>v1,</c> followed by the base64 HMAC-SHA256, under those bytes, of
/// <c>{webhook-id}.{webhook-timestamp}.{body}</c>, the timestamp in integer Unix seconds.
/// </summary>
public static class WebhookSignature
{
    public const string SecretPrefix = "whsec_";

    /// <summary>Key bytes per secret: 32, inside the 24–64 the specification recommends.</summary>
    public const int SecretBytes = 32;

    /// <summary>A new random secret, <c>whsec_</c> + base64 of 32 bytes.</summary>
    public static string NewSecret() => SecretPrefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(SecretBytes));

    /// <summary>The value of the <c>webhook-signature</c> header for this message.</summary>
    /// <exception cref="ArgumentException"><paramref name="secret"/> is not <c>whsec_</c> followed by base64.</exception>
    public static string Sign(string secret, string id, long timestamp, ReadOnlySpan<byte> body)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        var key = KeyOf(secret);
        var prefix = Encoding.UTF8.GetBytes(id + "." + timestamp.ToString(CultureInfo.InvariantCulture) + ".");
        var content = new byte[prefix.Length + body.Length];
        prefix.CopyTo(content, 0);
        body.CopyTo(content.AsSpan(prefix.Length));
        return "v1," + Convert.ToBase64String(HMACSHA256.HashData(key, content));
    }

    /// <summary>Whether <paramref name="secret"/> has the form this product generates and signs with.</summary>
    public static bool IsValidSecret(string? secret)
    {
        if (secret is null || !secret.StartsWith(SecretPrefix, StringComparison.Ordinal))
        {
            return false;
        }

        Span<byte> buffer = stackalloc byte[128];
        return Convert.TryFromBase64String(secret[SecretPrefix.Length..], buffer, out var written) && written is >= 24 and <= 64;
    }

    private static byte[] KeyOf(string secret) => IsValidSecret(secret)
        ? Convert.FromBase64String(secret[SecretPrefix.Length..])
        : throw new ArgumentException("webhooks: the signing secret must be whsec_ followed by the base64 of 24 to 64 bytes", nameof(secret));
}
