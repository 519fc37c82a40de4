using System.Globalization;
using System.Text;

namespace Alerts.Core.Claims.Stance;

/// <summary>One labelled pair: a headline (the claim), the body it is paired with, the gold relation.</summary>
public sealed record StancePair(string Headline, int BodyId, Relation Gold);

/// <summary>
/// A stance data set in the FNC-1 layout: <c>Headline,Body ID,Stance</c> pairs and <c>Body ID,articleBody</c>
/// bodies (CSV with quoted fields spanning lines). Stances map agree = supports, disagree = disputes,
/// discuss = mentions, unrelated = unrelated.
/// </summary>
public sealed record StanceDataset(IReadOnlyList<StancePair> Pairs, IReadOnlyDictionary<int, string> Bodies)
{
    public static StanceDataset Parse(TextReader stances, TextReader bodies)
    {
        ArgumentNullException.ThrowIfNull(stances);
        ArgumentNullException.ThrowIfNull(bodies);
        var bodyMap = new Dictionary<int, string>();
        foreach (var (row, line) in Rows(bodies, "bodies", ["Body ID", "articleBody"]))
        {
            bodyMap[Id(row[0], "bodies", line)] = row[1];
        }

        var pairs = new List<StancePair>();
        foreach (var (row, line) in Rows(stances, "stances", ["Headline", "Body ID", "Stance"]))
        {
            var id = Id(row[1], "stances", line);
            if (!bodyMap.ContainsKey(id))
            {
                throw new FormatException($"stance: stances line {line} names body {id}, which the bodies file does not have");
            }

            pairs.Add(new StancePair(row[0], id, Label(row[2], line)));
        }

        return new StanceDataset(pairs, bodyMap);
    }

    /// <summary>The gold relation of an FNC-1 stance label.</summary>
    public static Relation Label(string stance, int line = 0) => stance.Trim().ToLowerInvariant() switch
    {
        "unrelated" => Relation.Unrelated,
        "agree" => Relation.Supports,
        "disagree" => Relation.Disputes,
        "discuss" => Relation.Mentions,
        _ => throw new FormatException($"stance: stances line {line}: \"{stance}\" is not agree, disagree, discuss or unrelated"),
    };

    /// <summary>
    /// Splits the body ids: <paramref name="fraction"/> of them (shuffled with <paramref name="seed"/>, from the
    /// sorted ids) are returned. Deterministic, so the evaluation can rebuild the trainer's held-out set.
    /// </summary>
    public static HashSet<int> SampleBodies(IEnumerable<int> bodyIds, int seed, double fraction)
    {
        var ids = bodyIds.Distinct().Order().ToArray();
        new Random(seed).Shuffle(ids);
        return [.. ids.Take((int)Math.Round(ids.Length * fraction))];
    }

    private static int Id(string text, string file, int line) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            ? id
            : throw new FormatException($"stance: {file} line {line}: body id \"{text}\" is not a number");

    private static IEnumerable<(string[] Row, int Line)> Rows(TextReader reader, string file, string[] header)
    {
        var first = true;
        var line = 1;
        while (ReadRecord(reader, ref line) is { } record)
        {
            var (fields, start) = record;
            if (first)
            {
                first = false;
                if (!fields.Select(f => f.Trim('\uFEFF')).SequenceEqual(header))
                {
                    throw new FormatException($"stance: the {file} file's header is \"{string.Join(',', fields)}\", not \"{string.Join(',', header)}\"");
                }

                continue;
            }

            if (fields.Length != header.Length)
            {
                throw new FormatException($"stance: {file} line {start} has {fields.Length} fields, not {header.Length}");
            }

            yield return (fields, start);
        }
    }

    /// <summary>One CSV record (quoted fields may hold commas, doubled quotes and newlines), or null at the end.</summary>
    private static (string[] Fields, int Line)? ReadRecord(TextReader reader, ref int line)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        var start = line;
        var inQuotes = false;
        var any = false;
        while (true)
        {
            var c = reader.Read();
            if (c < 0)
            {
                if (inQuotes)
                {
                    throw new FormatException($"stance: a quoted field opened on line {start} never closes");
                }

                if (!any)
                {
                    return null;
                }

                fields.Add(field.ToString());
                return (fields.ToArray(), start);
            }

            any = true;
            var ch = (char)c;
            if (inQuotes)
            {
                if (ch == '"')
                {
                    if (reader.Peek() == '"')
                    {
                        reader.Read();
                        field.Append('"');
                    }
                    else
                    {
                        inQuotes = false;
                    }
                }
                else
                {
                    line += ch == '\n' ? 1 : 0;
                    field.Append(ch);
                }
            }
            else if (ch == '"')
            {
                inQuotes = true;
            }
            else if (ch == ',')
            {
                fields.Add(field.ToString());
                field.Clear();
            }
            else if (ch == '\n')
            {
                line++;
                fields.Add(field.ToString().TrimEnd('\r'));
                return (fields.ToArray(), start);
            }
            else
            {
                field.Append(ch);
            }
        }
    }
}

