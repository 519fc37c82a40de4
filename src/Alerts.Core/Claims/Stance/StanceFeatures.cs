namespace Alerts.Core.Claims.Stance;

/// <summary>One analysed sentence or claim: its words, its TF-IDF vector (unit length) and its cue counts.</summary>
public sealed class AnalyzedText
{
    public AnalyzedText(string text, TermWeights weights)
    {
        Text = text;
        Words = StanceText.Words(text);
        var terms = StanceText.Terms(Words);
        Terms = terms;
        var vector = new Dictionary<string, float>(StringComparer.Ordinal);
        foreach (var term in terms)
        {
            vector[term] = vector.GetValueOrDefault(term) + weights.Idf(term);
        }

        Vector = Normalise(vector);
        Refuting = StanceText.Count(Words, StanceText.RefutingWords);
        Hedging = StanceText.Count(Words, StanceText.HedgingWords);
        Confirming = StanceText.Count(Words, StanceText.ConfirmingWords);
        Negations = StanceText.Count(Words, Lexicon.NegationWords);
        Reporting = StanceText.Count(Words, Lexicon.ReportingVerbs);
        Numbers = [.. Words.Where(w => w.Length > 0 && char.IsAsciiDigit(w[^1]))];
        var spaced = " " + string.Join(' ', Words) + " ";
        DenialPhrases = Lexicon.DenialPhrases.Count(p => spaced.Contains(" " + p + " ", StringComparison.Ordinal));
        IsQuestion = text.TrimEnd().EndsWith('?');
    }

    public string Text { get; }

    public string[] Words { get; }

    public string[] Terms { get; }

    public Dictionary<string, float> Vector { get; }

    public int Refuting { get; }

    public int Hedging { get; }

    public int Confirming { get; }

    public int Negations { get; }

    public int Reporting { get; }

    public int DenialPhrases { get; }

    public HashSet<string> Numbers { get; }

    public bool IsQuestion { get; }

    /// <summary>The cosine of two unit TF-IDF vectors.</summary>
    public static float Cosine(Dictionary<string, float> a, Dictionary<string, float> b)
    {
        if (a.Count > b.Count)
        {
            (a, b) = (b, a);
        }

        var dot = 0f;
        foreach (var (term, weight) in a)
        {
            if (b.TryGetValue(term, out var other))
            {
                dot += weight * other;
            }
        }

        return dot;
    }

    public static Dictionary<string, float> Normalise(Dictionary<string, float> vector)
    {
        var norm = (float)Math.Sqrt(vector.Values.Sum(v => (double)v * v));
        if (norm > 0)
        {
            foreach (var key in vector.Keys.ToList())
            {
                vector[key] /= norm;
            }
        }

        return vector;
    }
}

/// <summary>An analysed body: its sentences (a title, when given, is sentence 0), their union vector and term weights.</summary>
public sealed class AnalyzedBody
{
    public AnalyzedBody(IReadOnlyList<string> sentences, TermWeights weights)
    {
        Sentences = [.. sentences.Where(s => !string.IsNullOrWhiteSpace(s)).Select(s => new AnalyzedText(s, weights))];
        var whole = new Dictionary<string, float>(StringComparer.Ordinal);
        foreach (var sentence in Sentences)
        {
            foreach (var term in sentence.Terms)
            {
                whole[term] = whole.GetValueOrDefault(term) + weights.Idf(term);
            }
        }

        // The joined pairs count too, so "air strike" in the body covers "airstrike" in a claim.
        Terms = new HashSet<string>(Sentences.SelectMany(s => s.Vector.Keys), StringComparer.Ordinal);
        Vector = AnalyzedText.Normalise(whole);
        Refuting = Sentences.Sum(s => s.Refuting);
        Hedging = Sentences.Sum(s => s.Hedging);
        Numbers = new HashSet<string>(Sentences.SelectMany(s => s.Numbers), StringComparer.Ordinal);
    }

    public AnalyzedText[] Sentences { get; }

    public HashSet<string> Terms { get; }

    public Dictionary<string, float> Vector { get; }

    public int Refuting { get; }

    public int Hedging { get; }

    public HashSet<string> Numbers { get; }

    /// <summary>Splits a title and body text into sentences, the title first.</summary>
    public static IReadOnlyList<string> SentencesOf(string? title, string body)
    {
        var sentences = new List<string>();
        if (!string.IsNullOrWhiteSpace(title))
        {
            sentences.Add(title.Trim());
        }

        sentences.AddRange(SentenceSplitter.Split(body).Select(s => s.Text));
        return sentences;
    }
}

/// <summary>The cheap first stage: lexical overlap, and which sentences are worth embedding.</summary>
public sealed record LexicalView(float Coverage, float LeadCoverage, float BodyCosine, float[] SentenceCosines, int[] Candidates);

