using System.CommandLine;
using Alerts.Core.Articles;
using Alerts.Pipeline.Articles;
using Alerts.Pipeline.Fetching;

namespace Alerts.Cli.Commands;

/// <summary>
/// <c>alerts extract &lt;html-file|url&gt; [--base-url U] [--json]</c>: the main text of an article page. The base
/// URL (a fetched page's own URL otherwise) resolves the page's canonical link and image.
/// </summary>
public static class ExtractCommand
{
    public static Command Build()
    {
        var source = new Argument<string>("html-file-or-url") { Description = "An HTML file, or an http(s) URL to fetch." };
        var baseUrl = UriOption.Create("--base-url", "The page's URL, for resolving its canonical link and relative links in a local file.");
        var json = new Option<bool>("--json") { Description = "Print {title, byline, published, lang, text, url, image} as JSON." };
        var command = new Command("extract", "Extract an article page's title, byline, date, language and main text.") { source, baseUrl, json };
        command.SetAction((parse, ct) => AlertsCommandLine.WithHostAsync(parse, async (host, _, token) =>
        {
            var output = parse.InvocationConfiguration.Output;
            InputDocument input;
            try
            {
                input = await InputSource.ReadAsync(host, parse.GetValue(source)!, "text/html, application/xhtml+xml;q=0.9, */*;q=0.5", token);
            }
            catch (Exception ex) when (ex is FileNotFoundException or InputFileException or FetchException)
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync(ex is FileNotFoundException ? $"extract: {ex.Message}" : ex.Message);
                return ex is FetchException ? ExitCodes.Failures : ExitCodes.Usage;
            }

            var page = ArticleExtractor.Extract(HtmlText.Decode(input.Bytes, input.Charset), parse.GetValue(baseUrl) ?? input.Url);
            if (parse.GetValue(json))
            {
                await output.WriteLineAsync(CliJson.Serialize(page));
            }
            else
            {
                await output.WriteLineAsync($"{page.Title}\n{page.Byline} {page.Published:u} {page.Lang}\n{page.Url}\n\n{page.Text}");
            }

            if (page.Text.Length == 0)
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync("extract: no readable article text found in the page");
                return ExitCodes.Failures;
            }

            return ExitCodes.Success;
        }, ct));
        return command;
    }
}
