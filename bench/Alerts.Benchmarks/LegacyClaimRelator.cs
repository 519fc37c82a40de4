using System.Globalization;
using Alerts.Core.Claims;

namespace Alerts.Benchmarks;

/// <summary>
/// The rule-based relator that <c>claims relate</c> used before the learned stance model (kept here only so the
/// bench can measure the new model beside it in one run). Relates a claim to an article: does the text support it, dispute it, only mention it (reporting it as
/// unverified, or reporting both sides), or say nothing about it? Each sentence that states the claim's
/// proposition (similar entities, agreeing predicates) takes a side by its polarity; a different value for
/// the same quantity disputes; speculation and unverified reports only mention. The headline counts extra.
/// </summary>
internal static class LegacyClaimRelator
{
    /// <summary>The least similarity for a sentence to be about the claim.</summary>
    public const double MatchThreshold = 0.45;

    private const double HeadlineWeight = 1.5;

    public static RelateResult Relate(string claim, string text, string? title = null)
    {
        ArgumentNullException.ThrowIfNull(claim);
        ArgumentNullException.ThrowIfNull(text);
        var claimFeatures = ClaimExtractor.Analyze(new ArticleInput("claim", "", claim, null, null, null)).ToList();
        if (claimFeatures.Count == 0)
        {
            return new RelateResult(Relation.Unrelated, 0, "the claim has no content to compare");
        }

        var target = Signature(claimFeatures);
        var claimPolarity = claimFeatures.Any(f => f.Polarity == Polarity.Denied) ? Polarity.Denied : Polarity.Asserted;
        var article = new ArticleInput("text", title ?? "", text, null, null, null);

        double support = 0, dispute = 0, mention = 0, best = 0;
        string? supportWhy = null, disputeWhy = null, mentionWhy = null, bestWhy = null;
        var speculation = new List<SentenceFeatures>();
        foreach (var c in ClaimExtractor.Extract(article, speculation))
        {
            var similarity = ClaimSimilarity.Compare(target, ClaimSignature.Of(c));
            if (similarity.Score > best)
            {
                best = similarity.Score;
                bestWhy = c.Text;
            }

            if (!IsAbout(similarity))
            {
                continue;
            }

            var weight = similarity.Score * (c.IsHeadline ? HeadlineWeight : 1);
            var why = Describe(c.Text, similarity);
            if (c.Modality == Modality.Speculative)
            {
                Track(ref mention, ref mentionWhy, weight, "reports it as possible: " + why);
            }
            else if (similarity.ConflictingQuantities.Count > 0)
            {
                var (mine, theirs) = similarity.ConflictingQuantities[0];
                Track(ref dispute, ref disputeWhy, weight, $"gives {theirs.Text} where the claim says {mine.Text}: {why}");
            }
            else if (c.Polarity == claimPolarity)
            {
                Track(ref support, ref supportWhy, weight, why);
            }
            else
            {
                Track(ref dispute, ref disputeWhy, weight, $"{string.Join("/", c.Cues.Take(2))}: {why}");
            }
        }

        // The outlet's own speculation ("might consider", "remain unverified") is dropped by extraction; here it mentions.
        foreach (var f in speculation)
        {
            var similarity = ClaimSimilarity.Compare(target, Signature([f]));
            if (IsAbout(similarity))
            {
                Track(ref mention, ref mentionWhy, similarity.Score * (f.Unit.IsHeadline ? HeadlineWeight : 1), "reports it as unverified or possible: " + Describe(f.Unit.Text, similarity));
            }
        }

        if (support == 0 && dispute == 0 && mention == 0)
        {
            return new RelateResult(Relation.Unrelated, Round(1 - best), bestWhy is null ? "no sentence about the claim" : $"closest sentence is not about the claim (similarity {best.ToString("0.00", CultureInfo.InvariantCulture)}): {Clip(bestWhy)}");
        }

        // Both sides reported with comparable weight: the text discusses the claim without taking a side.
        if (support > 0 && dispute > 0 && Math.Min(support, dispute) >= 0.5 * Math.Max(support, dispute))
        {
            return new RelateResult(Relation.Mentions, Round(Math.Max(support, dispute) / (support + dispute)), $"reports both sides: supports ({supportWhy}); disputes ({disputeWhy})");
        }

        if (dispute > support && dispute >= mention * 0.5)
        {
            return new RelateResult(Relation.Disputes, Round(dispute / (support + dispute + mention)), "disputes: " + disputeWhy);
        }

        if (support > dispute && support >= mention * 0.5)
        {
            return new RelateResult(Relation.Supports, Round(support / (support + dispute + mention)), "supports: " + supportWhy);
        }

        return new RelateResult(Relation.Mentions, Round(mention / (support + dispute + mention)), mentionWhy!);
    }

    private static bool IsAbout(SimilarityResult similarity) =>
        similarity.Score >= MatchThreshold && similarity.PredicatesAgree && similarity.EntityScore >= 0.3;

    private static ClaimSignature Signature(IReadOnlyList<SentenceFeatures> features)
    {
        var predicates = features.SelectMany(f => f.Predicates).ToList();
        return new ClaimSignature(
            features.SelectMany(f => f.Entities).ToList(),
            predicates,
            features.SelectMany(f => f.Objects).ToList(),
            features.SelectMany(f => f.Quantities).ToList(),
            ClaimSignature.MainOf(predicates));
    }

    private static void Track(ref double total, ref string? why, double weight, string reason)
    {
        if (weight > total || why is null)
        {
            why = reason;
        }

        total += weight;
    }

    private static string Describe(string sentence, SimilarityResult similarity) =>
        $"\"{Clip(sentence)}\" (shared {string.Join(", ", similarity.SharedEntities.Concat(similarity.SharedPredicates))}; similarity {similarity.Score.ToString("0.00", CultureInfo.InvariantCulture)})";

    private static string Clip(string text) => text.Length <= 160 ? text : text[..157] + "...";

    private static double Round(double value) => Math.Round(Math.Clamp(value, 0, 1), 3);
}
