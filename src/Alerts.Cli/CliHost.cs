using Alerts.Cli.Configuration;
using Alerts.Pipeline.Articles;
using Alerts.Pipeline.Hosting;
using Alerts.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Alerts.Cli;

/// <summary>Where the CLI's settings come from: the YAML file named by --config, then ALERTS_* environment variables.</summary>
public sealed record CliSettings(string? ConfigPath, bool Verbose)
{
    public const string DefaultConfigPath = "samples/alerts.yaml";

    /// <summary>--config, else ALERTS_CONFIG, else samples/alerts.yaml when it exists, else built-in defaults only.</summary>
    public static CliSettings Resolve(string? explicitPath, bool verbose)
    {
        var path = explicitPath ?? Environment.GetEnvironmentVariable("ALERTS_CONFIG");
        if (path is not null)
        {
            return File.Exists(path)
                ? new CliSettings(Path.GetFullPath(path), verbose)
                : throw new ConfigurationFileException($"config: file not found: {Path.GetFullPath(path)}");
        }

        return new CliSettings(File.Exists(DefaultConfigPath) ? Path.GetFullPath(DefaultConfigPath) : null, verbose);
    }

    /// <summary>Relative file paths in the configuration are relative to the file's folder.</summary>
    public string BaseDirectory => ConfigPath is null ? Directory.GetCurrentDirectory() : Path.GetDirectoryName(ConfigPath)!;
}

public static class CliHost
{
    /// <summary>The local host: configuration from YAML and environment, the shared pipeline, the embedded store.</summary>
    public static IHost Build(CliSettings settings, IDictionary<string, string?>? overrides = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.AddAlertsCliConfiguration(settings);
        if (overrides is not null)
        {
            builder.Configuration.AddInMemoryCollection(overrides);
        }

        builder.AddAlertsCore();
        builder.AddSqliteStore();
        return builder.Build();
    }

    public static IHostApplicationBuilder AddAlertsCliConfiguration(this IHostApplicationBuilder builder, CliSettings settings)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(settings);

        // The CLI reads the local files its own configuration names; the Functions app never does.
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Polling:AllowFileFeeds"] = "true" });
        if (settings.ConfigPath is not null)
        {
            builder.Configuration.AddInMemoryCollection(YamlConfiguration.Load(settings.ConfigPath));
        }

        builder.Configuration.AddEnvironmentVariables("ALERTS_");
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Logging.SetMinimumLevel(settings.Verbose ? LogLevel.Debug : LogLevel.Warning);

        // One line per article page that could not be used drowns the run's summary, which counts them by reason.
        if (!settings.Verbose)
        {
            builder.Logging.AddFilter(typeof(ProcessArticle).FullName, LogLevel.Error);
        }

        // A start-up failure (an invalid setting) is reported by the command as one "config: ..." line.
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting", LogLevel.None);
        return builder;
    }
}
