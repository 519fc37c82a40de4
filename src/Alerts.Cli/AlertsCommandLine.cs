using System.CommandLine;
using Alerts.Cli.Commands;
using Alerts.Cli.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Alerts.Cli;

/// <summary>The <c>alerts</c> command tree. Each command lives in Commands/ and runs inside a host built by <see cref="CliHost"/>.</summary>
public static class AlertsCommandLine
{
    public static readonly Option<string?> ConfigOption = new("--config", "-c")
    {
        Description = $"Configuration file (YAML). Default: $ALERTS_CONFIG, else {CliSettings.DefaultConfigPath} when present.",
        Recursive = true,
    };

    public static readonly Option<bool> VerboseOption = new("--verbose", "-v")
    {
        Description = "Log what each stage does (to stderr).",
        Recursive = true,
    };

    /// <param name="input">Standard input for the commands that read it (<c>claims relate</c>).</param>
    public static RootCommand Build(TextReader input)
    {
        var root = new RootCommand("Alerts: claim-level news alerts. Polls feeds, matches topics, finds new claims and contradictions.")
        {
            ConfigOption,
            VerboseOption,
            RunCommand.Build(),
            FeedsCommand.Build(),
            ExtractCommand.Build(),
            TopicsCommand.Build(),
            ClaimsCommand.Build(input),
            TrainCommand.Build(),
            ReplayCommand.Build(),
            EvalCommand.Build(),
            SubscriptionsCommand.BuildSubscribe(),
            SubscriptionsCommand.Build(),
            DigestCommand.Build(),
            ServeCommand.Build(),
        };
        return root;
    }

    public static async Task<int> InvokeAsync(string[] args, TextWriter? output = null, TextWriter? error = null, TextReader? input = null)
    {
        var parse = Build(input ?? Console.In).Parse(args);
        var stderr = error ?? Console.Error;
        if (parse.Errors.Count > 0)
        {
            foreach (var problem in parse.Errors)
            {
                await stderr.WriteLineAsync($"alerts: {problem.Message}");
            }

            await stderr.WriteLineAsync("Run 'alerts --help' for usage.");
            return ExitCodes.Usage;
        }

        var configuration = new InvocationConfiguration { EnableDefaultExceptionHandler = false };
        if (output is not null)
        {
            configuration.Output = output;
        }

        configuration.Error = stderr;
        try
        {
            return await parse.InvokeAsync(configuration);
        }
        catch (Exception ex)
        {
            // The last resort: one line naming the component, never a stack trace (--verbose logs it).
            await stderr.WriteLineAsync(LastResortMessage(parse.CommandResult.Command.Name, ex));
            if (parse.GetValue(VerboseOption))
            {
                await stderr.WriteLineAsync(ex.ToString());
            }

            return ExitCodes.Failures;
        }
    }

    /// <summary>
    /// "component: message": the exception's own prefix when it has one ("store: …", "fetcher: …"), "store" for
    /// a database error, else the command's name.
    /// </summary>
    public static string LastResortMessage(string command, Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var message = exception.Message.ReplaceLineEndings(" ");
        if (System.Text.RegularExpressions.Regex.IsMatch(message, "^[a-z][a-z-]*: "))
        {
            return message;
        }

        var component = exception is System.Data.Common.DbException ? "store" : command == "alerts" || string.IsNullOrEmpty(command) ? "alerts" : command;
        return $"{component}: {message}";
    }

    /// <summary>
    /// Runs a command body inside a started host. Configuration problems exit 2 with the setting and the
    /// reason; anything else unexpected exits 1 with its message, never a stack trace on a user's screen.
    /// </summary>
    public static async Task<int> WithHostAsync(
        ParseResult parse,
        Func<IHost, CliSettings, CancellationToken, Task<int>> body,
        CancellationToken cancellationToken,
        IDictionary<string, string?>? overrides = null)
    {
        ArgumentNullException.ThrowIfNull(parse);
        ArgumentNullException.ThrowIfNull(body);
        var stderr = parse.InvocationConfiguration.Error;
        CliSettings settings;
        IHost host;
        try
        {
            settings = CliSettings.Resolve(parse.GetValue(ConfigOption), parse.GetValue(VerboseOption));
            host = CliHost.Build(settings, overrides);
            await host.StartAsync(cancellationToken);
        }
        catch (ConfigurationFileException ex)
        {
            await stderr.WriteLineAsync(ex.Message);
            return ExitCodes.Usage;
        }
        catch (OptionsValidationException ex)
        {
            foreach (var failure in ex.Failures)
            {
                await stderr.WriteLineAsync($"config: {failure}");
            }

            return ExitCodes.Usage;
        }
        catch (InvalidOperationException ex) when (ex.InnerException is FormatException)
        {
            await stderr.WriteLineAsync($"config: {ex.Message} {ex.InnerException.Message}");
            return ExitCodes.Usage;
        }

        using (host)
        {
            // SIGTERM and Ctrl+C reach the host's lifetime (its console lifetime handles them), not the command's token.
            using var stopping = CancellationTokenSource.CreateLinkedTokenSource(
                cancellationToken, host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping);
            try
            {
                await ConfigurationCheck.WarnAsync(settings, stderr);
                return await body(host, settings, stopping.Token);
            }
            catch (ConfigurationFileException ex)
            {
                await stderr.WriteLineAsync(ex.Message);
                return ExitCodes.Usage;
            }
            catch (Exception ex) when (StorePath.Diagnose(host.Services, ex) is { } problem)
            {
                await stderr.WriteLineAsync(problem);
                return ExitCodes.Usage;
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                await stderr.WriteLineAsync("alerts: cancelled");
                return ExitCodes.Failures;
            }
            finally
            {
                await host.StopAsync(CancellationToken.None);
            }
        }
    }
}
