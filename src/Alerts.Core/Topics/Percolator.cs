using System.Collections.Frozen;

namespace Alerts.Core.Topics;

/// <summary>A topic an article matched, and the clauses that made it match (the digest's "why").</summary>
public sealed record TopicMatch(string TopicId, IReadOnlyList<string> MatchedClauses);

/// <summary>Size of a percolator's index; <see cref="LastCandidates"/> is from the most recent match on any thread.</summary>
public sealed record PercolatorStats(int Topics, int AlwaysEvaluated, int IndexedTerms, int IndexedPrefixes, int LastCandidates);

/// <summary>
/// Matches an article against every topic by indexing the topics rather than the articles. Each query
/// is reduced to two sets of keys (<see cref="PresearchKeys"/>): one key per OR branch, the rarest operand
/// of each AND in the first set and the next rarest in the second. The article's terms look up the
/// topics listing them; only topics hit in both sets (the candidates), plus the topics with no keys,
/// are evaluated in full. An immutable snapshot: <see cref="With"/> and
/// <see cref="Without"/> build a new one, which is cheap enough (tens of milliseconds for 10,000 topics).
/// </summary>
public sealed class Percolator
{
    private readonly CompiledTopic[] topics;
    private readonly Dictionary<string, CompiledTopic> byId = new(StringComparer.Ordinal);
    private readonly TermStatistics statistics;
    // Frozen: built once per topic change, looked up for every term of every article.
    private readonly FrozenDictionary<string, Postings> byTerm;
    private readonly FrozenDictionary<string, Postings> byPrefix;
    private readonly FrozenDictionary<string, Postings>.AlternateLookup<ReadOnlySpan<char>> byPrefixSpan;
    private readonly int[] prefixLengths;
    private readonly int[] alwaysEvaluated;
    private readonly bool[] singlePass;
    private readonly int indexedTerms;
    private int lastCandidates;

    public Percolator(IEnumerable<CompiledTopic> topics, TermStatistics? statistics = null)
    {
        ArgumentNullException.ThrowIfNull(topics);
        this.statistics = statistics ?? TermStatistics.Heuristic;
        this.topics = topics.ToArray();
        foreach (var topic in this.topics)
        {
            byId[topic.Id] = topic;
        }

        singlePass = new bool[this.topics.Length];
        var terms = new Dictionary<string, PostingsBuilder>(StringComparer.Ordinal);
        var prefixes = new Dictionary<string, PostingsBuilder>(StringComparer.Ordinal);
        var always = new List<int>();
        for (var i = 0; i < this.topics.Length; i++)
        {
            if (PresearchKeys.Extract(this.topics[i].Query.Root, this.statistics) is not { } keys)
            {
                always.Add(i);
                continue;
            }

            singlePass[i] = keys.IsSinglePass;
            foreach (var key in keys.First)
            {
                PostingsBuilder.For(key.IsPrefix ? prefixes : terms, key.Text).First.Add(i);
            }

            if (!singlePass[i])
            {
                foreach (var key in keys.Second)
                {
                    PostingsBuilder.For(key.IsPrefix ? prefixes : terms, key.Text).Second.Add(i);
                }
            }
        }

        indexedTerms = terms.Count;
        ExpandPrefixes(terms, prefixes, this.statistics.Vocabulary);
        byTerm = terms.ToFrozenDictionary(p => p.Key, p => p.Value.Build(), StringComparer.Ordinal);
        byPrefix = prefixes.ToFrozenDictionary(p => p.Key, p => p.Value.Build(), StringComparer.Ordinal);
        byPrefixSpan = byPrefix.GetAlternateLookup<ReadOnlySpan<char>>();
        prefixLengths = byPrefix.Keys.Select(k => k.Length).Distinct().Order().ToArray();
        alwaysEvaluated = [.. always];
    }

    /// <summary>
    /// Lists the topics of each prefix key under every known term (the statistics' vocabulary) starting
    /// with it, so that an article term found among the known terms needs no prefix lookups. Unknown
    /// terms are still looked up by prefix.
    /// </summary>
    private static void ExpandPrefixes(Dictionary<string, PostingsBuilder> terms, Dictionary<string, PostingsBuilder> prefixes, string[] vocabulary)
    {
        if (vocabulary.Length == 0)
        {
            return;
        }

        foreach (var term in vocabulary)
        {
            PostingsBuilder.For(terms, term).Known = true;
        }

        foreach (var (prefix, postings) in prefixes)
        {
            var i = Array.BinarySearch(vocabulary, prefix, StringComparer.Ordinal);
            for (i = i < 0 ? ~i : i; i < vocabulary.Length && vocabulary[i].StartsWith(prefix, StringComparison.Ordinal); i++)
            {
                var expanded = terms[vocabulary[i]];
                expanded.AddRange(postings);
            }
        }
    }

    public IReadOnlyList<CompiledTopic> Topics => topics;

