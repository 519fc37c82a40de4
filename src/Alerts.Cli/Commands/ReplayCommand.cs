using System.CommandLine;
using System.Globalization;
using Alerts.Core.Articles;
using Alerts.Core.Claims;
using Alerts.Core.Digests;
using Alerts.Core.Topics;
using Alerts.Pipeline.Articles;
using Alerts.Pipeline.Messages;
using Alerts.Pipeline.Storage;
using Alerts.Pipeline.Topics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Alerts.Cli.Commands;

/// <summary>
/// <c>alerts replay &lt;folder&gt; --topic "&lt;query&gt;" [--json]</c>: feeds a folder of article files through the real
/// pipeline (store, matching, claims engine) in published order against a fresh temporary store, and prints
/// each article's events and, at the end, the digest a subscriber would receive.
/// </summary>
public static class ReplayCommand
{
    private const string TopicId = "replay";

    public static Command Build()
    {
        var folder = new Argument<DirectoryInfo>("folder") { Description = "A folder of article files (*.txt: header lines, a blank line, the text)." };
        var topic = new Option<string>("--topic") { Description = "The topic's query.", Required = true };
        var json = new Option<bool>("--json") { Description = "One JSON object per event: article, type, cluster, claim, polarity, attribution, why." };
        var command = new Command("replay", "Run the whole pipeline over a folder of articles and print the events and the digest.") { folder, topic, json };
        command.SetAction(async (parse, ct) =>
        {
            var directory = parse.GetValue(folder)!;
            if (!directory.Exists)
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync($"replay: no such folder: {directory.FullName}");
                return ExitCodes.Usage;
            }

            return await WithScratchHostAsync(
                parse,
                (host, token) => ReplayAsync(host, directory, parse.GetValue(topic)!, parse.GetValue(json), parse.InvocationConfiguration, token),
                ct);
        });
        return command;
    }

    /// <summary>Runs <paramref name="body"/> in a host on a fresh temporary store (no page fetching), deleted afterwards.</summary>
    internal static async Task<int> WithScratchHostAsync(ParseResult parse, Func<IHost, CancellationToken, Task<int>> body, CancellationToken cancellationToken)
    {
        var scratch = Path.Combine(Path.GetTempPath(), "alerts-replay-" + Guid.NewGuid().ToString("N"));
        try
        {
            var overrides = new Dictionary<string, string?>
            {
                ["Store:Path"] = Path.Combine(scratch, "replay.db"),
                ["Articles:FetchPages"] = "false",
            };
            return await AlertsCommandLine.WithHostAsync(parse, (host, _, token) => body(host, token), cancellationToken, overrides);
        }
        finally
        {
            TryDelete(scratch);
        }
    }

    /// <summary>Adds the topic, then stores and processes each file in order, as the pipeline would on arrival.</summary>
    internal static async Task<IReadOnlyList<(ArticleFile File, ProcessArticleResult Result)>> ReplayFilesAsync(
        IHost host, IReadOnlyList<ArticleFile> files, string query, CancellationToken cancellationToken)
    {
        await host.Services.GetRequiredService<ManageTopics>().AddAsync(new Topic(TopicId, query, query), cancellationToken);
        var articles = host.Services.GetRequiredService<IArticleStore>();
        var process = host.Services.GetRequiredService<ProcessArticle>();
        var results = new List<(ArticleFile, ProcessArticleResult)>();
        foreach (var file in files)
        {
            var stored = await articles.AddArticleAsync(file.ToArticle() with { Url = file.Url is null ? null : CanonicalUrl.Normalize(file.Url) }, cancellationToken);
            results.Add((file, await process.RunAsync(new ProcessArticleMessage(stored.ArticleId), 1, cancellationToken)));
        }

        return results;
    }

    private static async Task<int> ReplayAsync(IHost host, DirectoryInfo directory, string query, bool json, InvocationConfiguration console, CancellationToken cancellationToken)
    {
        IReadOnlyList<(ArticleFile File, ProcessArticleResult Result)> replayed;
        try
        {
            replayed = await ReplayFilesAsync(host, ArticleFile.ReadFolder(directory.FullName), query, cancellationToken);
        }
        catch (QueryParseException ex)
        {
            await TopicsCommand.WriteQueryErrorAsync(console.Error, query, ex);
            return ExitCodes.Usage;
        }
        catch (FormatException ex)
        {
            await console.Error.WriteLineAsync(ex.Message);
            return ExitCodes.Usage;
        }

        var events = replayed.SelectMany(r => r.Result.Events).ToList();
        foreach (var (file, result) in replayed)
        {
            await PrintArticleAsync(console.Output, file, result, json);
        }

        if (!json)
        {
            var claims = host.Services.GetRequiredService<IClaimStore>();
            var clusters = new Dictionary<string, ClaimCluster?>(StringComparer.Ordinal);
            foreach (var id in events.Select(e => e.ClusterId).Distinct(StringComparer.Ordinal))
            {
                clusters[id] = await claims.GetClusterAsync(id, cancellationToken);
            }

            var digest = DigestBuilder.Build(TopicId, query, events, id => clusters.GetValueOrDefault(id));
            await console.Output.WriteLineAsync("=== The digest a subscriber would receive ===\n");
            await console.Output.WriteAsync(PlainTextDigest.Render([digest]));
        }

        return ExitCodes.Success;
    }

    private static async Task PrintArticleAsync(TextWriter output, ArticleFile file, ProcessArticleResult result, bool json)
    {
        if (json)
        {
            foreach (var e in result.Events)
            {
                await output.WriteLineAsync(CliJson.Serialize(
                    new EventJson(file.Name, e.Type.ToString(), e.ClusterId, e.Claim.Text, e.Polarity.ToString().ToLowerInvariant(), e.Attribution.Source, e.Why),
                    indented: false));
            }

            return;
        }

        var date = file.Published?.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "undated";
        var matched = result.Matches.Count > 0 ? "" : " (does not match the topic)";
        var copy = result.CopyOf is null ? "" : $" (syndicated copy of article #{result.CopyOf})";
        await output.WriteLineAsync($"{file.Name}  {date}  {file.Title}{matched}{copy}");
        foreach (var e in result.Events)
        {
            await output.WriteLineAsync($"  {e.Type,-13} {e.Claim.Text}");
            await output.WriteLineAsync($"  {"",-13} {e.Polarity.ToString().ToLowerInvariant()}, by {e.Attribution.Source}; {e.Why}");
        }

        if (result.Matches.Count > 0 && result.Events.Count == 0)
        {
            await output.WriteLineAsync("  (no new claim, contradiction or corroboration)");
        }

        await output.WriteLineAsync();
    }

    private static void TryDelete(string folder)
    {
        try
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
        catch (IOException)
        {
            // The temporary store is in the temp folder; a handle still closing leaves it for the OS to clean.
        }
    }

    private sealed record EventJson(string Article, string Type, string Cluster, string Claim, string Polarity, string Attribution, string Why);
}
