using System.Text.Json;
using System.Text.Json.Serialization;

namespace Alerts.Pipeline.Digests;

/// <summary>Asks <c>SendDigest</c> to send the digest of one subscription for one window. Version 1.</summary>
public sealed record SendDigestMessage(string SubscriptionId, string WindowKey, int V = 1)
{
    public string Serialize() => JsonSerializer.Serialize(this, DigestJsonContext.Default.SendDigestMessage);
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(SendDigestMessage))]
public sealed partial class DigestJsonContext : JsonSerializerContext;
