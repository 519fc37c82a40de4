using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Alerts.Core.Articles;
using Alerts.Core.Claims;
using Alerts.Core.Topics;

namespace Alerts.Cli.Commands;

/// <summary>
/// <c>alerts eval stories &lt;folder&gt; [--json]</c>: replays every story folder (article files and a gold.json)
/// through the same pipeline as <c>alerts replay</c>, each on a fresh store, and scores the events against the
/// gold: a dispute hit is a Contradiction on the article, a new hit a NewClaim, quiet means neither. Where the story
/// also has a gold.md, its per-article labels say which alerting articles carry news outside the gold.json lists.
/// </summary>
public static class EvalCommand
{
    private static readonly JsonSerializerOptions GoldJson = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public static Command Build()
    {
        var folder = new Argument<DirectoryInfo>("folder") { Description = "A folder of story folders, each with article files and a gold.json." };
        var json = new Option<bool>("--json") { Description = "One JSON object: the figures per story and in total." };
        var stories = new Command("stories", "Replay every story folder and score its events against the story's gold.json.") { folder, json };
        stories.SetAction(async (parse, ct) =>
        {
            var root = parse.GetValue(folder)!;
            var console = parse.InvocationConfiguration;
            var folders = root.Exists
                ? root.GetDirectories().Where(d => File.Exists(Path.Combine(d.FullName, "gold.json"))).OrderBy(d => d.Name, StringComparer.Ordinal).ToList()
                : [];
            if (folders.Count == 0)
            {
                await console.Error.WriteLineAsync($"eval: no story folders with a gold.json in {root.FullName}");
                return ExitCodes.Usage;
            }

            var scores = new List<StoryScore>();
            foreach (var story in folders)
            {
                StoryGold gold;
                IReadOnlyDictionary<string, IReadOnlySet<ArticleLabel>>? labels;
                IReadOnlyList<ArticleFile> files;
                try
                {
                    gold = JsonSerializer.Deserialize<StoryGold>(File.ReadAllText(Path.Combine(story.FullName, "gold.json")), GoldJson)
                        ?? throw new FormatException("empty gold.json");
                    if (string.IsNullOrWhiteSpace(gold.Topic))
                    {
                        throw new FormatException("gold.json has no topic");
                    }

                    // Path.Exists, not File.Exists: a gold.md that is there but cannot be read is an error, not "no labels".
                    var goldMd = Path.Combine(story.FullName, "gold.md");
                    labels = Path.Exists(goldMd) ? GoldLabels.Parse(File.ReadAllText(goldMd)) : null;
                    files = ArticleFile.ReadFolder(story.FullName);
                }
                catch (Exception ex) when (ex is JsonException or FormatException or IOException or UnauthorizedAccessException)
                {
                    await console.Error.WriteLineAsync($"eval: {story.Name}: {ex.Message}");
                    return ExitCodes.Usage;
                }

                var exit = await ReplayCommand.WithScratchHostAsync(
                    parse,
                    async (host, token) =>
                    {
                        var replayed = await ReplayCommand.ReplayFilesAsync(host, files, gold.Topic, token);
                        var events = replayed.ToDictionary(
                            r => Path.GetFileNameWithoutExtension(r.File.Name),
                            r => (IReadOnlyList<TopicEventType>)r.Result.Events.Select(e => e.Type).ToList(),
                            StringComparer.Ordinal);
                        scores.Add(StoryScore.Of(story.Name, gold, labels, events));
                        return ExitCodes.Success;
                    },
                    ct);
                if (exit != ExitCodes.Success)
                {
                    return exit;
                }
            }

            var total = StoryScore.Total(scores);
            if (parse.GetValue(json))
            {
                await console.Output.WriteLineAsync(CliJson.Serialize(new { stories = scores, total }));
            }
            else
            {
                await WriteTableAsync(console.Output, scores, total);
            }

            return ExitCodes.Success;
        });

        return new Command("eval", "Measure the claims engine against gold-labelled data.") { stories };
    }

