using Alerts.Core.Text;

namespace Alerts.Tests.Articles;

/// <summary>
/// Token F1 over 4-word shingles, the extraction quality measure: words are whitespace-separated, folded,
/// with punctuation stripped at their edges; precision and recall are taken over shingle multisets.
/// </summary>
public static class ShingleF1
{
    private const int Size = 4;

    public static double Score(string actual, string expected)
    {
        var got = Shingles(actual);
        var want = Shingles(expected);
        if (got.Count == 0 && want.Count == 0)
        {
            return 1;
        }

        if (got.Count == 0 || want.Count == 0)
        {
            return 0;
        }

        var wantCounts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var shingle in want)
        {
            wantCounts[shingle] = wantCounts.GetValueOrDefault(shingle) + 1;
        }

        var common = 0;
        foreach (var shingle in got)
        {
            if (wantCounts.TryGetValue(shingle, out var left) && left > 0)
            {
                wantCounts[shingle] = left - 1;
                common++;
            }
        }

        if (common == 0)
        {
            return 0;
        }

        var precision = common / (double)got.Count;
        var recall = common / (double)want.Count;
        return 2 * precision * recall / (precision + recall);
    }

    public static List<string> Tokens(string text) =>
        text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)
            .Select(w => TextFolding.Fold(TrimPunctuation(w)))
            .Where(w => w.Length > 0)
            .ToList();

    /// <summary>The 4-word shingles of a text; a text shorter than four words is one shingle.</summary>
    public static List<string> Shingles(string text)
    {
        var tokens = Tokens(text);
        if (tokens.Count < Size)
        {
            return tokens.Count == 0 ? [] : [string.Join(' ', tokens)];
        }

        var shingles = new List<string>(tokens.Count - Size + 1);
        for (var i = 0; i + Size <= tokens.Count; i++)
        {
            shingles.Add(string.Join(' ', tokens, i, Size));
        }

        return shingles;
    }

    private static string TrimPunctuation(string word)
    {
        var start = 0;
        var end = word.Length;
        while (start < end && IsPunctuation(word[start]))
        {
            start++;
        }

        while (end > start && IsPunctuation(word[end - 1]))
        {
            end--;
        }

        return word[start..end];
    }

    private static bool IsPunctuation(char c) => char.IsPunctuation(c) || char.IsSymbol(c);
}
