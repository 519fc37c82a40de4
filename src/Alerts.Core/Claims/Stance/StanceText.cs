using System.Collections.Frozen;
using Alerts.Core.Text;

namespace Alerts.Core.Claims.Stance;

/// <summary>
/// The lexical view of a text for the stance model: folded, stemmed content terms (stop words dropped), plus
/// the joined form of each adjacent pair ("air strike" also gives "airstrike") so a compound written apart
/// still meets itself. Also counts the cue words the model looks for near the sentences that speak to a claim.
/// </summary>
public static class StanceText
{
    /// <summary>Words that call a report false or put it in doubt, beyond <see cref="Lexicon.DenialWords"/>.</summary>
    public static FrozenSet<string> RefutingWords { get; } = new[]
    {
        "fake", "fraud", "hoax", "false", "deny", "denies", "denied", "not", "despite", "nope", "doubt", "doubts",
        "bogus", "debunk", "debunked", "prank", "pranks", "retract", "retracted", "satire", "satirical", "misleading",
        "rumor", "rumour", "myth", "fabricated", "untrue", "baseless", "unfounded", "incorrect", "wrong", "never",
        "nonsense", "refuted", "dismissed", "contrary", "contradict", "contradicts", "photoshopped", "scam", "lie", "lies",
    }.Concat(Lexicon.DenialWords).ToFrozenSet(StringComparer.Ordinal);

    /// <summary>Words that report without vouching: the text discusses the claim rather than stating it.</summary>
    public static FrozenSet<string> HedgingWords { get; } = new[]
    {
        "alleged", "allegedly", "apparently", "appears", "appear", "claim", "claims", "claimed", "could", "might", "may",
        "possibly", "reportedly", "reports", "reported", "rumored", "rumoured", "suggests", "suggest", "suspected",
        "unclear", "unconfirmed", "unverified", "purportedly", "purported", "supposedly", "likely", "believed", "whether",
    }.Concat(Lexicon.SpeculativeWords).ToFrozenSet(StringComparer.Ordinal);

    /// <summary>Words that confirm: the text vouches for the claim.</summary>
    public static FrozenSet<string> ConfirmingWords { get; } = new[]
    {
        "confirmed", "confirms", "confirm", "verified", "official", "officially", "announced", "indeed", "proved", "proven",
        "revealed", "shows", "footage", "photos", "video",
    }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>The folded words of <paramref name="text"/>, stop words kept (for cue counting).</summary>
    public static string[] Words(string text) =>
        [.. Tokenizer.Tokenize(text).Where(t => !t.IsPart).Select(t => t.Text)];

    /// <summary>The stemmed content terms of folded <paramref name="words"/>, with the joined adjacent pairs.</summary>
    public static string[] Terms(IReadOnlyList<string> words)
    {
        var terms = new List<string>(words.Count * 2);
        string? previous = null;
        foreach (var word in words)
        {
            if (word.Length < 2 || Lexicon.IsStop(word) || NegationOrCue(word))
            {
                previous = null;
                continue;
            }

            var stem = Stem(word);
            terms.Add(stem);
            if (previous is not null)
            {
                terms.Add(previous + Stem(word));
            }

            previous = word;
        }

        return [.. terms];
    }

    /// <summary>How many of <paramref name="words"/> are in <paramref name="set"/>.</summary>
    public static int Count(IReadOnlyList<string> words, FrozenSet<string> set)
    {
        var count = 0;
        foreach (var word in words)
        {
            if (set.Contains(word))
            {
                count++;
            }
        }

        return count;
    }

    /// <summary>A light suffix stripper: enough to make "strikes", "striking" and "strike" meet; not a full stemmer.</summary>
    public static string Stem(string word)
    {
        if (word.Length > 4 && word.EndsWith("ies", StringComparison.Ordinal))
        {
            return word[..^3] + "y";
        }

        if (word.Length > 5 && word.EndsWith("ing", StringComparison.Ordinal))
        {
            return TrimDouble(word[..^3]);
        }

        if (word.Length > 4 && word.EndsWith("ed", StringComparison.Ordinal))
        {
            return TrimDouble(word[..^2]);
        }

        if (word.Length > 3 && word[^1] == 's' && word[^2] != 's' && !char.IsAsciiDigit(word[^2]))
        {
            return word.EndsWith("es", StringComparison.Ordinal) && word.Length > 4 && word[^3] is 's' or 'x' or 'z' or 'h' ? word[..^2] : word[..^1];
        }

        return word.Length > 3 && word[^1] == 'e' ? word[..^1] : word;
    }

    private static string TrimDouble(string stem) =>
        stem.Length > 2 && stem[^1] == stem[^2] && stem[^1] is not ('l' or 's' or 'z') ? stem[..^1] : stem.TrimEnd('e');

    private static bool NegationOrCue(string word) => Lexicon.NegationWords.Contains(word);
}
