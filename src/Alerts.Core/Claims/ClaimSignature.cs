namespace Alerts.Core.Claims;

/// <summary>Light normalisation of content words so that "systems" = "system" and "returning" = "return".</summary>
public static class ClaimTerms
{
    public static string Normalize(string word)
    {
        ArgumentNullException.ThrowIfNull(word);
        if (Lexicon.Predicates.TryGetValue(word, out var head))
        {
            return head;
        }

        if (word.Length <= 4 || word.AsSpan().IndexOfAnyInRange('0', '9') >= 0)
        {
            return word;
        }

        return StripE(Stem(word));
    }

    /// <summary>"completes" and "completed" meet at "complet".</summary>
    private static string StripE(string word) => word.Length > 4 && word[^1] == 'e' ? word[..^1] : word;

    private static string Stem(string word)
    {
        if (word.EndsWith("ies", StringComparison.Ordinal))
        {
            return word[..^3] + "y";
        }

        if (word.EndsWith("ing", StringComparison.Ordinal) && word.Length > 6)
        {
            return word[..^3];
        }

        if (word.EndsWith("ed", StringComparison.Ordinal) && word.Length > 5)
        {
            return word[..^2];
        }

        if (word.EndsWith("es", StringComparison.Ordinal) && (word.EndsWith("ches", StringComparison.Ordinal) || word.EndsWith("shes", StringComparison.Ordinal) || word.EndsWith("sses", StringComparison.Ordinal)))
        {
            return word[..^2];
        }

        return word.EndsWith('s') && !word.EndsWith("ss", StringComparison.Ordinal) && !word.EndsWith("us", StringComparison.Ordinal) && !word.EndsWith("is", StringComparison.Ordinal)
            ? word[..^1]
            : word;
    }
}

/// <summary>
/// What a claim says, reduced to the features clusters are matched on: entity keys, predicate heads, object
/// terms and quantities. Polarity is not part of it: a denial and its assertion share a signature. The
/// substantive predicates and their implications are worked out once here, since matching compares often.
/// </summary>
public sealed class ClaimSignature
{
    public ClaimSignature(
        IReadOnlyCollection<string> entities,
        IReadOnlyCollection<string> predicates,
        IReadOnlyCollection<string> objects,
        IReadOnlyList<Quantity> quantities,
        string? mainPredicate = null)
    {
        ArgumentNullException.ThrowIfNull(entities);
        ArgumentNullException.ThrowIfNull(predicates);
        ArgumentNullException.ThrowIfNull(objects);
        EntitySet = entities.ToHashSet(StringComparer.Ordinal);
        PredicateSet = predicates.ToHashSet(StringComparer.Ordinal);
        ObjectSet = objects.ToHashSet(StringComparer.Ordinal);
        Quantities = quantities;
        Heavy = PredicateSet.Where(p => !Lexicon.LightPredicates.Contains(p)).ToHashSet(StringComparer.Ordinal);
        MainPredicate = mainPredicate ?? Heavy.FirstOrDefault();
        ExpandedHeavy = ClaimSimilarity.Expand(Heavy);
        ExpandedMain = MainPredicate is null ? Heavy : ClaimSimilarity.Expand([MainPredicate]);
    }

    /// <summary>Entity keys (serialised as a list; a set inside).</summary>
    public IReadOnlyCollection<string> Entities => EntitySet;

    public IReadOnlyCollection<string> Predicates => PredicateSet;

    public IReadOnlyCollection<string> Objects => ObjectSet;

    public IReadOnlyList<Quantity> Quantities { get; }

    internal HashSet<string> EntitySet { get; }

    internal HashSet<string> PredicateSet { get; }

    internal HashSet<string> ObjectSet { get; }

    /// <summary>The first substantive predicate in reading order: usually the main verb, before any relative clause.</summary>
    public string? MainPredicate { get; }

    /// <summary>Predicates other than the light ones (ask, talk, start).</summary>
    internal IReadOnlySet<string> Heavy { get; }

    internal IReadOnlySet<string> ExpandedHeavy { get; }

    internal IReadOnlySet<string> ExpandedMain { get; }

