using System.Collections.Frozen;

namespace Alerts.Core.Topics;

/// <summary>A topic an article matched, and the clauses that made it match (the digest's "why").</summary>
public sealed record TopicMatch(string TopicId, IReadOnlyList<string> MatchedClauses);

/// <summary>Size of a percolator's index; <see cref="LastCandidates"/> is from the most recent match on any thread.</summary>
public sealed record PercolatorStats(int Topics, int AlwaysEvaluated, int IndexedTerms, int IndexedPrefixes, int LastCandidates);

/// <summary>
/// Matches an article against every topic by indexing the topics rather than the articles. Each query
/// is reduced to a few keys (<see cref="Presearch"/>), one per OR branch and the rarest of each AND;
/// the article's terms look up the topics listing them, and only those candidates, plus the topics
/// with no keys, are evaluated in full. An immutable snapshot: <see cref="With"/> and
/// <see cref="Without"/> build a new one, which is cheap enough (milliseconds for 10,000 topics).
/// </summary>
public sealed class Percolator
{
    private readonly CompiledTopic[] topics;
    private readonly TermStatistics statistics;
    private readonly FrozenDictionary<string, int[]> byTerm;
    private readonly Dictionary<string, int[]> byPrefix;
    private readonly Dictionary<string, int[]>.AlternateLookup<ReadOnlySpan<char>> byPrefixSpan;
    private readonly int[] prefixLengths;
    private readonly int[] alwaysEvaluated;
    private int lastCandidates;

    public Percolator(IEnumerable<CompiledTopic> topics, TermStatistics? statistics = null)
    {
        ArgumentNullException.ThrowIfNull(topics);
        this.statistics = statistics ?? TermStatistics.Heuristic;
        this.topics = topics.ToArray();
        var terms = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        var prefixes = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        var always = new List<int>();
        for (var i = 0; i < this.topics.Length; i++)
        {
            var keys = Presearch.Keys(this.topics[i].Query.Root, this.statistics);
            if (keys is null)
            {
                always.Add(i);
                continue;
            }

            foreach (var key in keys)
            {
                var index = key.IsPrefix ? prefixes : terms;
                if (!index.TryGetValue(key.Text, out var list))
                {
                    list = [];
                    index.Add(key.Text, list);
                }

                list.Add(i);
            }
        }

        byTerm = terms.ToFrozenDictionary(p => p.Key, p => p.Value.ToArray(), StringComparer.Ordinal);
        byPrefix = prefixes.ToDictionary(p => p.Key, p => p.Value.ToArray(), StringComparer.Ordinal);
        byPrefixSpan = byPrefix.GetAlternateLookup<ReadOnlySpan<char>>();
        prefixLengths = byPrefix.Keys.Select(k => k.Length).Distinct().Order().ToArray();
        alwaysEvaluated = [.. always];
    }

    public IReadOnlyList<CompiledTopic> Topics => topics;

    public PercolatorStats Stats => new(topics.Length, alwaysEvaluated.Length, byTerm.Count, byPrefix.Count, Volatile.Read(ref lastCandidates));

    /// <summary>A new percolator with <paramref name="topic"/> added, replacing a topic with the same id.</summary>
    public Percolator With(CompiledTopic topic)
    {
        ArgumentNullException.ThrowIfNull(topic);
        return new Percolator(topics.Where(t => t.Id != topic.Id).Append(topic), statistics);
    }

    /// <summary>A new percolator without the topic of that id.</summary>
    public Percolator Without(string topicId) => new(topics.Where(t => t.Id != topicId), statistics);

    /// <summary>The topics the article matches, in the order the topics were given.</summary>
    public IReadOnlyList<TopicMatch> Match(AnalyzedArticle article)
    {
        ArgumentNullException.ThrowIfNull(article);
        var candidates = Candidates(article);
        Volatile.Write(ref lastCandidates, candidates.Count);
        var matches = new List<TopicMatch>();
        foreach (var i in candidates)
        {
            var topic = topics[i];
            if (topic.Matches(article))
            {
                matches.Add(new TopicMatch(topic.Id, QueryEvaluator.Explain(topic.Query, article)));
            }
        }

        return matches;
    }

    /// <summary>Indexes of the topics whose keys the article contains, plus the always-evaluated ones, ascending.</summary>
    private List<int> Candidates(AnalyzedArticle article)
    {
        var seen = new ulong[(topics.Length + 63) / 64];
        var candidates = new List<int>();
        void Add(int[] indexes)
        {
            foreach (var i in indexes)
            {
                ref var word = ref seen[i >> 6];
                var bit = 1UL << (i & 63);
                if ((word & bit) == 0)
                {
                    word |= bit;
                    candidates.Add(i);
                }
            }
        }

        Add(alwaysEvaluated);
        foreach (var term in article.Terms)
        {
            if (byTerm.TryGetValue(term, out var listed))
            {
                Add(listed);
            }

            foreach (var length in prefixLengths)
            {
                if (length > term.Length)
                {
                    break;
                }

                if (byPrefixSpan.TryGetValue(term.AsSpan(0, length), out var byThisPrefix))
                {
                    Add(byThisPrefix);
                }
            }
        }

        candidates.Sort();
        return candidates;
    }
}
