using Alerts.Core.Claims.Stance;

namespace Alerts.Core.Claims;

public enum Relation
{
    Unrelated,
    Supports,
    Disputes,
    Mentions,
}

/// <summary>The relation of a text to a claim, a score in [0, 1] and a one-line reason.</summary>
public sealed record RelateResult(Relation Relation, double Score, string Why);

/// <summary>
/// Relates a claim to an article: does the text support it, dispute it, only mention it (reporting it
/// without vouching, or reporting both sides), or say nothing about it? Answered by the learned
/// <see cref="StanceModel"/> (sentence embeddings, TF-IDF overlap and lexicon cues into boosted trees,
/// trained on FNC-1); the hand-tuned rules it replaced are gone.
/// </summary>
public static class ClaimRelator
{
    public static RelateResult Relate(string claim, string text, string? title = null)
    {
        ArgumentNullException.ThrowIfNull(claim);
        ArgumentNullException.ThrowIfNull(text);
        var prediction = StanceModel.Shared.Predict(claim, title, text);
        return new RelateResult(prediction.Relation, prediction.Score, prediction.Why);
    }
}
