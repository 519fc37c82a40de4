using System.CommandLine;
using System.Globalization;
using System.Text;
using Alerts.Core.Feeds;
using Alerts.Pipeline.Feeds;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;

namespace Alerts.Cli.Commands;

/// <summary><c>alerts feeds import|export</c> (OPML), and what <c>feeds add</c> prints after discovery.</summary>
internal static class FeedsOpml
{
    public static Command BuildImport()
    {
        var file = new Argument<string>("file.opml") { Description = $"An OPML file exported by a feed reader (at most {Opml.MaxBytes:N0} bytes)." };
        var command = new Command("import", "Add the feeds of an OPML file; feeds already stored or listed twice are skipped and reported.") { file };
        command.SetAction((parse, ct) => AlertsCommandLine.WithHostAsync(parse, async (host, _, token) =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            OpmlDocument document;
            try
            {
                document = Opml.Parse(await ReadAsync(parse.GetValue(file)!, token));
            }
            catch (OpmlException ex)
            {
                await error.WriteLineAsync(ex.Message);
                return ExitCodes.Usage;
            }

            foreach (var warning in document.Warnings)
            {
                await error.WriteLineAsync("opml: warning: " + warning["opml: ".Length..]);
            }

            var manage = host.Services.GetRequiredService<ManageFeeds>();
            OpmlImportReport report;
            if (AnsiConsole.Profile.Capabilities.Interactive && !Console.IsOutputRedirected)
            {
                report = await AnsiConsole.Status().StartAsync("import: reading…", status => manage.ImportAsync(
                    document, new Progress<(int Done, int Total)>(p => status.Status($"import: {p.Done}/{p.Total} feeds")), token));
            }
            else
            {
                report = await manage.ImportAsync(document, progress: null, token);
            }

            foreach (var duplicate in report.Duplicates)
            {
                await output.WriteLineAsync($"  duplicate: {duplicate.Url} ({duplicate.Reason})");
            }

            foreach (var refused in report.Refused)
            {
                await error.WriteLineAsync(refused.Url.Length == 0 ? $"  refused: {refused.Reason}" : $"  refused: {refused.Url}: {refused.Reason}");
            }

            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"opml: added {report.Added.Count}, skipped {report.Duplicates.Count} duplicates, refused {report.Refused.Count} (of {document.Feeds.Count} feeds in the file)"));
            return report.Refused.Count > 0 ? ExitCodes.Failures : ExitCodes.Success;
        }, ct));
        return command;
    }

    public static Command BuildExport()
    {
        var outPath = new Option<string?>("--out") { Description = "Write the OPML to this file; default: standard output." };
        var command = new Command("export", "Write the feeds as OPML 2.0 for another reader (local file feeds are left out).") { outPath };
        command.SetAction((parse, ct) => AlertsCommandLine.WithHostAsync(parse, async (host, _, token) =>
        {
            var (opml, count, leftOut) = await host.Services.GetRequiredService<ManageFeeds>().ExportAsync(token);
            var error = parse.InvocationConfiguration.Error;
            if (leftOut > 0)
            {
                await error.WriteLineAsync($"opml: left out {leftOut} local file feeds (file: URLs from the configuration), which another reader cannot use");
            }

            if (parse.GetValue(outPath) is { } path)
            {
                await File.WriteAllBytesAsync(path, opml, token);
                await parse.InvocationConfiguration.Output.WriteLineAsync($"opml: wrote {count} feeds to {path}");
            }
            else
            {
                await parse.InvocationConfiguration.Output.WriteAsync(Encoding.UTF8.GetString(opml));
            }

            return ExitCodes.Success;
        }, ct));
        return command;
    }

    /// <summary>"added", or the candidates to choose from (exit <see cref="ExitCodes.Choose"/>).</summary>
    public static async Task<int> ReportAddAsync(FeedAddOutcome outcome, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        ArgumentNullException.ThrowIfNull(output);
        if (outcome.Added is { } feed)
        {
            if (outcome.Discovery is { IsFeedItself: false } found)
            {
                await output.WriteLineAsync($"discovery: found {found.Feeds[0].Url} ({found.Feeds[0].Format}) for {found.Address}");
            }

            await output.WriteLineAsync($"feeds: added {feed.Url} (id {feed.Id})");
            return ExitCodes.Success;
        }

        var candidates = outcome.Discovery!;
        await output.WriteLineAsync($"discovery: {candidates.Feeds.Count} feeds at {candidates.Address}; nothing added. Add one with 'alerts feeds add <url>':");
        foreach (var candidate in candidates.Feeds)
        {
            await output.WriteLineAsync($"  {candidate.Title ?? "(untitled)"}  {candidate.Format}  {candidate.Url}");
        }

        return ExitCodes.Choose;
    }

    /// <summary>
    /// The file, refused past <see cref="Opml.MaxBytes"/> without reading on (a device such as /dev/zero reports
    /// no size and never ends, so the cap counts what is read, not what the file system says).
    /// </summary>
    private static async Task<byte[]> ReadAsync(string path, CancellationToken cancellationToken)
    {
        if (Directory.Exists(path) || !File.Exists(path))
        {
            throw new OpmlException($"opml: no such file: {path}");
        }

        var length = new FileInfo(path).Length;
        if (length > Opml.MaxBytes)
        {
            throw Opml.TooLarge(length);
        }

        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 1, useAsync: true);
        using var body = new MemoryStream();
        var buffer = new byte[64 * 1024];
        int read;
        while ((read = await stream.ReadAsync(buffer, cancellationToken)) > 0)
        {
            if (body.Length + read > Opml.MaxBytes)
            {
                throw Opml.TooLarge(body.Length + read);
            }

            body.Write(buffer, 0, read);
        }

        return body.ToArray();
    }
}