    private static async Task WriteTableAsync(TextWriter output, IReadOnlyList<StoryScore> scores, StoryScore total)
    {
        // Plain columns: a pipe or a narrow terminal must not wrap the story names.
        var width = scores.Max(s => s.Story.Length) + 2;
        await output.WriteLineAsync(
            $"{"story".PadRight(width)}{"disputes found",-16}{"new flagged",-16}{"copies quiet",-16}{"no false dispute",-18}{"alerting",-10}{"outside lists",-15}without labelled news");
        foreach (var s in scores.Append(total))
        {
            var labelled = s.AlertingWithoutLabelledNews?.ToString(CultureInfo.InvariantCulture) ?? "-";
            await output.WriteLineAsync(
                $"{s.Story.PadRight(width)}{Ratio(s.Disputes),-16}{Ratio(s.NewClaims),-16}{Ratio(s.Quiet),-16}{Ratio(s.NoFalseDispute),-18}{s.Alerting + " of " + s.Articles,-10}{s.AlertingWithoutNews,-15}{labelled}");
        }
    }

    private static string Ratio(Hits hits) =>
        hits.Of == 0 ? "-" : string.Create(CultureInfo.InvariantCulture, $"{hits.Ratio:0.00} ({hits.Found}/{hits.Of})");
}

/// <summary>A story's gold.json: which articles must raise what (see shared/stories/README.md).</summary>
public sealed record StoryGold
{
    public string Topic { get; init; } = "";

    public IReadOnlyList<string> MustNew { get; init; } = [];

    public IReadOnlyList<string> MustDispute { get; init; } = [];

    public IReadOnlyList<IReadOnlyList<string>> MustDisputeAny { get; init; } = [];

    public IReadOnlyList<string> MustQuiet { get; init; } = [];

    public IReadOnlyList<string> MustNotDispute { get; init; } = [];
}

/// <summary>A gold.md label of an article against a central claim (shared/stories/README.md, "Labels").</summary>
public enum ArticleLabel
{
    None,
    Asserts,
    Repeats,
    Denies,
    Contradicts,
    Mentions,
}

/// <summary>
/// The "## Per-article labels" section of a story's gold.md: under each <c>### NN ...</c> heading, lines
/// <c>- C1: REPEATS — quote: ...</c> or <c>- C1 also: DENIES (...) — quote: ...</c>; the label is the word right
/// after the prefix, and a line with none there (<c>- C1 also — quote: ...</c>, <c>- C1 also (detail) — ...</c>)
/// labels nothing.
/// </summary>
public static partial class GoldLabels
{
    private const string Section = "## Per-article labels";

    private static readonly Dictionary<string, ArticleLabel> Labels = Enum.GetValues<ArticleLabel>()
        .ToDictionary(l => l.ToString().ToUpperInvariant(), StringComparer.Ordinal);

    /// <summary>The labels per article number ("01"); throws FormatException on a line the section cannot hold.</summary>
    public static IReadOnlyDictionary<string, IReadOnlySet<ArticleLabel>> Parse(string markdown)
    {
        ArgumentNullException.ThrowIfNull(markdown);
        var lines = markdown.ReplaceLineEndings("\n").Split('\n');
        var start = Array.FindIndex(lines, l => l.TrimEnd() == Section);
        if (start < 0)
        {
            throw new FormatException($"gold.md has no '{Section}' section");
        }

        var labels = new Dictionary<string, HashSet<ArticleLabel>>(StringComparer.Ordinal);
        HashSet<ArticleLabel>? current = null;
        for (var i = start + 1; i < lines.Length && !lines[i].StartsWith("## ", StringComparison.Ordinal); i++)
        {
            var line = lines[i].TrimEnd();
            if (line.Length == 0)
            {
                continue;
            }

            var heading = Heading().Match(line);
            if (heading.Success)
            {
                current = [];
                if (!labels.TryAdd(heading.Groups["article"].Value, current))
                {
                    throw new FormatException($"gold.md line {i + 1}: article {heading.Groups["article"].Value} is labelled twice");
                }

                continue;
            }

            var claim = ClaimLine().Match(line);
            if (!claim.Success || current is null)
            {
                throw new FormatException($"gold.md line {i + 1}: expected '### NN <source>' or '- Cn: LABEL — quote: ...' under an article, found '{line}'");
            }

            if (Labels.TryGetValue(claim.Groups["label"].Value, out var label))
            {
                current.Add(label);
            }
        }

        return labels.ToDictionary(p => p.Key, p => (IReadOnlySet<ArticleLabel>)p.Value, StringComparer.Ordinal);
    }

    [GeneratedRegex(@"^### (?<article>\d+)\b")]
    private static partial Regex Heading();

