using System.Collections;
using System.Reflection;
using Alerts.Core.Subscriptions;
using Alerts.Pipeline.Articles;
using Alerts.Pipeline.Feeds;
using Alerts.Pipeline.Fetching;
using Alerts.Pipeline.Mail;
using Alerts.Pipeline.Subscriptions;
using Alerts.Pipeline.Webhooks;
using Alerts.Sqlite;
using Alerts.Web.Security;

namespace Alerts.Cli.Configuration;

/// <summary>
/// Finds settings in the configuration file that nothing reads (<c>fetchh:</c>, <c>subscribers: - frequncy:</c>):
/// a typo would otherwise leave the default in force without a word. Known settings are the public properties
/// of the options classes bound to each section (and of the list entries ConfigSync reads).
/// </summary>
public static class ConfigurationCheck
{
    /// <summary>Each section the local host binds, with the type it binds to. A new options section is added here.</summary>
    private static readonly (string Section, Type Type)[] Sections =
    [
        (SqliteOptions.SectionName, typeof(SqliteOptions)),
        (FetchOptions.SectionName, typeof(FetchOptions)),
        (PollingOptions.Section, typeof(PollingOptions)),
        (ArticleOptions.Section, typeof(ArticleOptions)),
        (SiteOptions.Section, typeof(SiteOptions)),
        (TokenOptions.Section, typeof(TokenOptions)),
        (MailOptions.Section, typeof(MailOptions)),
        (ThrottleOptions.Section, typeof(ThrottleOptions)),
        (WebhookOptions.Section, typeof(WebhookOptions)),
        ("Feeds", typeof(List<ConfiguredFeed>)),
        ("Topics", typeof(List<ConfiguredTopic>)),
        ("Subscribers", typeof(List<ConfiguredSubscriber>)),
        ("Aliases", typeof(Dictionary<string, string>)),
    ];

    /// <summary>The keys (as <c>Section:Key</c>, the way the README names settings) that no section reads, in file order.</summary>
    public static IReadOnlyList<string> UnknownKeys(IEnumerable<string> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var unknown = new List<string>();
        foreach (var key in keys)
        {
            var path = key.Split(':');
            var section = Sections.FirstOrDefault(s => StartsWith(path, s.Section.Split(':')));
            string? shown = null;
            if (section.Type is null)
            {
                // An unknown section is shown alone ("fetchh"); under "Web" only RateLimits is known.
                shown = path.Length > 1 && string.Equals(path[0], "Web", StringComparison.OrdinalIgnoreCase) ? $"{path[0]}:{path[1]}" : path[0];
            }
            else
            {
                var prefix = section.Section.Split(':').Length;
                if (!Resolve(section.Type, path.AsSpan(prefix), out var depth))
                {
                    shown = string.Join(':', path.Take(prefix + depth + 1));
                }
            }

            if (shown is not null && !unknown.Contains(shown, StringComparer.OrdinalIgnoreCase))
            {
                unknown.Add(shown);
            }
        }

        return unknown;
    }

    /// <summary>Writes one warning per unknown setting of the configuration file (environment variables are not checked).</summary>
    public static async Task WarnAsync(CliSettings settings, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(error);
        if (settings.ConfigPath is null)
        {
            return;
        }

        foreach (var key in UnknownKeys(YamlConfiguration.Load(settings.ConfigPath).Keys))
        {
            await error.WriteLineAsync($"config: warning: unknown setting '{key}' in {settings.ConfigPath} is ignored (the README's Settings table lists them)");
        }
    }

    private static bool StartsWith(string[] path, string[] prefix) =>
        path.Length >= prefix.Length && prefix.Select((p, i) => string.Equals(p, path[i], StringComparison.OrdinalIgnoreCase)).All(same => same);

    /// <summary>Whether <paramref name="rest"/> names something inside <paramref name="type"/>; <paramref name="depth"/> is how far it got.</summary>
    private static bool Resolve(Type type, ReadOnlySpan<string> rest, out int depth)
    {
        depth = 0;
        while (rest.Length > 0)
        {
            if (IsScalar(type))
            {
                return false;
            }

            if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Dictionary<,>))
            {
                return true;
            }

            if (typeof(IEnumerable).IsAssignableFrom(type))
            {
                if (!int.TryParse(rest[0], out _))
                {
                    return false;
                }

                type = type.IsArray ? type.GetElementType()! : type.GetGenericArguments().Single();
            }
            else
            {
                var property = type.GetProperty(rest[0], BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);
                if (property is null)
                {
                    return false;
                }

                type = property.PropertyType;
            }

            rest = rest[1..];
            depth++;
        }

        return true;
    }

    private static bool IsScalar(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        return type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal) || type == typeof(TimeSpan)
            || type == typeof(DateTimeOffset) || type == typeof(DateTime) || type == typeof(Uri);
    }
}