    /// <summary>The topic with this id, or null.</summary>
    public CompiledTopic? Find(string topicId) => byId.GetValueOrDefault(topicId);

    public PercolatorStats Stats => new(topics.Length, alwaysEvaluated.Length, indexedTerms, byPrefix.Count, Volatile.Read(ref lastCandidates));

    /// <summary>A new percolator with <paramref name="topic"/> added, replacing a topic with the same id.</summary>
    public Percolator With(CompiledTopic topic)
    {
        ArgumentNullException.ThrowIfNull(topic);
        return new Percolator(topics.Where(t => t.Id != topic.Id).Append(topic), statistics);
    }

    /// <summary>A new percolator without the topic of that id.</summary>
    public Percolator Without(string topicId) => new(topics.Where(t => t.Id != topicId), statistics);

    /// <summary>The topics the article matches, in the order the topics were given, with the clauses that matched.</summary>
    public IReadOnlyList<TopicMatch> Match(AnalyzedArticle article) =>
        MatchTopics(article).Select(topic => new TopicMatch(topic.Id, QueryEvaluator.ExplainMatched(topic.Query, article))).ToList();

    /// <summary>The topics the article matches, in the order the topics were given: the match set alone, without explanations.</summary>
    public IReadOnlyList<CompiledTopic> MatchTopics(AnalyzedArticle article)
    {
        ArgumentNullException.ThrowIfNull(article);
        var candidates = Candidates(article);
        Volatile.Write(ref lastCandidates, candidates.Count);
        var matches = new List<CompiledTopic>();
        foreach (var i in candidates)
        {
            if (topics[i].Matches(article))
            {
                matches.Add(topics[i]);
            }
        }

        return matches;
    }

    /// <summary>
    /// Topics with a first-set key in the article and, unless both sets are the same, a second-set key
    /// too; plus the always-evaluated ones. Ascending.
    /// </summary>
    private List<int> Candidates(AnalyzedArticle article)
    {
        var first = new Marks(topics.Length);
        var second = new Marks(topics.Length);
        void Mark(in Postings postings)
        {
            if (postings.First is not null)
            {
                first.Add(postings.First);
            }

            if (postings.Second is not null)
            {
                second.AddUnlisted(postings.Second);
            }
        }

        foreach (var term in article.TermArray)
        {
            if (byTerm.TryGetValue(term, out var postings))
            {
                Mark(postings);
                if (postings.Known)
                {
                    continue;
                }
            }

            foreach (var length in prefixLengths)
            {
                if (length > term.Length)
                {
                    break;
                }

                if (byPrefixSpan.TryGetValue(term.AsSpan(0, length), out var byThisPrefix))
                {
                    Mark(byThisPrefix);
                }
            }
        }

        var candidates = first.Listed.Where(i => singlePass[i] || second.Contains(i)).ToList();
        candidates.AddRange(alwaysEvaluated);
        candidates.Sort();
        return candidates;
    }

    /// <summary>
    /// The topics listed under a key: by their first keys, and (only when they differ) by their second.
    /// <see cref="Known"/>: the key is a known term, whose postings include those of its prefixes.
    /// </summary>
    private readonly record struct Postings(int[]? First, int[]? Second, bool Known);

    private sealed class PostingsBuilder
    {
        // Most known terms list no topic: the lists are made on first use.
        private List<int>? first;
        private List<int>? second;

        public List<int> First => first ??= [];

        public List<int> Second => second ??= [];

        public bool Known { get; set; }

        public void AddRange(PostingsBuilder other)
        {
            if (other.first is not null)
            {
                First.AddRange(other.first);
            }

            if (other.second is not null)
            {
                Second.AddRange(other.second);
            }
        }

        public static PostingsBuilder For(Dictionary<string, PostingsBuilder> index, string key)
        {
            if (!index.TryGetValue(key, out var builder))
            {
                builder = new PostingsBuilder();
                index.Add(key, builder);
            }

            return builder;
        }

        /// <summary>Empty lists become null, so that a lookup of a known term with no topics touches nothing more.</summary>
        public Postings Build() => new(first is { Count: > 0 } ? [.. first] : null, second is { Count: > 0 } ? [.. second] : null, Known);
    }

    /// <summary>A set of topic indexes as a bitmap, remembering the order they were first added.</summary>
    private sealed class Marks(int size)
    {
        private readonly ulong[] bits = new ulong[(size + 63) / 64];

        public List<int> Listed { get; } = [];

        public bool Contains(int i) => (bits[i >> 6] & (1UL << (i & 63))) != 0;

        public void AddUnlisted(int[] indexes)
        {
            foreach (var i in indexes)
            {
                bits[i >> 6] |= 1UL << (i & 63);
            }
        }

        public void Add(int[] indexes)
        {
            foreach (var i in indexes)
            {
                ref var word = ref bits[i >> 6];
                var bit = 1UL << (i & 63);
                if ((word & bit) == 0)
                {
                    word |= bit;
                    Listed.Add(i);
                }
            }
        }
    }
}