/// <summary>
/// The feature vector of a (claim, body) pair. Two stages so that a clearly unrelated pair costs no
/// embedding: <see cref="Lexical"/> (TF-IDF overlap; picks the <see cref="Candidates"/> best sentences and
/// the lead), then <see cref="Compute"/> (embedding cosines of the claim against those sentences and the lexicon
/// cues in and around the sentence that speaks to the claim best).
/// </summary>
public static class StanceFeatures
{
    /// <summary>How many lexically best sentences are embedded, besides the first sentence.</summary>
    public const int Candidates = 3;

    /// <summary>Longer sentences are cut before embedding: the cost grows with length and the start carries the proposition.</summary>
    public const int EmbedChars = 200;

    private static readonly string[] FeatureNames =
    [
        "body_cosine", "sentence_cosine_max", "sentence_cosine_second", "coverage", "lead_coverage", "best_sentence_coverage",
        "claim_terms", "body_sentences", "best_lexical_position",
        "embed_max", "embed_second", "embed_mean_top3", "embed_first", "embed_centroid", "embed_best_position",
        "refuting_window", "hedging_window", "confirming_window", "negation_window", "reporting_window", "denial_phrase_window",
        "refuting_best", "hedging_best", "refuting_top3", "hedging_top3",
        "refuting_body_rate", "hedging_body_rate", "refuting_body",
        "claim_refuting", "claim_hedging", "claim_negation", "claim_question", "negation_mismatch",
        "quantity_mismatch", "claim_numbers_missing", "embed_max_minus_lexical", "refuting_lead", "hedging_lead",
        "refuting_like_best", "refuting_like_max", "hedging_like_best", "hedging_like_max", "claim_refuting_like",
    ];

    /// <summary>The feature names, in vector order (the model file records them and must match).</summary>
    public static IReadOnlyList<string> Names => FeatureNames;

    public static int IndexOf(string name) => Array.IndexOf(FeatureNames, name);

    public static LexicalView Lexical(AnalyzedText claim, AnalyzedBody body, TermWeights weights)
    {
        var total = 0f;
        var covered = 0f;
        var lead = 0f;
        var leadTerms = new HashSet<string>(body.Sentences.Take(3).SelectMany(s => s.Vector.Keys), StringComparer.Ordinal);
        foreach (var term in claim.Vector.Keys)
        {
            var idf = weights.Idf(term);
            total += idf;
            if (body.Terms.Contains(term))
            {
                covered += idf;
            }

            if (leadTerms.Contains(term))
            {
                lead += idf;
            }
        }

        var cosines = new float[body.Sentences.Length];
        for (var i = 0; i < cosines.Length; i++)
        {
            cosines[i] = AnalyzedText.Cosine(claim.Vector, body.Sentences[i].Vector);
        }

        var candidates = Enumerable.Range(0, cosines.Length)
            .OrderByDescending(i => cosines[i]).ThenBy(i => i)
            .Take(Candidates)
            .Append(0)
            .Where(i => i < cosines.Length)
            .Distinct()
            .ToArray();
        return new LexicalView(total > 0 ? covered / total : 0, total > 0 ? lead / total : 0, AnalyzedText.Cosine(claim.Vector, body.Vector), cosines, candidates);
    }

    /// <summary>The texts <see cref="Compute"/> will ask to embed: the claim first, then the candidate sentences.</summary>
    public static IReadOnlyList<string> TextsToEmbed(AnalyzedText claim, AnalyzedBody body, LexicalView lexical) =>
        [Clip(claim.Text), .. lexical.Candidates.Select(i => Clip(body.Sentences[i].Text)), .. RefutingPrototypes, .. HedgingPrototypes];

    /// <summary>
    /// Sentences that refute a report, written for this model: a candidate sentence close to one of them refutes
    /// in other words than the lexicon's. Embedded once (the embedder caches them) and compared for free.
    /// </summary>
    public static IReadOnlyList<string> RefutingPrototypes { get; } =
    [
        "The report is false and the story turned out to be a hoax.",
        "Officials denied the claims, calling them untrue.",
        "There is no evidence that this ever happened.",
        "The picture was fake and has been debunked.",
    ];

    /// <summary>Sentences that report without vouching (unverified, unclear).</summary>
    public static IReadOnlyList<string> HedgingPrototypes { get; } =
    [
        "The report could not be independently verified.",
        "It is not yet clear whether the claims are true.",
        "According to unconfirmed reports, it may have happened.",
    ];

    public static string Clip(string text) => text.Length <= EmbedChars ? text : text[..EmbedChars];

