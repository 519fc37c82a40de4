namespace Alerts.Cli.Configuration;

/// <summary>A feed listed under <c>feeds:</c> in the configuration file. <see cref="Url"/> may be a path relative to that file.</summary>
public sealed class ConfiguredFeed
{
    public string Url { get; set; } = "";

    public string? Title { get; set; }
}
