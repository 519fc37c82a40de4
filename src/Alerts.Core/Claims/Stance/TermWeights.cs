using System.Collections.Frozen;
using System.Globalization;

namespace Alerts.Core.Claims.Stance;

/// <summary>
/// Inverse document frequencies of stemmed terms, learned from the training bodies and committed with the
/// model (a term seen in fewer than <see cref="MinDocumentFrequency"/> documents gets the unknown weight).
/// File format: a first line <c>#documents N unknown W</c>, then one <c>term TAB idf</c> per line.
/// </summary>
public sealed class TermWeights
{
    public const int MinDocumentFrequency = 2;

    private readonly FrozenDictionary<string, float> _idf;

    private TermWeights(FrozenDictionary<string, float> idf, int documents, float unknown)
    {
        _idf = idf;
        Documents = documents;
        Unknown = unknown;
    }

    public int Documents { get; }

    /// <summary>The weight of a term never (or almost never) seen in training: as rare as a term can be.</summary>
    public float Unknown { get; }

    public int Count => _idf.Count;

    public float Idf(string term) => _idf.TryGetValue(term, out var idf) ? idf : Unknown;

    public static TermWeights Build(IEnumerable<IReadOnlyCollection<string>> documents)
    {
        var df = new Dictionary<string, int>(StringComparer.Ordinal);
        var n = 0;
        foreach (var document in documents)
        {
            n++;
            foreach (var term in document.Distinct(StringComparer.Ordinal))
            {
                df[term] = df.GetValueOrDefault(term) + 1;
            }
        }

        var idf = df.Where(p => p.Value >= MinDocumentFrequency)
            .ToDictionary(p => p.Key, p => Weight(n, p.Value), StringComparer.Ordinal);
        return new TermWeights(idf.ToFrozenDictionary(StringComparer.Ordinal), n, Weight(n, 1));
    }

    public void Save(TextWriter writer)
    {
        writer.Write(string.Create(CultureInfo.InvariantCulture, $"#documents {Documents} unknown {Unknown:R}\n"));
        foreach (var (term, idf) in _idf.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            writer.Write(string.Create(CultureInfo.InvariantCulture, $"{term}\t{idf:0.####}\n"));
        }
    }

    public static TermWeights Load(TextReader reader)
    {
        var header = reader.ReadLine() ?? throw new FormatException("stance: the term weights file is empty");
        var parts = header.Split(' ');
        if (parts.Length != 4 || parts[0] != "#documents")
        {
            throw new FormatException($"stance: the term weights file starts with \"{header}\", not \"#documents N unknown W\"");
        }

        var idf = new Dictionary<string, float>(StringComparer.Ordinal);
        var lineNumber = 1;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            var tab = line.IndexOf('\t', StringComparison.Ordinal);
            if (tab <= 0 || !float.TryParse(line.AsSpan(tab + 1), NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                throw new FormatException($"stance: term weights line {lineNumber} is not \"term<TAB>idf\": {line}");
            }

            idf[line[..tab]] = value;
        }

        return new TermWeights(
            idf.ToFrozenDictionary(StringComparer.Ordinal),
            int.Parse(parts[1], CultureInfo.InvariantCulture),
            float.Parse(parts[3], CultureInfo.InvariantCulture));
    }

    private static float Weight(int documents, int frequency) => (float)Math.Log((1.0 + documents) / (1.0 + frequency)) + 1f;
}
