using System.CommandLine;
using System.Globalization;
using Alerts.Core.Feeds;
using Alerts.Pipeline.Feeds;
using Alerts.Pipeline.Fetching;
using Alerts.Pipeline.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Spectre.Console;

namespace Alerts.Cli.Commands;

/// <summary><c>alerts feeds add|list|remove|parse|import|export</c>.</summary>
public static class FeedsCommand
{
    public static Command Build() => new("feeds", "Manage the feeds that are polled, and parse a feed to see what the pipeline sees.")
    {
        BuildAdd(),
        BuildList(),
        BuildRemove(),
        BuildParse(),
        FeedsOpml.BuildImport(),
        FeedsOpml.BuildExport(),
    };

    private static Command BuildAdd()
    {
        var url = new Argument<string>("url") { Description = "A feed URL, or a web site's address to find its feed (http or https). Local feed files go in the configuration file." };
        var title = new Option<string?>("--title") { Description = "Display name; default: the feed's own title." };
        var group = new Option<string?>("--group") { Description = "A folder for the feed, e.g. \"Tech / Linux\" (kept in OPML exports)." };
        var noDiscovery = new Option<bool>("--no-discovery") { Description = "Add the URL as given, without fetching it first (the poller reports problems later)." };
        var command = new Command("add", "Add a feed, or find a site's feed from its address (adding a feed again un-parks it).") { url, title, group, noDiscovery };
        command.SetAction((parse, ct) => AlertsCommandLine.WithHostAsync(parse, async (host, _, token) =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            var manage = host.Services.GetRequiredService<ManageFeeds>();
            try
            {
                if (parse.GetValue(noDiscovery))
                {
                    // Local files are accepted only from the configuration file (feeds:), never as an argument.
                    var feed = await manage.AddAsync(parse.GetValue(url)!, parse.GetValue(title), parse.GetValue(group), allowFile: false, token);
                    await output.WriteLineAsync($"feeds: added {feed.Url} (id {feed.Id})");
                    return ExitCodes.Success;
                }

                var outcome = await manage.AddDiscoveringAsync(parse.GetValue(url)!, parse.GetValue(title), parse.GetValue(group), token);
                return await FeedsOpml.ReportAddAsync(outcome, output);
            }
            catch (ArgumentException ex)
            {
                await error.WriteLineAsync(ex.Message);
                return ExitCodes.Usage;
            }
            catch (DiscoveryTimeoutException ex)
            {
                await error.WriteLineAsync(ex.Message);
                return ExitCodes.TimedOut;
            }
            catch (Exception ex) when (ex is FetchException or DiscoveryException)
            {
                await error.WriteLineAsync(ex.Message);
                return ExitCodes.Failures;
            }
        }, ct));
        return command;
    }

    private static Command BuildRemove()
    {
        var url = new Argument<string>("url") { Description = "The feed's URL or file, as added." };
        var command = new Command("remove", "Stop polling a feed (its stored articles stay).") { url };
        command.SetAction((parse, ct) => AlertsCommandLine.WithHostAsync(parse, async (host, _, token) =>
        {
            var removed = await host.Services.GetRequiredService<ManageFeeds>().RemoveAsync(parse.GetValue(url)!, allowFile: true, token);
            if (!removed)
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync($"feeds: no such feed: {parse.GetValue(url)}");
                return ExitCodes.Failures;
            }

            await parse.InvocationConfiguration.Output.WriteLineAsync($"feeds: removed {parse.GetValue(url)}");
            return ExitCodes.Success;
        }, ct));
        return command;
    }

    private static Command BuildList()
    {
        var json = new Option<bool>("--json") { Description = "One JSON array of feeds with their polling state." };
        var command = new Command("list", "List feeds with their polling state, errors and why a feed is parked.") { json };
        command.SetAction((parse, ct) => AlertsCommandLine.WithHostAsync(parse, async (host, _, token) =>
        {
            var feeds = await host.Services.GetRequiredService<ManageFeeds>().ListAsync(token);
            var output = parse.InvocationConfiguration.Output;
            if (parse.GetValue(json))
            {
                await output.WriteLineAsync(CliJson.Serialize(feeds.Select(FeedJson.From)));
                return ExitCodes.Success;
            }

            if (feeds.Count == 0)
            {
                await output.WriteLineAsync("feeds: none yet; add one with 'alerts feeds add <url>' or list them in the configuration file");
                return ExitCodes.Success;
            }

            var table = new Table().AddColumns("id", "feed", "state", "next check (UTC)", "last error");
            foreach (var feed in feeds)
            {
                table.AddRow(
                    feed.Id.ToString(CultureInfo.InvariantCulture),
                    Markup.Escape(string.Join('\n', new[] { feed.Group is null ? null : $"[{feed.Group}]", feed.Title, feed.Url }.OfType<string>())),
                    Markup.Escape(feed.Parked ? $"parked: {feed.ParkedReason}" : feed.ConsecutiveErrors > 0 ? $"{feed.ConsecutiveErrors} errors in a row" : "ok"),
                    feed.Parked ? "-" : feed.NextCheckAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture),
                    Markup.Escape(feed.LastError ?? ""));
            }

            CliTable.Write(output, table);
            return ExitCodes.Success;
        }, ct));
        return command;
    }

    private static Command BuildParse()
    {
        var source = new Argument<string>("file-or-url") { Description = "A feed file, or an http(s) URL to fetch." };
        var json = new Option<bool>("--json") { Description = "Print the normalised feed as JSON (schema in the README)." };
        var command = new Command("parse", "Parse a feed (RSS, RDF, Atom, JSON Feed) and print what the pipeline would store.") { source, json };
        command.SetAction((parse, ct) => AlertsCommandLine.WithHostAsync(parse, async (host, _, token) =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            ParsedFeed feed;
            try
            {
                var input = await InputSource.ReadAsync(host, parse.GetValue(source)!, "application/rss+xml, application/atom+xml, application/feed+json, */*;q=0.5", token);
                feed = FeedParser.Parse(input.Bytes, new FeedSource { BaseUri = input.Url, ContentType = input.ContentType });
            }
            catch (Exception ex) when (ex is FileNotFoundException or InputFileException or FetchException or FeedParseException)
            {
                await error.WriteLineAsync(ex is FileNotFoundException ? $"feeds: {ex.Message}" : ex.Message);
                return ex is FileNotFoundException or InputFileException ? ExitCodes.Usage : ExitCodes.Failures;
            }

            if (parse.GetValue(json))
            {
                await output.WriteLineAsync(CliJson.Serialize(ParsedFeedJson.From(feed)));
                return ExitCodes.Success;
            }

            await output.WriteLineAsync($"{feed.Title} ({feed.Format}, {feed.Items.Count} items){(feed.Link is null ? "" : " " + feed.Link)}");
            foreach (var item in feed.Items)
            {
                var when = (item.Published ?? item.Updated)?.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) ?? "undated";
                await output.WriteLineAsync($"  {when}  {item.Title}  {item.Link}");
            }

            foreach (var warning in feed.Warnings)
            {
                await error.WriteLineAsync($"feeds: warning: {warning}");
            }

            return ExitCodes.Success;
        }, ct));
        return command;
    }

    private sealed record FeedJson(
        long Id, string Url, string? Title, string? Group, bool Parked, string? ParkedReason, int ConsecutiveErrors, string? LastError,
        DateTimeOffset? LastCheckedAt, DateTimeOffset NextCheckAt, string? ETag, string? LastModified)
    {
        public static FeedJson From(FeedRecord f) =>
            new(f.Id, f.Url, f.Title, f.Group, f.Parked, f.ParkedReason, f.ConsecutiveErrors, f.LastError, f.LastCheckedAt, f.NextCheckAt, f.ETag, f.LastModified);
    }

    private sealed record ParsedFeedJson(string Format, string? Title, string? Link, string? Language, IReadOnlyList<string> Warnings, IReadOnlyList<ItemJson> Items)
    {
        public static ParsedFeedJson From(ParsedFeed f) =>
            new(f.Format, f.Title, f.Link, f.Language, f.Warnings, f.Items.Select(ItemJson.From).ToList());
    }

    private sealed record ItemJson(
        string? Id, string? Link, string? Title, DateTimeOffset? Published, DateTimeOffset? Updated,
        IReadOnlyList<string> Authors, string? Summary, string? Content)
    {
        public static ItemJson From(FeedItem i) => new(i.Id, i.Link, i.Title, i.Published, i.Updated, i.Authors, i.Summary, i.Content);
    }
}
