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
        var idsBySignature = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var signature in signatures)
        {
            var key = KeyOf(signature);
            if (!idsBySignature.ContainsKey(key))
            {
                idsBySignature[key] = await store.FindCandidateIdsAsync(topicId, signature.IndexKeys().ToList(), limit, cancellationToken);
            }
        }

        // Claims of one article share most candidates: each cluster is read once.
        var clusters = await store.GetClustersAsync(idsBySignature.Values.SelectMany(ids => ids).ToHashSet(StringComparer.Ordinal), cancellationToken);
        var index = new PrefetchedClaimIndex();
        foreach (var (key, ids) in idsBySignature)
        {
            index._bySignature[key] = ids.Where(clusters.ContainsKey).Select(id => clusters[id]).ToList();
        }

        foreach (var cluster in clusters.Values)
        {
            index._union.Upsert(cluster);
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