    // The label is only the upper-case word right after "Cn:" / "Cn also:"; "- C1 also: notes that ..." labels nothing.
    [GeneratedRegex(@"^- C\d+\b(?: also)?(?::\s*(?<label>[A-Z]+)\b)?")]
    private static partial Regex ClaimLine();
}

/// <summary>How many of the gold's cases were met, of how many.</summary>
public sealed record Hits(int Found, int Of)
{
    public double Ratio => Of == 0 ? 1 : Math.Round((double)Found / Of, 3);

    public static Hits operator +(Hits a, Hits b) => new(a.Found + b.Found, a.Of + b.Of);
}

/// <summary>
/// One story's figures. Disputes found counts each must_dispute article with a Contradiction and each
/// must_dispute_any group with one in any of its articles; an article alerts when it raised a NewClaim or a
/// Contradiction (what puts it in a digest), and alerts without news when the gold lists it under neither.
/// The lists are conservative (later denials from the same side are left out), so it alerts without labelled
/// news only when, besides, none of its gold.md labels is ASSERTS, DENIES or CONTRADICTS; null without a gold.md.
/// </summary>
public sealed record StoryScore(
    string Story, Hits Disputes, Hits NewClaims, Hits Quiet, Hits NoFalseDispute, int Alerting, int AlertingWithoutNews, int? AlertingWithoutLabelledNews, int Articles)
{
    private static readonly ArticleLabel[] NewsLabels = [ArticleLabel.Asserts, ArticleLabel.Denies, ArticleLabel.Contradicts];

    public static StoryScore Of(
        string story, StoryGold gold, IReadOnlyDictionary<string, IReadOnlySet<ArticleLabel>>? labels, IReadOnlyDictionary<string, IReadOnlyList<TopicEventType>> events)
    {
        ArgumentNullException.ThrowIfNull(gold);
        ArgumentNullException.ThrowIfNull(events);
        bool Has(string article, TopicEventType type) => events.TryGetValue(article, out var types) && types.Contains(type);
        bool Alerts(string article) => Has(article, TopicEventType.NewClaim) || Has(article, TopicEventType.Contradiction);
        bool Labelled(string article) => labels!.TryGetValue(article, out var set) && set.Overlaps(NewsLabels);

        var disputes = new Hits(gold.MustDispute.Count(a => Has(a, TopicEventType.Contradiction)), gold.MustDispute.Count)
            + new Hits(gold.MustDisputeAny.Count(g => g.Any(a => Has(a, TopicEventType.Contradiction))), gold.MustDisputeAny.Count);
        var news = gold.MustNew.Concat(gold.MustDispute).Concat(gold.MustDisputeAny.SelectMany(g => g)).ToHashSet(StringComparer.Ordinal);
        var outsideLists = events.Keys.Where(a => Alerts(a) && !news.Contains(a)).ToList();
        return new StoryScore(
            story,
            disputes,
            new Hits(gold.MustNew.Count(a => Has(a, TopicEventType.NewClaim)), gold.MustNew.Count),
            new Hits(gold.MustQuiet.Count(a => !Alerts(a)), gold.MustQuiet.Count),
            new Hits(gold.MustNotDispute.Count(a => !Has(a, TopicEventType.Contradiction)), gold.MustNotDispute.Count),
            events.Keys.Count(Alerts),
            outsideLists.Count,
            labels is null ? null : outsideLists.Count(a => !Labelled(a)),
            events.Count);
    }

    public static StoryScore Total(IReadOnlyList<StoryScore> scores)
    {
        ArgumentNullException.ThrowIfNull(scores);
        var zero = new Hits(0, 0);
        var labelled = scores.Where(s => s.AlertingWithoutLabelledNews is not null).ToList();
        return new StoryScore(
            "total",
            scores.Aggregate(zero, (a, s) => a + s.Disputes),
            scores.Aggregate(zero, (a, s) => a + s.NewClaims),
            scores.Aggregate(zero, (a, s) => a + s.Quiet),
            scores.Aggregate(zero, (a, s) => a + s.NoFalseDispute),
            scores.Sum(s => s.Alerting),
            scores.Sum(s => s.AlertingWithoutNews),
            labelled.Count == 0 ? null : labelled.Sum(s => s.AlertingWithoutLabelledNews),
            scores.Sum(s => s.Articles));
    }
}
