using System.Numerics;
using Alerts.Core.Text;

namespace Alerts.Core.Articles;

/// <summary>
/// 64-bit SimHash of an article's text, for spotting syndicated copies: texts that share most of their
/// word 3-shingles get fingerprints a few bits apart. Short paragraphs (headlines, bylines, credit lines
/// such as "First published by …") are what syndication changes, so they are left out whenever the text
/// has longer paragraphs to fingerprint. Words are the folded tokens of
/// <see cref="Tokenizer"/>; each shingle is hashed with FNV-1a and a final bit mix, so the value is the same
/// in every process and on every machine (unlike string.GetHashCode).
/// </summary>
public static class SimHash
{
    private const int ShingleSize = 3;
    private const int BodyParagraphWords = 20;
    private const ulong FnvOffset = 14695981039346656037;
    private const ulong FnvPrime = 1099511628211;

    public static ulong Compute(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var words = Words(BodyParagraphs(text));
        if (words.Count == 0)
        {
            return 0;
        }

        Span<int> votes = stackalloc int[64];
        var shingles = Math.Max(1, words.Count - ShingleSize + 1);
        for (var i = 0; i < shingles; i++)
        {
            var hash = HashShingle(words, i, Math.Min(ShingleSize, words.Count - i));
            for (var bit = 0; bit < 64; bit++)
            {
                votes[bit] += ((hash >> bit) & 1) == 1 ? 1 : -1;
            }
        }

        ulong fingerprint = 0;
        for (var bit = 0; bit < 64; bit++)
        {
            if (votes[bit] > 0)
            {
                fingerprint |= 1UL << bit;
            }
        }

        return fingerprint;
    }

    private static List<string> Words(string text) => Tokenizer.Tokenize(text).Where(t => !t.IsPart).Select(t => t.Text).ToList();

    /// <summary>The paragraphs (separated by blank lines or line breaks) of at least <see cref="BodyParagraphWords"/> words, or the whole text when there are none.</summary>
    private static string BodyParagraphs(string text)
    {
        var paragraphs = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var body = paragraphs.Where(p => ArticleText.CountWords(p) >= BodyParagraphWords).ToList();
        return body.Count == 0 ? text : string.Join('\n', body);
    }

    /// <summary>The number of differing bits (Hamming distance).</summary>
    public static int Distance(ulong a, ulong b) => BitOperations.PopCount(a ^ b);

    private static ulong HashShingle(List<string> words, int start, int count)
    {
        var hash = FnvOffset;
        for (var w = start; w < start + count; w++)
        {
            if (w > start)
            {
                hash = (hash ^ ' ') * FnvPrime;
            }

            foreach (var c in words[w])
            {
                // Both bytes of the UTF-16 unit, so that non-Latin text hashes as well as Latin.
                hash = (hash ^ (byte)c) * FnvPrime;
                hash = (hash ^ (byte)(c >> 8)) * FnvPrime;
            }
        }

        return Mix(hash);
    }

    /// <summary>The 64-bit finalizer of MurmurHash3: spreads FNV's weak high bits over the whole word.</summary>
    private static ulong Mix(ulong hash)
    {
        hash ^= hash >> 33;
        hash *= 0xff51afd7ed558ccd;
        hash ^= hash >> 33;
        hash *= 0xc4ceb93e185a1ca3;
        hash ^= hash >> 33;
        return hash;
    }
}
