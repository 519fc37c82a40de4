using System.Globalization;
using Alerts.Core.Subscriptions;
using Alerts.Core.Topics;
using Alerts.Pipeline.Feeds;
using Alerts.Pipeline.Storage;
using Alerts.Pipeline.Subscriptions;
using Alerts.Pipeline.Topics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Alerts.Cli.Configuration;

/// <summary>A topic listed under <c>topics:</c> in the configuration file.</summary>
public sealed class ConfiguredTopic
{
    public string? Id { get; set; }

    public string Name { get; set; } = "";

    public string Query { get; set; } = "";

    public string? Description { get; set; }

    public List<string> Languages { get; set; } = [];

    /// <summary>Story page and Atom feed open to anyone.</summary>
    public bool Public { get; set; }
}

/// <summary>A subscriber listed under <c>subscribers:</c>: the operator's own, active without confirmation.</summary>
public sealed class ConfiguredSubscriber
{
    public string Email { get; set; } = "";

    public List<string> Topics { get; set; } = [];

    public DigestFrequency Frequency { get; set; } = DigestFrequency.Daily;

    public int Hour { get; set; } = 8;

    public DayOfWeek Day { get; set; } = DayOfWeek.Monday;

    public string TimeZone { get; set; } = "UTC";
}

/// <summary>
/// Brings what the configuration file lists into the store before a command uses it: feeds are added
/// (or un-parked), alias groups and topics are added or updated, subscribers are added active (an address that
/// unsubscribed stays unsubscribed). Removing an entry from the file does not
/// delete it from the store; <c>alerts feeds remove</c> and <c>alerts topics remove</c> do.
/// </summary>
public static class ConfigSync
{
    /// <exception cref="ConfigurationFileException">A listed feed, alias or topic is invalid; the message names it.</exception>
    public static async Task ApplyAsync(IHost host, CliSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(settings);
        var configuration = host.Services.GetRequiredService<IConfiguration>();
        await SyncFeedsAsync(host, configuration, settings, cancellationToken);
        await SyncAliasesAsync(host, configuration, cancellationToken);
        await SyncTopicsAsync(host, configuration, cancellationToken);
        await SyncSubscribersAsync(host, configuration, cancellationToken);
    }

    private static async Task SyncSubscribersAsync(IHost host, IConfiguration configuration, CancellationToken cancellationToken)
    {
        var configured = configuration.GetSection("Subscribers").GetChildren().Select(ReadSubscriber).ToList();
        var subscriptions = host.Services.GetRequiredService<ManageSubscriptions>();
        foreach (var entry in configured)
        {
            try
            {
                await subscriptions.EnsureOperatorSubscriberAsync(
                    new SubscriptionRequest(entry.Email, entry.Topics, entry.Frequency, entry.Hour, entry.Day, entry.TimeZone), cancellationToken);
            }
            catch (ArgumentException ex)
            {
                throw new ConfigurationFileException($"config: subscriber '{entry.Email}': {ex.Message}", ex);
            }
        }
    }

    /// <summary>
    /// One <c>subscribers:</c> entry, each value checked by hand: the configuration binder drops a list entry
    /// whose value does not convert (<c>frequency: sometimes</c>), which silently removed the subscriber.
    /// </summary>
    /// <exception cref="ConfigurationFileException">A value is invalid; the message names the setting (Subscribers:0:Frequency).</exception>
    public static ConfiguredSubscriber ReadSubscriber(IConfigurationSection entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var subscriber = new ConfiguredSubscriber
        {
            Email = entry["Email"] ?? "",
            Topics = entry.GetSection("Topics").GetChildren().Select(t => t.Value ?? "").ToList(),
            TimeZone = entry["TimeZone"] ?? "UTC",
        };
        if (entry["Topics"] is { Length: > 0 } single)
        {
            subscriber.Topics = [single];
        }

        if (entry["Frequency"] is { } frequency)
        {
            subscriber.Frequency = ParseName<DigestFrequency>(entry, "Frequency", frequency);
        }

        if (entry["Day"] is { } day)
        {
            subscriber.Day = ParseName<DayOfWeek>(entry, "Day", day);
        }

        if (entry["Hour"] is { } hour)
        {
            subscriber.Hour = int.TryParse(hour, NumberStyles.None, CultureInfo.InvariantCulture, out var h) && h is >= 0 and <= 23
                ? h
                : throw new ConfigurationFileException($"config: {entry.Path}:Hour '{hour}' must be a whole hour from 0 to 23");
        }

        return subscriber;
    }