    public static ClaimSignature Of(Claim claim)
    {
        ArgumentNullException.ThrowIfNull(claim);
        return new ClaimSignature(
            claim.Entities,
            claim.PredicateTerms,
            claim.ObjectTerms,
            claim.Quantities,
            MainOf(claim.PredicateTerms));
    }

    /// <summary>The first substantive predicate of a list in reading order.</summary>
    public static string? MainOf(IEnumerable<string> predicates) =>
        predicates.FirstOrDefault(p => !Lexicon.LightPredicates.Contains(p));

    /// <summary>Index keys: every entity and predicate (with implied heads), and each money, count or duration value.</summary>
    public IEnumerable<string> IndexKeys()
    {
        foreach (var e in Entities)
        {
            yield return "e:" + e;
        }

        foreach (var p in ClaimSimilarity.Expand(Predicates))
        {
            yield return "p:" + p;
        }

        foreach (var q in Quantities)
        {
            if (q.Kind is QuantityKind.Money or QuantityKind.Duration)
            {
                yield return FormattableString.Invariant($"q:{q.Kind}:{q.Unit}:{q.Value:G6}");
            }
        }
    }
}

/// <summary>How much two signatures agree, and on what.</summary>
public sealed record SimilarityResult(
    double Score,
    IReadOnlyList<string> SharedEntities,
    IReadOnlyList<string> SharedPredicates,
    IReadOnlyList<string> SharedObjects,
    IReadOnlyList<(Quantity Left, Quantity Right)> SameQuantities,
    IReadOnlyList<(Quantity Left, Quantity Right)> ConflictingQuantities,
    bool PredicatesAgree,
    double EntityScore = 0,
    double PredicateScore = 0)
{
    /// <summary>The embedding cosine of the two sentences, NaN when not compared.</summary>
    public double Cosine { get; init; } = double.NaN;

    public static SimilarityResult None { get; } = new(0, [], [], [], [], [], false);
}

/// <summary>
/// The similarity of two propositions. Entities and objects are compared by overlap coefficient (shared over
/// the smaller set), so a short claim matches a long sentence that contains it; predicates must agree
/// directly or through an implication (returning implies giving up); equal amounts add weight, and
/// different values in the same slot (a price of £10m vs £12m) are reported as conflicts.
/// </summary>
public static class ClaimSimilarity
{
    /// <summary>The predicate score when there is nothing to compare (no substantive predicate on one side).</summary>
    public const double UncomparedPredicates = 0.4;

    public static IReadOnlySet<string> Expand(IEnumerable<string> predicates)
    {
        var result = new HashSet<string>(StringComparer.Ordinal);
        foreach (var p in predicates)
        {
            result.Add(p);
            if (Lexicon.Implied.TryGetValue(p, out var implied))
            {
                result.UnionWith(implied);
            }
        }

        return result;
    }

    public static SimilarityResult Compare(ClaimSignature a, ClaimSignature b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);

        // Nothing in common to anchor on: not the same proposition, and not worth the full comparison.
        if ((a.Quantities.Count == 0 || b.Quantities.Count == 0) && !a.EntitySet.Overlaps(b.EntitySet))
        {
            return SimilarityResult.None;
        }

        var sharedEntities = a.Entities.Where(b.EntitySet.Contains).ToList();
        var sharedObjects = a.Objects.Where(b.ObjectSet.Contains).ToList();
        var (predicateScore, shared) = Predicates(a, b);
        var entityScore = Cosine(sharedEntities.Count, a.Entities.Count, b.Entities.Count);
        var objectScore = Cosine(sharedObjects.Count, a.Objects.Count, b.Objects.Count);
        var same = new List<(Quantity, Quantity)>();
        var conflicts = new List<(Quantity, Quantity)>();
        foreach (var qa in a.Quantities)
        {
            foreach (var qb in b.Quantities)
            {
                if (!qa.SameSlot(qb))
                {
                    // "13 soldiers" and "13 border guards": one distinctive number counted in other words is the same group.
                    if (SameDistinctiveCount(qa, qb))
                    {
                        same.Add((qa, qb));
                    }

                    continue;
                }

                if (Agree(qa, qb))
                {
                    same.Add((qa, qb));
                }
                else if (qa.Kind is not QuantityKind.Date)
                {
                    conflicts.Add((qa, qb));
                }
            }
        }

