using System.Text.Json.Serialization;

namespace Alerts.Core.Claims;

/// <summary>Whether a claim asserts its proposition or denies it ("denied that", "not", "remains unchanged").</summary>
public enum Polarity
{
    Asserted,
    Denied,
}

/// <summary>How firmly the text puts the claim: as fact, as something a source reports, or as a possibility.</summary>
public enum Modality
{
    Fact,
    Reported,
    Speculative,
}

/// <summary>Who makes the claim: the outlet itself, a source it cites (an agency, "people familiar"), or a named official.</summary>
public enum AttributionKind
{
    Outlet,
    CitedSource,
    Official,
}

public enum QuantityKind
{
    Money,
    Count,
    Percent,
    Date,
    Duration,
}

/// <summary>
/// A number found in a claim, normalised: money in units of <see cref="Unit"/> (a currency code), counts with
/// the noun they count (<see cref="Counts"/>), percents, dates as yyyymmdd-like ordinals (20190700 = July 2019,
/// 20170000 = 2017) and durations in days. Ranges ("four to six months") keep both ends.
/// </summary>
public sealed record Quantity(QuantityKind Kind, double Value, double UpperValue, string Unit, string? Counts, string Text)
{
    /// <summary>The slot this quantity fills: kind, unit and counted noun. Two values in the same slot can conflict.</summary>
    public string Slot => $"{Kind}:{Unit}:{Counts}";

    /// <summary>Same kind and unit, and the same counted thing; an amount of money with no known purpose fits any.</summary>
    public bool SameSlot(Quantity other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return Kind == other.Kind && Unit == other.Unit
            && (Counts == other.Counts || Kind == QuantityKind.Money && (Counts is null || other.Counts is null));
    }
}

/// <summary>
/// Who makes a claim. <see cref="SourceKey"/> is the independence key: the original source, so that two
/// outlets quoting the same agency (or the same agency story) share it. <see cref="Via"/> is set on an
/// outlet's own sentences when the article relays a cited source (an agency report or a wire copy): the
/// outlet may be restating that source, so agreeing with it is not independent corroboration.
/// </summary>
public sealed record Attribution(string Source, AttributionKind Kind, string SourceKey, string? Via = null);

/// <summary>An article as the claims engine needs it.</summary>
public sealed record ArticleInput(string Key, string Title, string Text, string? Outlet, DateTimeOffset? Published, string? Url);

/// <summary>
/// A proposition from one sentence or headline. <see cref="Entities"/> are folded entity keys with aliases
/// applied (Deutschland, German, Berlin = one key); <see cref="PredicateTerms"/> are the heads of synonym sets
/// ("take back" = "return"); <see cref="ObjectTerms"/> are the remaining content words, lightly stemmed.
/// </summary>
public sealed record Claim
{
    public required string Key { get; init; }
    public required string ArticleKey { get; init; }
    public int SentenceIndex { get; init; }
    public required string Text { get; init; }
    public bool IsHeadline { get; init; }
    public required IReadOnlyList<string> Entities { get; init; }
    public required IReadOnlyList<string> PredicateTerms { get; init; }
    public required IReadOnlyList<string> ObjectTerms { get; init; }
    public required IReadOnlyList<Quantity> Quantities { get; init; }
    public Polarity Polarity { get; init; }
    public Modality Modality { get; init; }
    public required Attribution Attribution { get; init; }
    /// <summary>The words that set polarity, modality and attribution ("denied", "could", "according to").</summary>
    public required IReadOnlyList<string> Cues { get; init; }
    /// <summary>For a denial that points back ("such a request"): the key of the claim it denies.</summary>
    public string? RefersTo { get; init; }
    public DateTimeOffset? Published { get; init; }
    public string? Outlet { get; init; }
    public string? Url { get; init; }

    /// <summary>The sentence embedding (unit length), attached once per article by <see cref="ClaimEmbeddings.Attach"/>; not serialised with events.</summary>
    [JsonIgnore]
    public float[]? Embedding { get; init; }
}
