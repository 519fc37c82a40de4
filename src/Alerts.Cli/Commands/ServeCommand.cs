using System.CommandLine;
using System.Net;
using Alerts.Cli.Configuration;
using Alerts.Pipeline.Hosting;
using Alerts.Pipeline.Subscriptions;
using Alerts.Sqlite;
using Alerts.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Alerts.Cli.Commands;

/// <summary>
/// <c>alerts serve [--urls http://127.0.0.1:5080]</c>: the subscription pages and the JSON API on Kestrel, over
/// the same configuration and store as the other commands. It serves only: feeds are polled and digests sent
/// by <c>alerts run</c>, which can run beside it on the same store. Links in emails use Site:PublicBaseUrl.
/// </summary>
public static class ServeCommand
{
    public const string DefaultUrl = "http://127.0.0.1:5080";

    public static Command Build()
    {
        var urls = new Option<string>("--urls")
        {
            Description = "Where to listen (http only; ';' between several). Admin endpoints answer loopback clients only.",
            DefaultValueFactory = _ => DefaultUrl,
        };
        var command = new Command("serve", "Serve the subscription pages and the /api/v1 API. Does not poll feeds or send digests: run 'alerts run' for that.") { urls };
        command.SetAction((parse, ct) => ServeAsync(parse, parse.GetValue(urls)!, ct));
        return command;
    }

    private static async Task<int> ServeAsync(ParseResult parse, string urls, CancellationToken cancellationToken)
    {
        var output = parse.InvocationConfiguration.Output;
        var error = parse.InvocationConfiguration.Error;
        var addresses = urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var bad = addresses.FirstOrDefault(a => !Uri.TryCreate(a, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttp || uri.PathAndQuery != "/");
        if (addresses.Length == 0 || bad is not null)
        {
            await error.WriteLineAsync($"serve: --urls '{bad ?? urls}' must be http://HOST:PORT (https is for a reverse proxy in front)");
            return ExitCodes.Usage;
        }

        WebApplication app;
        CliSettings settings;
        try
        {
            settings = CliSettings.Resolve(parse.GetValue(AlertsCommandLine.ConfigOption), parse.GetValue(AlertsCommandLine.VerboseOption));
            app = Build(settings, addresses);
        }
        catch (ConfigurationFileException ex)
        {
            await error.WriteLineAsync(ex.Message);
            return ExitCodes.Usage;
        }

        await using (app)
        {
            try
            {
                await app.StartAsync(cancellationToken);
            }
            catch (OptionsValidationException ex)
            {
                foreach (var failure in ex.Failures)
                {
                    await error.WriteLineAsync($"config: {failure}");
                }

                return ExitCodes.Usage;
            }
            catch (InvalidOperationException ex) when (ex.InnerException is FormatException)
            {
                await error.WriteLineAsync($"config: {ex.Message} {ex.InnerException.Message}");
                return ExitCodes.Usage;
            }
            catch (IOException ex)
            {
                // Kestrel reports a taken port (or an address this machine does not have) as an IOException.
                await error.WriteLineAsync($"serve: cannot listen on {urls}: {ex.Message} (is another 'alerts serve' running? choose another port with --urls)");
                return ExitCodes.Failures;
            }

            try
            {
                await ConfigurationCheck.WarnAsync(settings, error);
                await ConfigSync.ApplyAsync(app, settings, cancellationToken);
                var listening = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.ToList() ?? [];
                await output.WriteLineAsync($"serve: listening on {string.Join(", ", listening)} (pages at /, API at /api/v1); Ctrl+C stops");
                var site = app.Services.GetRequiredService<IOptions<SiteOptions>>().Value.PublicBaseUrl;
                if (!listening.Any(l => SameOrigin(new Uri(l), site)))
                {
                    await error.WriteLineAsync($"serve: warning: links in emails point to {site.AbsoluteUri.TrimEnd('/')} (Site:PublicBaseUrl), not to this server; set it to the address people reach");
                }

                if (addresses.Any(a => !IsLoopback(new Uri(a))))
                {
                    await error.WriteLineAsync("serve: warning: listening beyond this machine over plain http; put an https reverse proxy in front");
                }

                await WaitForShutdownAsync(app, cancellationToken);
                return ExitCodes.Success;
            }
            catch (ConfigurationFileException ex)
            {
                await error.WriteLineAsync(ex.Message);
                return ExitCodes.Usage;
            }
            catch (Exception ex) when (StorePath.Diagnose(app.Services, ex) is { } problem)
            {
                await error.WriteLineAsync(problem);
                return ExitCodes.Usage;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return ExitCodes.Success;
            }
            finally
            {
                await app.StopAsync(CancellationToken.None);
            }
        }
    }

    /// <summary>The CLI's configuration (YAML, ALERTS_* variables), the shared pipeline, the embedded store and the web face on Kestrel.</summary>
    public static WebApplication Build(CliSettings settings, IReadOnlyList<string> urls)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(urls);

        // The empty builder reads no appsettings.json or ASPNETCORE_* variables: the same settings as every other command.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ContentRootPath = settings.BaseDirectory });
        builder.WebHost.UseKestrelCore();
        builder.WebHost.UseUrls([.. urls]);
        builder.AddAlertsCliConfiguration(settings);
        builder.AddAlertsCore();
        builder.AddSqliteStore();
        builder.AddAlertsWeb();
        var app = builder.Build();
        // Behind a reverse proxy on this machine (nginx, Caddy: the https the warning asks for), X-Forwarded-For
        // from a loopback proxy names the real client, so the throttle counts per visitor, not per proxy.
        app.UseAlertsForwardedClient();
        app.UseAlertsWeb();
        app.MapAlertsWeb();
        return app;
    }

    /// <summary>Until Ctrl+C (the command's token) or the host stopping on its own.</summary>
    private static async Task WaitForShutdownAsync(WebApplication app, CancellationToken cancellationToken)
    {
        using var either = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, app.Lifetime.ApplicationStopping);
        try
        {
            await Task.Delay(Timeout.Infinite, either.Token);
        }
        catch (OperationCanceledException) when (either.IsCancellationRequested)
        {
            // Either way is a normal shutdown.
        }
    }

    private static bool SameOrigin(Uri listening, Uri site) =>
        string.Equals(listening.Scheme, site.Scheme, StringComparison.OrdinalIgnoreCase)
        && string.Equals(listening.Host, site.Host, StringComparison.OrdinalIgnoreCase)
        && listening.Port == site.Port;

    private static bool IsLoopback(Uri uri) =>
        uri.IsLoopback || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));
}
