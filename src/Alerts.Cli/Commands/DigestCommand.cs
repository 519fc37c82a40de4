using System.CommandLine;
using System.Diagnostics;
using Alerts.Cli.Configuration;
using Alerts.Core.Mail;
using Alerts.Pipeline.Digests;
using Alerts.Pipeline.Subscriptions;
using Microsoft.Extensions.DependencyInjection;

namespace Alerts.Cli.Commands;

/// <summary><c>alerts digest preview &lt;email|id&gt; [--open]</c>.</summary>
public static class DigestCommand
{
    public static Command Build() => new("digest", "Look at digests before they are sent.") { BuildPreview() };

    private static Command BuildPreview()
    {
        var target = new Argument<string>("email-or-id") { Description = "The subscription's address or id." };
        var folder = new Option<string>("--out", "-o") { Description = "Folder for the preview files.", DefaultValueFactory = _ => "./preview" };
        var open = new Option<bool>("--open") { Description = "Open the HTML preview with the desktop's default program." };
        var command = new Command("preview", "Write the next digest to files (.eml and .html) without sending it or marking anything sent.")
        {
            target, folder, open,
        };
        command.SetAction((parse, ct) => AlertsCommandLine.WithHostAsync(parse, async (host, settings, token) =>
        {
            await ConfigSync.ApplyAsync(host, settings, token);
            var output = parse.InvocationConfiguration.Output;
            var subscription = await host.Services.GetRequiredService<ManageSubscriptions>().FindAsync(parse.GetValue(target)!, token);
            if (subscription is null)
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync($"digests: no such subscription: {parse.GetValue(target)}");
                return ExitCodes.Failures;
            }

            var message = await host.Services.GetRequiredService<DigestComposer>().PreviewAsync(subscription, token);
            if (message is null)
            {
                await output.WriteLineAsync($"digests: nothing new for {subscription.Email}; no digest would be sent");
                return ExitCodes.Success;
            }

            var directory = Path.GetFullPath(parse.GetValue(folder)!);
            Directory.CreateDirectory(directory);
            var name = "preview-" + subscription.Id;
            var eml = Path.Combine(directory, name + ".eml");
            var html = Path.Combine(directory, name + ".html");
            await File.WriteAllBytesAsync(eml, MailMime.WriteBytes(message), token);
            await File.WriteAllTextAsync(html, message.HtmlBody, token);
            await output.WriteLineAsync($"digests: {message.Subject}");
            await output.WriteLineAsync($"  {eml}");
            await output.WriteLineAsync($"  {html}");
            if (parse.GetValue(open))
            {
                try
                {
                    using var process = Process.Start(new ProcessStartInfo(html) { UseShellExecute = true });
                }
                catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or InvalidOperationException)
                {
                    await parse.InvocationConfiguration.Error.WriteLineAsync($"digests: could not open {html}: {ex.Message}");
                }
            }

            return ExitCodes.Success;
        }, ct));
        return command;
    }
}
