using System.Security.Cryptography;
using System.Text;

namespace Alerts.Tests.Webhooks;

/// <summary>
/// The receiver's own check of a generic webhook, written from the Standard Webhooks specification, not from our
/// signer. The lines between the README markers are the C# example in the README, word for word (a test checks).
/// </summary>
public static class StandardWebhookVerifier
{
    // README:begin
    public static bool Verify(string secret, string id, string timestamp, string signatures, byte[] body, DateTimeOffset now)
    {
        if (!long.TryParse(timestamp, out var sent) || Math.Abs(now.ToUnixTimeSeconds() - sent) > 300)
        {
            return false; // too old or from the future: a replay
        }

        var key = Convert.FromBase64String(secret["whsec_".Length..]);
        var signed = Encoding.UTF8.GetBytes($"{id}.{timestamp}.").Concat(body).ToArray();
        var expected = Encoding.ASCII.GetBytes(Convert.ToBase64String(HMACSHA256.HashData(key, signed)));
        return signatures.Split(' ').Any(s => s.StartsWith("v1,", StringComparison.Ordinal)
            && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(s[3..]), expected));
    }
    // README:end
}
