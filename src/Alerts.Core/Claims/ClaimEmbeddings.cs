using System.Text.Json;
using System.Text.Json.Serialization;

namespace Alerts.Core.Claims;

/// <summary>
/// Where "same proposition" and "about the claim" are decided by meaning: each claim's sentence is embedded
/// once per article (<see cref="Attach"/>), members keep their vectors, and cosines compare them.
/// </summary>
public static class ClaimEmbeddings
{
    /// <summary>The claims with their sentence embeddings attached, in one batch.</summary>
    public static IReadOnlyList<Claim> Attach(IReadOnlyList<Claim> claims, SentenceEmbedder embedder)
    {
        ArgumentNullException.ThrowIfNull(claims);
        ArgumentNullException.ThrowIfNull(embedder);
        if (claims.Count == 0)
        {
            return claims;
        }

        var vectors = embedder.Embed(claims.Select(c => c.Text).ToList());
        return claims.Select((c, i) => c with { Embedding = vectors[i] }).ToList();
    }

    /// <summary>The cosine of two unit vectors, or NaN when either is missing (a claim or member stored without one).</summary>
    public static double Cosine(float[]? a, float[]? b) =>
        a is null || b is null || a.Length != b.Length ? double.NaN : SentenceEmbedder.Cosine(a, b);

    /// <summary>The highest cosine between <paramref name="vector"/> and the members that pass <paramref name="filter"/>; NaN when none can be compared.</summary>
    public static double Nearest(float[]? vector, IEnumerable<ClusterMember> members, Func<ClusterMember, bool>? filter = null)
    {
        ArgumentNullException.ThrowIfNull(members);
        var best = double.NaN;
        foreach (var member in members)
        {
            if (filter is not null && !filter(member))
            {
                continue;
            }

            var cosine = Cosine(vector, member.Embedding);
            if (!double.IsNaN(cosine) && (double.IsNaN(best) || cosine > best))
            {
                best = cosine;
            }
        }

        return best;
    }
}

/// <summary>A float vector as base64 of IEEE half-precision values: a quarter of the size of a JSON number list, and precise enough for cosines.</summary>
public sealed class HalfVectorJsonConverter : JsonConverter<float[]?>
{
    public override bool HandleNull => true;

    public override float[]? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        var bytes = reader.GetBytesFromBase64();
        if (bytes.Length % 2 != 0)
        {
            throw new JsonException("claims: an embedding's base64 holds an odd number of bytes");
        }

        var halves = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, Half>(bytes);
        var vector = new float[halves.Length];
        for (var i = 0; i < halves.Length; i++)
        {
            vector[i] = (float)halves[i];
        }

        return vector;
    }

    public override void Write(Utf8JsonWriter writer, float[]? value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (value is null)
        {
            writer.WriteNullValue();
            return;
        }

        var halves = new Half[value.Length];
        for (var i = 0; i < value.Length; i++)
        {
            halves[i] = (Half)value[i];
        }

        writer.WriteBase64StringValue(System.Runtime.InteropServices.MemoryMarshal.AsBytes(halves.AsSpan()));
    }
}
