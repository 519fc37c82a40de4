using System.CommandLine;
using Alerts.Cli.Configuration;
using Alerts.Core.Articles;
using Alerts.Core.Feeds;
using Alerts.Core.Topics;
using Alerts.Pipeline.Feeds;
using Alerts.Pipeline.Fetching;
using Alerts.Pipeline.Storage;
using Alerts.Pipeline.Topics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Spectre.Console;

namespace Alerts.Cli.Commands;

/// <summary><c>alerts topics add|list|remove|test</c>.</summary>
public static class TopicsCommand
{
    public static Command Build() => new("topics", "Manage the topics people subscribe to, and try a query before subscribing.")
    {
        BuildAdd(),
        BuildList(),
        BuildRemove(),
        BuildTest(),
    };

    private static Command BuildAdd()
    {
        var name = new Argument<string>("name") { Description = "Display name, e.g. \"Turkey S-400\"." };
        var query = new Option<string>("--query", "-q") { Description = "The topic's query (see docs/query-language.md).", Required = true };
        var id = new Option<string?>("--id") { Description = "Slug id; default: made from the name." };
        var description = new Option<string?>("--description") { Description = "One line shown to subscribers." };
        var languages = new Option<string[]>("--lang") { Description = "Only articles in these languages (repeatable), e.g. en." };
        var feeds = new Option<long[]>("--feed") { Description = "Only articles from these feed ids (repeatable)." };
        var isPublic = new Option<bool>("--public") { Description = "Show the topic's story page and Atom feed to anyone (only what the feeds published)." };
        var command = new Command("add", "Add or replace a topic. A query that does not parse is refused with its position (exit 2).")
        {
            name, query, id, description, languages, feeds, isPublic,
        };
        command.SetAction((parse, ct) => AlertsCommandLine.WithHostAsync(parse, async (host, settings, token) =>
        {
            await ConfigSync.ApplyAsync(host, settings, token);
            var topic = new Topic(parse.GetValue(id) ?? "", parse.GetValue(name)!, parse.GetValue(query)!)
            {
                Description = parse.GetValue(description),
                Languages = parse.GetValue(languages) ?? [],
                FeedIds = parse.GetValue(feeds) ?? [],
                Public = parse.GetValue(isPublic),
            };
            try
            {
                var added = await host.Services.GetRequiredService<ManageTopics>().AddAsync(topic, token);
                await parse.InvocationConfiguration.Output.WriteLineAsync($"topics: saved '{added.Id}': {added.Query}");
                return ExitCodes.Success;
            }
            catch (QueryParseException ex)
            {
                await WriteQueryErrorAsync(parse.InvocationConfiguration.Error, topic.Query, ex);
                return ExitCodes.Usage;
            }
            catch (ArgumentException ex)
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync(ex.Message);
                return ExitCodes.Usage;
            }
        }, ct));
        return command;
    }

    private static Command BuildList()
    {
        var json = new Option<bool>("--json") { Description = "One JSON array of topics." };
        var command = new Command("list", "List topics and alias groups.") { json };
        command.SetAction((parse, ct) => AlertsCommandLine.WithHostAsync(parse, async (host, settings, token) =>
        {
            await ConfigSync.ApplyAsync(host, settings, token);
            var manage = host.Services.GetRequiredService<ManageTopics>();
            var topics = await manage.ListAsync(token);
            var output = parse.InvocationConfiguration.Output;
            if (parse.GetValue(json))
            {
                await output.WriteLineAsync(CliJson.Serialize(topics));
                return ExitCodes.Success;
            }

            if (topics.Count == 0)
            {
                await output.WriteLineAsync("topics: none yet; add one with 'alerts topics add <name> --query <query>'");
                return ExitCodes.Success;
            }

            var table = new Table().AddColumns("id", "name", "query", "restricted to", "public");
            foreach (var topic in topics)
            {
                var restrictions = string.Join(", ", topic.Languages.Select(l => "lang " + l).Concat(topic.FeedIds.Select(f => "feed " + f)));
                table.AddRow(Markup.Escape(topic.Id), Markup.Escape(topic.Name), Markup.Escape(topic.Query), Markup.Escape(restrictions), topic.Public ? "yes" : "no");
            }

            CliTable.Write(output, table);
            foreach (var alias in await manage.ListAliasesAsync(token))
            {
                await output.WriteLineAsync($"@{alias.Name} = {alias.Members}");
            }

            return ExitCodes.Success;
        }, ct));
        return command;
    }

    private static Command BuildRemove()
    {
        var id = new Argument<string>("id") { Description = "The topic's id." };
        var command = new Command("remove", "Remove a topic; articles stop matching it at once.") { id };
        command.SetAction((parse, ct) => AlertsCommandLine.WithHostAsync(parse, async (host, _, token) =>
        {
            if (!await host.Services.GetRequiredService<ManageTopics>().RemoveAsync(parse.GetValue(id)!, token))
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync($"topics: no such topic: {parse.GetValue(id)}");
                return ExitCodes.Failures;
            }

            await parse.InvocationConfiguration.Output.WriteLineAsync($"topics: removed {parse.GetValue(id)}");
            return ExitCodes.Success;
        }, ct));
        return command;
    }

    private static Command BuildTest()
    {
        var query = new Argument<string>("query") { Description = "The query to try." };
        var files = new Option<string[]>("--file") { Description = "Article files (header lines, a blank line, the text); repeatable." };
        var feed = new Option<string?>("--feed") { Description = "A feed file or URL whose items to try." };
        var recent = new Option<int>("--recent") { Description = "Without --file or --feed: how many recently stored articles to try.", DefaultValueFactory = _ => 200 };
        var all = new Option<bool>("--all") { Description = "List the articles that do not match too." };
        var command = new Command("test", "Show which articles a query matches and which clauses matched, without saving anything.")
        {
            query, files, feed, recent, all,
        };
        command.SetAction((parse, ct) => AlertsCommandLine.WithHostAsync(parse, async (host, settings, token) =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            await ConfigSync.ApplyAsync(host, settings, token);
            IReadOnlyList<(string Name, Article Article)> articles;
            try
            {
                articles = await LoadArticlesAsync(host, parse.GetValue(files) ?? [], parse.GetValue(feed), parse.GetValue(recent), token);
            }
            catch (Exception ex) when (ex is FileNotFoundException or FormatException or FetchException or FeedParseException)
            {
                await error.WriteLineAsync(ex is FileNotFoundException ? $"topics: {ex.Message}" : ex.Message);
                return ex is FetchException ? ExitCodes.Failures : ExitCodes.Usage;
            }

            IReadOnlyList<TopicTestResult> results;
            try
            {
                results = await host.Services.GetRequiredService<ManageTopics>().TestAsync(parse.GetValue(query)!, articles, token);
            }
            catch (QueryParseException ex)
            {
                await WriteQueryErrorAsync(error, parse.GetValue(query)!, ex);
                return ExitCodes.Usage;
            }

            foreach (var result in results.Where(r => r.Matched || parse.GetValue(all)))
            {
                await output.WriteLineAsync(result.Matched
                    ? $"match     {result.Article}\n          because: {string.Join(", ", result.MatchedClauses)}"
                    : $"no match  {result.Article}");
            }

            await output.WriteLineAsync($"topics: {results.Count(r => r.Matched)} of {results.Count} articles match");
            return ExitCodes.Success;
        }, ct));
        return command;
    }

    private static async Task<IReadOnlyList<(string Name, Article Article)>> LoadArticlesAsync(
        IHost host, string[] files, string? feed, int recent, CancellationToken cancellationToken)
    {
        var articles = new List<(string, Article)>();
        foreach (var file in files)
        {
            if (!File.Exists(file))
            {
                throw new FileNotFoundException($"no such article file: {file}", file);
            }

            var parsed = ArticleFile.Parse(Path.GetFileName(file), await InputSource.ReadTextFileAsync(host, file, cancellationToken));
            articles.Add((parsed.Name, parsed.ToArticle()));
        }

        if (feed is not null)
        {
            var input = await InputSource.ReadAsync(host, feed, GuardedHttpClient.FeedAccept, cancellationToken);
            var parsed = FeedParser.Parse(input.Bytes, new FeedSource { BaseUri = input.Url, ContentType = input.ContentType });
            var record = new FeedRecord { Url = input.Url?.AbsoluteUri ?? feed, Title = parsed.Title };
            foreach (var item in parsed.Items)
            {
                if (FeedItemMapper.ToArticle(record, parsed, item, DateTimeOffset.UnixEpoch) is { } article)
                {
                    articles.Add(($"{article.Title} ({item.Link ?? item.Id})", article));
                }
            }
        }

        if (files.Length == 0 && feed is null)
        {
            foreach (var article in await host.Services.GetRequiredService<IArticleStore>().ListRecentArticlesAsync(recent, cancellationToken))
            {
                articles.Add(($"#{article.Id} {article.Title} ({article.Outlet})", article));
            }
        }

        return articles;
    }

    /// <summary>The message, then the query with a caret under the position.</summary>
    public static async Task WriteQueryErrorAsync(TextWriter error, string query, QueryParseException exception)
    {
        ArgumentNullException.ThrowIfNull(error);
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(exception);
        await error.WriteLineAsync(exception.Message);
        await error.WriteLineAsync("  " + query);
        await error.WriteLineAsync("  " + new string(' ', Math.Clamp(exception.Position - 1, 0, query.Length)) + "^");
    }
}
