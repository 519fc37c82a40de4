using System.Globalization;
using System.Text;

namespace Alerts.Core.Digests;

/// <summary>The digest as plain text: the text/plain part of the email and what <c>alerts replay</c> prints.</summary>
public static class PlainTextDigest
{
    public static string Render(IReadOnlyList<DigestTopic> topics)
    {
        ArgumentNullException.ThrowIfNull(topics);
        var text = new StringBuilder();
        foreach (var topic in topics.Where(t => t.Items.Count > 0))
        {
            text.Append(CultureInfo.InvariantCulture, $"{topic.TopicName}: {Counts(topic)}\n");
            foreach (var item in topic.Items)
            {
                text.Append(CultureInfo.InvariantCulture, $"\n[{Label(item.Status)}] {OneLine(item.Claim)}\n");
                Sources(text, "asserted", item.Asserting);
                Sources(text, "disputed", item.Disputing);

                if (item.Corroborations > 0)
                {
                    text.Append(CultureInfo.InvariantCulture, $"  corroborated by {item.Corroborations} more independent source(s)\n");
                }

                foreach (var why in item.Why)
                {
                    text.Append(CultureInfo.InvariantCulture, $"  why: {OneLine(why)}\n");
                }

                if (item.Link is not null)
                {
                    text.Append(CultureInfo.InvariantCulture, $"  story: {item.Link}\n");
                }
            }

            text.Append('\n');
        }

        return text.Length == 0 ? "No new claims or contradictions.\n" : text.ToString();
    }

    public static string Counts(DigestTopic topic)
    {
        ArgumentNullException.ThrowIfNull(topic);
        return (topic.Disputed, topic.New) switch
        {
            (0, var n) => $"{n} new claim{(n == 1 ? "" : "s")}",
            (var d, 0) => $"{d} disputed",
            var (d, n) => $"{d} disputed, {n} new",
        };
    }

    private static string Label(DigestStatus status) => status switch
    {
        DigestStatus.Disputed => "DISPUTED",
        DigestStatus.Reversed => "REVERSED",
        _ => "NEW",
    };

    /// <summary>Named sources one per line; outlets that only restate the claim in their own voice together on one line.</summary>
    private static void Sources(StringBuilder text, string verb, IReadOnlyList<DigestSource> sources)
    {
        foreach (var source in sources.Where(s => !s.OutletVoice))
        {
            text.Append(CultureInfo.InvariantCulture, $"  {verb}{(source.Earlier ? " earlier" : "")} by {Describe(source)}\n");
        }

        var outlets = sources.Where(s => s.OutletVoice).Select(s => OneLine(s.Source)).ToList();
        if (outlets.Count > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"  {(sources.Count > outlets.Count ? "also " : "")}{verb} by outlets in their own words: {string.Join(", ", outlets)}\n");
        }
    }

    /// <summary>"Reuters (via Daily One, Daily Two; 2025-12-15)", "Defence Ministry (Evening Post; 2022-06-02)".</summary>
    private static string Describe(DigestSource source)
    {
        var outlets = source.Via.Count > 0 ? "via " + string.Join(", ", source.Via) : source.Outlet;
        var date = source.Published?.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var where = string.Join("; ", new[] { outlets, date }.Where(s => !string.IsNullOrEmpty(s)));
        var line = (where.Length > 0 ? $"{OneLine(source.Source)} ({OneLine(where)})" : OneLine(source.Source));
        return source.Url is null ? line : $"{line} {source.Url}";
    }

    /// <summary>Feed text never breaks the layout: control characters and line breaks become spaces.</summary>
    private static string OneLine(string value)
    {
        var builder = new StringBuilder(value.Length);
        foreach (var c in value)
        {
            builder.Append(char.IsControl(c) ? ' ' : c);
        }

        return builder.ToString().Trim();
    }
}