        // A shared non-date amount is strong evidence of the same fact ("$2.5 billion", "four to six months").
        var quantityBonus = same.Any(s => s.Item1.Kind != QuantityKind.Date) ? 0.25 : same.Count > 0 ? 0.1 : 0;
        var score = 0.4 * entityScore + 0.35 * predicateScore + 0.25 * objectScore + quantityBonus;
        if (predicateScore == 0)
        {
            score *= 0.5;
        }

        // Different values of the same slot are not counted for or against: they are what a conflict is made of.
        return new SimilarityResult(Math.Min(1, score), sharedEntities, shared, sharedObjects, same, conflicts, predicateScore > 0, entityScore, predicateScore);
    }

    /// <summary>
    /// Predicate agreement: the share of substantive heads in common (1 when identical), 0.7 of that through an
    /// implication (return → abandon), 0.4 when only light heads (ask, talk) or nothing is there to compare, 0 when they disagree.
    /// </summary>
    private static (double Score, List<string> Shared) Predicates(ClaimSignature sa, ClaimSignature sb)
    {
        var heavyA = sa.Heavy;
        var heavyB = sb.Heavy;
        if (heavyA.Count == 0 || heavyB.Count == 0)
        {
            var status = heavyA.Count == 0 && sa.PredicateSet.Contains("change") || heavyB.Count == 0 && sb.PredicateSet.Contains("change");
            if (status)
            {
                // A status-quo statement ("remains unchanged") agrees with any claim of change.
                var other = heavyA.Count == 0 ? sb.ExpandedHeavy : sa.ExpandedHeavy;
                return other.Contains("change") ? (0.7, ["change"]) : (0, []);
            }

            var light = sa.Predicates.Where(sb.PredicateSet.Contains).ToList();
            return (light.Count > 0 || sa.Predicates.Count == 0 || sb.Predicates.Count == 0 ? UncomparedPredicates : 0, light);
        }

        var mainA = sa.MainPredicate!;
        var mainB = sb.MainPredicate!;
        if (mainA == mainB)
        {
            return (1, [mainA]);
        }

        if (heavyB.Contains(mainA) || heavyA.Contains(mainB))
        {
            return (0.75, heavyA.Where(heavyB.Contains).ToList());
        }

        var impliedMain = sa.ExpandedMain.Where(p => p != "change" && sb.ExpandedMain.Contains(p)).ToList();
        if (impliedMain.Count > 0)
        {
            return (0.7, impliedMain);
        }

        var direct = heavyA.Where(heavyB.Contains).ToList();
        return direct.Count > 0 ? (0.35, direct) : (0, []);
    }

    private static double Cosine(int shared, int a, int b) => a == 0 || b == 0 ? 0 : shared / Math.Sqrt((double)a * b);

    /// <summary>
    /// Two counts of the same value above ten and not a multiple of five. Small and round numbers coincide often
    /// ("three people", "three homes"); a number like 13 or 1,811 seldom does by chance.
    /// </summary>
    private static bool SameDistinctiveCount(Quantity a, Quantity b) =>
        a.Kind == QuantityKind.Count && b.Kind == QuantityKind.Count && a.Value == b.Value && a.UpperValue == b.UpperValue
        && a.Value > 10 && a.Value % 5 != 0 && a.Value == Math.Floor(a.Value);

    private static bool Agree(Quantity a, Quantity b)
    {
        if (a.Kind == QuantityKind.Date)
        {
            // 2019 agrees with July 2019; July 2019 with 12 July 2019.
            var ya = (int)a.Value / 10000;
            var yb = (int)b.Value / 10000;
            var ma = (int)a.Value / 100 % 100;
            var mb = (int)b.Value / 100 % 100;
            return (ya == yb || ya == 0 || yb == 0) && (ma == mb || ma == 0 || mb == 0);
        }

        var tolerance = 0.02 * Math.Max(Math.Abs(a.Value), Math.Abs(b.Value));
        return Math.Abs(a.Value - b.Value) <= tolerance && Math.Abs(a.UpperValue - b.UpperValue) <= tolerance;
    }
}