    /// <summary>A name of <typeparamref name="T"/>, case-insensitive; numbers and comma lists (which Enum.TryParse takes) are refused.</summary>
    private static T ParseName<T>(IConfigurationSection entry, string key, string value) where T : struct, Enum =>
        Enum.GetNames<T>().FirstOrDefault(n => string.Equals(n, value.Trim(), StringComparison.OrdinalIgnoreCase)) is { } name
            ? Enum.Parse<T>(name)
            : throw new ConfigurationFileException(
                $"config: {entry.Path}:{key} '{value}' must be one of {string.Join(", ", Enum.GetNames<T>().Select(n => n.ToLowerInvariant()))}");

    private static async Task SyncFeedsAsync(IHost host, IConfiguration configuration, CliSettings settings, CancellationToken cancellationToken)
    {
        var configured = configuration.GetSection("Feeds").Get<List<ConfiguredFeed>>() ?? [];
        var feeds = host.Services.GetRequiredService<ManageFeeds>();
        var listed = (await feeds.ListAsync(cancellationToken)).Select(f => f.Url).ToHashSet(StringComparer.Ordinal);
        foreach (var feed in configured.Where(f => !string.IsNullOrWhiteSpace(f.Url)))
        {
            try
            {
                var url = ManageFeeds.NormalizeUrl(feed.Url, allowFile: true, settings.BaseDirectory);
                if (!listed.Contains(url))
                {
                    await feeds.AddAsync(url, feed.Title, allowFile: true, cancellationToken);
                }
            }
            catch (ArgumentException ex)
            {
                throw new ConfigurationFileException($"config: feed '{feed.Url}': {ex.Message}", ex);
            }
        }
    }

    private static async Task SyncAliasesAsync(IHost host, IConfiguration configuration, CancellationToken cancellationToken)
    {
        var topics = host.Services.GetRequiredService<ManageTopics>();
        var stored = (await topics.ListAliasesAsync(cancellationToken)).ToDictionary(a => a.Name, a => a.Members, StringComparer.OrdinalIgnoreCase);
        foreach (var alias in configuration.GetSection("Aliases").GetChildren())
        {
            var members = alias.Value ?? "";
            if (stored.TryGetValue(alias.Key, out var current) && current == members)
            {
                continue;
            }

            try
            {
                await topics.SetAliasAsync(new AliasDefinition(alias.Key, members), cancellationToken);
            }
            catch (FormatException ex)
            {
                throw new ConfigurationFileException($"config: alias '{alias.Key}': {ex.Message}", ex);
            }
        }
    }

    private static async Task SyncTopicsAsync(IHost host, IConfiguration configuration, CancellationToken cancellationToken)
    {
        var configured = configuration.GetSection("Topics").Get<List<ConfiguredTopic>>() ?? [];
        var topics = host.Services.GetRequiredService<ManageTopics>();
        var stored = (await topics.ListAsync(cancellationToken)).ToDictionary(t => t.Id, StringComparer.Ordinal);
        foreach (var entry in configured)
        {
            try
            {
                var topic = new Topic(Topic.Slugify(string.IsNullOrWhiteSpace(entry.Id) ? entry.Name : entry.Id), entry.Name, entry.Query)
                {
                    Description = entry.Description,
                    Languages = entry.Languages,
                    Public = entry.Public,
                };
                if (stored.TryGetValue(topic.Id, out var current) && Same(current, topic))
                {
                    continue;
                }

                await topics.AddAsync(topic, cancellationToken);
            }
            catch (Exception ex) when (ex is FormatException or ArgumentException)
            {
                throw new ConfigurationFileException($"config: topic '{entry.Name}': {ex.Message}", ex);
            }
        }
    }

    private static bool Same(Topic a, Topic b) =>
        a.Name == b.Name && a.Query == b.Query && a.Description == b.Description && a.Languages.SequenceEqual(b.Languages) && a.FeedIds.SequenceEqual(b.FeedIds) && a.Public == b.Public;
}