/// <summary>The FNC-1 figures of a set of predictions: weighted score, macro-F1, per-relation F1 and the confusion matrix.</summary>
public sealed record StanceEvaluation(int Pairs, double Weighted, double MacroF1, IReadOnlyDictionary<Relation, double> F1, int[][] Confusion, double Accuracy)
{
    public static StanceEvaluation Of(IReadOnlyList<(Relation Gold, Relation Predicted)> outcomes)
    {
        ArgumentNullException.ThrowIfNull(outcomes);
        var confusion = Enumerable.Range(0, StanceModel.RelationCount).Select(_ => new int[StanceModel.RelationCount]).ToArray();
        double score = 0, best = 0;
        foreach (var (gold, predicted) in outcomes)
        {
            confusion[(int)gold][(int)predicted]++;
            var goldRelated = gold != Relation.Unrelated;
            var predictedRelated = predicted != Relation.Unrelated;
            best += goldRelated ? 1.0 : 0.25;
            score += goldRelated == predictedRelated ? 0.25 : 0;
            score += goldRelated && gold == predicted ? 0.75 : 0;
        }

        var f1 = new Dictionary<Relation, double>();
        for (var k = 0; k < StanceModel.RelationCount; k++)
        {
            double tp = confusion[k][k];
            var predictedK = confusion.Sum(row => row[k]);
            var goldK = confusion[k].Sum();
            var precision = predictedK == 0 ? 0 : tp / predictedK;
            var recall = goldK == 0 ? 0 : tp / goldK;
            f1[(Relation)k] = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
        }

        var correct = Enumerable.Range(0, StanceModel.RelationCount).Sum(k => confusion[k][k]);
        return new StanceEvaluation(outcomes.Count, best == 0 ? 0 : score / best, f1.Values.Average(), f1, confusion, outcomes.Count == 0 ? 0 : (double)correct / outcomes.Count);
    }

    /// <summary>The figures as a flat name → value map (for the model file and JSON output).</summary>
    public IReadOnlyDictionary<string, double> ToFigures() => new Dictionary<string, double>
    {
        ["pairs"] = Pairs,
        ["weighted"] = Math.Round(Weighted, 4),
        ["macro_f1"] = Math.Round(MacroF1, 4),
        ["accuracy"] = Math.Round(Accuracy, 4),
        ["f1_unrelated"] = Math.Round(F1[Relation.Unrelated], 4),
        ["f1_supports"] = Math.Round(F1[Relation.Supports], 4),
        ["f1_disputes"] = Math.Round(F1[Relation.Disputes], 4),
        ["f1_mentions"] = Math.Round(F1[Relation.Mentions], 4),
    };

    /// <summary>A plain-text report: the figures and the confusion matrix (rows gold, columns predicted).</summary>
    public string Describe()
    {
        var names = Enumerable.Range(0, StanceModel.RelationCount).Select(k => ((Relation)k).ToString().ToLowerInvariant()).ToArray();
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"pairs {Pairs}: weighted {Weighted:0.0000}, macro-F1 {MacroF1:0.0000}, accuracy {Accuracy:0.0000}\n");
        text.Append("F1: ").AppendJoin(", ", names.Select((n, k) => string.Create(CultureInfo.InvariantCulture, $"{n} {F1[(Relation)k]:0.0000}"))).Append('\n');
        text.Append(CultureInfo.InvariantCulture, $"{"gold \\ predicted",-17}").AppendJoin("", names.Select(n => $"{n,11}")).Append('\n');
        for (var k = 0; k < names.Length; k++)
        {
            text.Append(CultureInfo.InvariantCulture, $"{names[k],-17}").AppendJoin("", Confusion[k].Select(c => $"{c,11}")).Append('\n');
        }

        return text.ToString();
    }
}