    /// <summary>The feature vector, given the embeddings of <see cref="TextsToEmbed"/> in order; also the sentence that speaks to the claim best.</summary>
    public static (float[] Features, int Best) Compute(AnalyzedText claim, AnalyzedBody body, LexicalView lexical, IReadOnlyList<float[]> embeddings)
    {
        var f = new float[Names.Count];
        var n = body.Sentences.Length;
        if (n == 0)
        {
            return (f, -1);
        }

        var sortedLexical = lexical.SentenceCosines.OrderDescending().ToArray();
        var bestLexical = Array.IndexOf(lexical.SentenceCosines, sortedLexical[0]);
        var claimVector = embeddings[0];
        var candidateCosines = lexical.Candidates
            .Select((sentence, k) => (Sentence: sentence, Cosine: (float)SentenceEmbedder.Cosine(claimVector, embeddings[k + 1])))
            .OrderByDescending(c => c.Cosine).ThenBy(c => c.Sentence)
            .ToArray();
        var best = candidateCosines[0].Sentence;
        var centroid = new float[claimVector.Length];
        var candidateCount = lexical.Candidates.Length;
        for (var k = 1; k <= candidateCount; k++)
        {
            System.Numerics.Tensors.TensorPrimitives.Add(centroid, embeddings[k], centroid);
        }

        var norm = System.Numerics.Tensors.TensorPrimitives.Norm(centroid);
        var top3 = candidateCosines.Take(3).Select(c => body.Sentences[c.Sentence]).ToArray();
        var window = body.Sentences.Skip(Math.Max(0, best - 1)).Take(best == 0 ? 2 : 3).ToArray();
        var bestSentence = body.Sentences[best];
        var refuting = embeddings.Skip(1 + candidateCount).Take(RefutingPrototypes.Count).ToArray();
        var hedging = embeddings.Skip(1 + candidateCount + RefutingPrototypes.Count).ToArray();
        var bestVector = embeddings[1 + Array.IndexOf(lexical.Candidates, best)];
        var candidateVectors = embeddings.Skip(1).Take(candidateCount).ToArray();

        var i = 0;
        f[i++] = lexical.BodyCosine;
        f[i++] = sortedLexical[0];
        f[i++] = sortedLexical.Length > 1 ? sortedLexical[1] : 0;
        f[i++] = lexical.Coverage;
        f[i++] = lexical.LeadCoverage;
        f[i++] = Coverage(claim, bestSentence);
        f[i++] = (float)Math.Log(1 + claim.Vector.Count);
        f[i++] = (float)Math.Log(1 + n);
        f[i++] = (float)bestLexical / n;
        f[i++] = candidateCosines[0].Cosine;
        f[i++] = candidateCosines.Length > 1 ? candidateCosines[1].Cosine : candidateCosines[0].Cosine;
        f[i++] = candidateCosines.Take(3).Average(c => c.Cosine);
        f[i++] = candidateCosines.First(c => c.Sentence == 0).Cosine;
        f[i++] = norm > 0 ? (float)SentenceEmbedder.Cosine(claimVector, centroid) / norm : 0;
        f[i++] = (float)best / n;
        f[i++] = window.Sum(s => s.Refuting);
        f[i++] = window.Sum(s => s.Hedging);
        f[i++] = window.Sum(s => s.Confirming);
        f[i++] = window.Sum(s => s.Negations);
        f[i++] = window.Sum(s => s.Reporting);
        f[i++] = window.Sum(s => s.DenialPhrases);
        f[i++] = bestSentence.Refuting;
        f[i++] = bestSentence.Hedging;
        f[i++] = top3.Sum(s => s.Refuting);
        f[i++] = top3.Sum(s => s.Hedging);
        f[i++] = (float)body.Refuting / n;
        f[i++] = (float)body.Hedging / n;
        f[i++] = body.Refuting;
        f[i++] = claim.Refuting;
        f[i++] = claim.Hedging;
        f[i++] = claim.Negations;
        f[i++] = claim.IsQuestion ? 1 : 0;
        f[i++] = (claim.Negations > 0) != (bestSentence.Negations > 0) ? 1 : 0;
        f[i++] = claim.Numbers.Count > 0 && bestSentence.Numbers.Count > 0 && !claim.Numbers.Overlaps(bestSentence.Numbers) ? 1 : 0;
        f[i++] = claim.Numbers.Count(x => !body.Numbers.Contains(x));
        f[i++] = candidateCosines[0].Cosine - sortedLexical[0];
        f[i++] = body.Sentences.Take(3).Sum(s => s.Refuting);
        f[i++] = body.Sentences.Take(3).Sum(s => s.Hedging);
        f[i++] = Closest(bestVector, refuting);
        f[i++] = candidateVectors.Max(v => Closest(v, refuting));
        f[i++] = Closest(bestVector, hedging);
        f[i++] = candidateVectors.Max(v => Closest(v, hedging));
        f[i++] = Closest(claimVector, refuting);
        return (f, best);
    }

    private static float Closest(float[] vector, float[][] prototypes) =>
        prototypes.Max(p => (float)SentenceEmbedder.Cosine(vector, p));

    private static float Coverage(AnalyzedText claim, AnalyzedText sentence)
    {
        if (claim.Vector.Count == 0)
        {
            return 0;
        }

        return (float)claim.Vector.Keys.Count(sentence.Vector.ContainsKey) / claim.Vector.Count;
    }
}
