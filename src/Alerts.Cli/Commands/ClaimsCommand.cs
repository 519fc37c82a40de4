using System.CommandLine;
using System.Text.Json;
using Alerts.Core.Articles;
using Alerts.Core.Claims;
using Alerts.Core.Claims.Stance;
using Alerts.Pipeline.Articles;
using Alerts.Pipeline.Fetching;

namespace Alerts.Cli.Commands;

/// <summary><c>alerts claims extract|relate</c>: the claims engine's stages on their own, with stable JSON.</summary>
public static class ClaimsCommand
{
    public static Command Build(TextReader input) => new("claims", "Run the claims engine's stages on their own.")
    {
        BuildExtract(),
        BuildRelate(input),
    };

    private static Command BuildExtract()
    {
        var source = new Argument<string>("article-file-or-url") { Description = "An article file (header lines, a blank line, the text), or an http(s) URL of an article page." };
        var json = new Option<bool>("--json") { Description = "Print the claims with all their fields as a JSON array." };
        var command = new Command("extract", "Extract the claims one article makes.") { source, json };
        command.SetAction((parse, ct) => AlertsCommandLine.WithHostAsync(parse, async (host, _, token) =>
        {
            var output = parse.InvocationConfiguration.Output;
            ArticleInput input;
            try
            {
                input = await ReadArticleAsync(host, parse.GetValue(source)!, token);
            }
            catch (Exception ex) when (ex is FileNotFoundException or FormatException or FetchException)
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync(ex is FileNotFoundException ? $"claims: {ex.Message}" : ex.Message);
                return ex is FetchException ? ExitCodes.Failures : ExitCodes.Usage;
            }

            var claims = ClaimExtractor.Extract(input);
            if (parse.GetValue(json))
            {
                await output.WriteLineAsync(CliJson.Serialize(claims));
                return ExitCodes.Success;
            }

            foreach (var claim in claims)
            {
                var mark = claim.Polarity == Polarity.Denied ? "denied" : "asserted";
                await output.WriteLineAsync($"{(claim.IsHeadline ? "headline" : $"#{claim.SentenceIndex}"),-9} {claim.Text}");
                await output.WriteLineAsync($"          {mark}, {claim.Modality.ToString().ToLowerInvariant()}, by {claim.Attribution.Source}; entities: {string.Join(", ", claim.Entities)}; predicates: {string.Join(", ", claim.PredicateTerms)}");
            }

            await output.WriteLineAsync($"claims: {claims.Count} claims");
            return ExitCodes.Success;
        }, ct));
        return command;
    }

    private static async Task<ArticleInput> ReadArticleAsync(Microsoft.Extensions.Hosting.IHost host, string fileOrUrl, CancellationToken cancellationToken)
    {
        if (File.Exists(fileOrUrl))
        {
            var file = ArticleFile.Parse(Path.GetFileName(fileOrUrl), await File.ReadAllTextAsync(fileOrUrl, cancellationToken));
            return file.ToInput();
        }

        var page = await InputSource.ReadAsync(host, fileOrUrl, GuardedHttpClient.HtmlAccept, cancellationToken);
        var extracted = ArticleExtractor.Extract(HtmlText.Decode(page.Bytes, page.Charset), page.Url);
        return new ArticleInput(fileOrUrl, extracted.Title ?? "", extracted.Text, page.Url?.Host, extracted.Published, page.Url?.AbsoluteUri);
    }

    private static Command BuildRelate(TextReader input)
    {
        var command = new Command("relate", """
            Read JSON lines {"id","claim","text","title"?} from stdin and write {"id","relation","score","why","probabilities"} per line;
            relation is unrelated, supports, disputes or mentions, from the learned stance model (score: its probability).
            A malformed line is reported on stderr and skipped (exit 1 at the end).
            """);
        command.SetAction(async (parse, ct) =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            var model = StanceModel.Shared;
            var failures = 0;
            var lineNumber = 0;
            while (await input.ReadLineAsync(ct) is { } line)
            {
                lineNumber++;
                if (string.IsNullOrWhiteSpace(line))
                {
                    continue;
                }

                RelateRequest? request;
                try
                {
                    request = JsonSerializer.Deserialize<RelateRequest>(line, CliJson.Options);
                }
                catch (JsonException ex)
                {
                    request = null;
                    await error.WriteLineAsync($"claims: line {lineNumber}: not valid JSON: {ex.Message}");
                }

                if (request is null || request.Claim is null || request.Text is null)
                {
                    failures++;
                    if (request is not null)
                    {
                        await error.WriteLineAsync($"claims: line {lineNumber}: \"claim\" and \"text\" are required");
                    }

                    continue;
                }

                var result = model.Predict(request.Claim, request.Title, request.Text);
                var probabilities = result.Probabilities.ToDictionary(p => Name(p.Key), p => Math.Round(p.Value, 3));
                var answer = new RelateResponse(request.Id, Name(result.Relation), Math.Round(result.Score, 3), result.Why, probabilities);
                await output.WriteLineAsync(JsonSerializer.Serialize(answer, CliJson.Options));
            }

            return failures == 0 ? ExitCodes.Success : ExitCodes.Failures;
        });
        return command;
    }

    private sealed record RelateRequest(JsonElement Id, string? Claim, string? Text, string? Title);

    private static string Name(Relation relation) => relation.ToString().ToLowerInvariant();

    private sealed record RelateResponse(JsonElement Id, string Relation, double Score, string Why, IReadOnlyDictionary<string, double> Probabilities);
}
