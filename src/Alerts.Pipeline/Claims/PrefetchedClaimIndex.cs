using Alerts.Core.Claims;
using Alerts.Pipeline.Storage;

namespace Alerts.Pipeline.Claims;

/// <summary>
/// The engine reads clusters synchronously through <see cref="IClaimIndex"/>; the stores are asynchronous.
/// So the candidates of each claim's signature are fetched from the store before the engine runs and served
/// from here. A signature that was not prefetched (the engine derived it) is answered from the union of
/// what was fetched, ranked by shared keys.
/// </summary>
public sealed class PrefetchedClaimIndex : IClaimIndex
{
    private readonly Dictionary<string, IReadOnlyList<ClaimCluster>> _bySignature = new(StringComparer.Ordinal);
    private readonly InMemoryClaimIndex _union = new();

    public static async Task<PrefetchedClaimIndex> LoadAsync(
        IClaimStore store, string topicId, IEnumerable<ClaimSignature> signatures, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(signatures);
        var index = new PrefetchedClaimIndex();
        foreach (var signature in signatures)
        {
            var key = KeyOf(signature);
            if (index._bySignature.ContainsKey(key))
            {
                continue;
            }

            var candidates = await store.FindCandidatesAsync(topicId, signature.IndexKeys().ToList(), limit, cancellationToken);
            index._bySignature[key] = candidates;
            foreach (var cluster in candidates)
            {
                index._union.Upsert(cluster);
            }
        }

        return index;
    }

    public IReadOnlyList<ClaimCluster> Candidates(string topicId, ClaimSignature signature, int limit)
    {
        ArgumentNullException.ThrowIfNull(signature);
        return _bySignature.TryGetValue(KeyOf(signature), out var candidates)
            ? candidates.Take(limit).ToList()
            : _union.Candidates(topicId, signature, limit);
    }

    private static string KeyOf(ClaimSignature signature) => string.Join('\n', signature.IndexKeys().Order(StringComparer.Ordinal));
}
