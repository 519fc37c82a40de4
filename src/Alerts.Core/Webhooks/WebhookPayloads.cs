using System.Globalization;
using System.Text;
using System.Text.Json;
using Alerts.Core.Digests;

namespace Alerts.Core.Webhooks;

/// <summary>
/// One digest as a webhook carries it. <see cref="ItemLink"/> gives the story-page link of a claim cluster
/// (topic id, cluster id); <see cref="Timestamp"/> is when the digest is handed over.
/// </summary>
public sealed record WebhookDigest(
    string DigestId,
    string SubscriptionId,
    string Subject,
    IReadOnlyList<DigestTopic> Sections,
    string ManageUrl,
    DateTimeOffset Timestamp,
    Func<string, string, string> ItemLink);

/// <summary>
/// The request bodies of the three webhook kinds, as UTF-8 JSON: a Slack Block Kit message, a Teams
/// workflow message carrying an Adaptive Card, and the generic JSON document. Feed text never becomes markup:
/// Slack's three control characters are escaped, and in Teams feed text goes only into TextRuns (which the
/// card renders literally, unlike TextBlock markdown).
/// </summary>
public static class WebhookPayloads
{
    /// <summary>Slack refuses messages of more than 50 blocks.</summary>
    public const int SlackMaxBlocks = 50;

    /// <summary>Slack's limit on a section's text, and on a header's.</summary>
    public const int SlackMaxSectionText = 3000;

    public const int SlackMaxHeaderText = 150;

    /// <summary>Teams refuses cards over about 28 KB; the card is cut (whole items) to stay under this.</summary>
    public const int TeamsMaxBytes = 26_000;

    public const string AdaptiveCardContentType = "application/vnd.microsoft.card.adaptive";

    public static byte[] Build(ChannelKind kind, WebhookDigest digest) => kind switch
    {
        ChannelKind.Slack => Slack(digest),
        ChannelKind.Teams => Teams(digest),
        ChannelKind.Webhook => Generic(digest),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "webhooks: email is not a webhook"),
    };

    /// <summary>
    /// The generic document: <c>{"type":"digest","timestamp":…,"data":{…}}</c> as Standard Webhooks recommends,
    /// every item with its claim, status, sources on both sides, reasons and story link.
    /// </summary>
    public static byte[] Generic(WebhookDigest digest)
    {
        ArgumentNullException.ThrowIfNull(digest);
        return Write(json =>
        {
            json.WriteStartObject();
            json.WriteString("type", "digest");
            json.WriteString("timestamp", Iso(digest.Timestamp));
            json.WriteStartObject("data");
            json.WriteString("digestId", digest.DigestId);
            json.WriteString("subscriptionId", digest.SubscriptionId);
            json.WriteString("subject", digest.Subject);
            json.WriteString("manageUrl", digest.ManageUrl);
            json.WriteStartArray("topics");
            foreach (var topic in digest.Sections)
            {
                json.WriteStartObject();
                json.WriteString("id", topic.TopicId);
                json.WriteString("name", topic.TopicName);
                json.WriteNumber("new", topic.New);
                json.WriteNumber("disputed", topic.Disputed);
                json.WriteStartArray("items");
                foreach (var item in topic.Items)
                {
                    json.WriteStartObject();
                    json.WriteString("clusterId", item.ClusterId);
                    json.WriteString("claim", item.Claim);
                    json.WriteString("status", item.Status.ToString().ToLowerInvariant());
                    json.WriteString("link", digest.ItemLink(topic.TopicId, item.ClusterId));
                    json.WriteNumber("corroborations", item.Corroborations);
                    WriteSources(json, "asserting", item.Asserting);
                    WriteSources(json, "disputing", item.Disputing);
                    json.WriteStartArray("why");
                    foreach (var why in item.Why)
                    {
                        json.WriteStringValue(why);
                    }

                    json.WriteEndArray();
                    json.WriteEndObject();
                }

                json.WriteEndArray();
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteEndObject();
        });
    }

    /// <summary>
    /// A Block Kit message: a header, per topic a section with its counts, per item a section (status, the claim
    /// linked to its story page, who asserts and who disputes) and a context line with the reasons; a footer
    /// with the manage link. Items that would pass 50 blocks are counted in a closing line instead.
    /// </summary>
    public static byte[] Slack(WebhookDigest digest)
    {
        ArgumentNullException.ThrowIfNull(digest);
        var blocks = new List<Action<Utf8JsonWriter>>
        {
            json => SlackText(json, "header", "plain_text", Cut(digest.Subject, SlackMaxHeaderText)),
        };
        const int reserved = 2; // the "more" line and the footer
        var left = 0;
        foreach (var topic in digest.Sections)
        {
            if (blocks.Count + 1 + reserved > SlackMaxBlocks)
            {
                left += topic.Items.Count;
                continue;
            }

            blocks.Add(json => SlackText(json, "section", "mrkdwn", $"*{SlackEscape(topic.TopicName)}*: {PlainTextDigest.Counts(topic)}"));
            foreach (var item in topic.Items)
            {
                if (blocks.Count + 3 + reserved > SlackMaxBlocks)
                {
                    left++;
                    continue;
                }

                var link = SlackUrl(digest.ItemLink(topic.TopicId, item.ClusterId));
                var text = new StringBuilder();
                text.Append(CultureInfo.InvariantCulture, $"*{Label(item.Status)}* <{link}|{SlackEscape(Cut(item.Claim, 300))}>");
                SlackSide(text, "asserts", item.Asserting);
                SlackSide(text, "disputes", item.Disputing);
                if (item.Corroborations > 0)
                {
                    text.Append(CultureInfo.InvariantCulture, $"\ncorroborated by {item.Corroborations} more independent source(s)");
                }

                var section = Cut(text.ToString(), SlackMaxSectionText);
                blocks.Add(json => SlackText(json, "section", "mrkdwn", section));
                if (item.Why.Count > 0)
                {
                    var why = Cut("why: " + SlackEscape(string.Join(" · ", item.Why.Select(OneLine))), SlackMaxSectionText);
                    blocks.Add(json => SlackContext(json, why));
                }

                blocks.Add(json => { json.WriteStartObject(); json.WriteString("type", "divider"); json.WriteEndObject(); });
            }
        }

        if (left > 0)
        {
            blocks.Add(json => SlackText(json, "section", "mrkdwn", $"…and {left} more claim{(left == 1 ? "" : "s")}: open the story pages for all of them."));
        }

        blocks.Add(json => SlackContext(json, $"<{SlackUrl(digest.ManageUrl)}|Change topics, frequency or channel, or pause>"));
        return Write(json =>
        {
            json.WriteStartObject();
            // The notification text is read as mrkdwn too: escaped like the sections.
            json.WriteString("text", SlackEscape(digest.Subject));
            json.WriteStartArray("blocks");
            foreach (var block in blocks)
            {
                block(json);
            }

            json.WriteEndArray();
            json.WriteEndObject();
        });
    }

    /// <summary>
    /// The message a Teams workflow ("Post to a channel when a webhook request is received") accepts:
    /// <c>{"type":"message","attachments":[{"contentType":"application/vnd.microsoft.card.adaptive","content":{AdaptiveCard 1.4}}]}</c>.
    /// Items are dropped from the end (and counted) until the card fits <see cref="TeamsMaxBytes"/>.
    /// </summary>
    public static byte[] Teams(WebhookDigest digest)
    {
        ArgumentNullException.ThrowIfNull(digest);
        var total = digest.Sections.Sum(s => s.Items.Count);
        var keep = total;
        while (true)
        {
            var body = TeamsCard(digest, keep, total - keep);
            if (body.Length <= TeamsMaxBytes || keep == 0)
            {
                return body;
            }

            keep = Math.Max(0, Math.Min(keep - 1, keep * TeamsMaxBytes / body.Length));
        }
    }

    private static byte[] TeamsCard(WebhookDigest digest, int keep, int left) => Write(json =>
    {
        json.WriteStartObject();
        json.WriteString("type", "message");
        json.WriteStartArray("attachments");
        json.WriteStartObject();
        json.WriteString("contentType", AdaptiveCardContentType);
        json.WriteNull("contentUrl");
        json.WriteStartObject("content");
        json.WriteString("$schema", "http://adaptivecards.io/schemas/adaptive-card.json");
        json.WriteString("type", "AdaptiveCard");
        json.WriteString("version", "1.4");
        json.WriteStartObject("msteams");
        json.WriteString("width", "Full");
        json.WriteEndObject();
        json.WriteStartArray("body");
        Rich(json, ("Alerts", true, null), size: "Medium");
        Rich(json, (digest.Subject, false, null), subtle: true);
        var written = 0;
        foreach (var topic in digest.Sections)
        {
            if (written >= keep)
            {
                break;
            }

            Rich(json, (topic.TopicName, true, null), (": " + PlainTextDigest.Counts(topic), false, null), separator: true);
            foreach (var item in topic.Items)
            {
                if (written++ >= keep)
                {
                    break;
                }

                Rich(json, (Label(item.Status) + " ", true, null), (item.Claim, false, digest.ItemLink(topic.TopicId, item.ClusterId)));
                foreach (var (verb, side) in new[] { ("asserts", item.Asserting), ("disputes", item.Disputing) })
                {
                    foreach (var source in side.Where(s => !s.OutletVoice).Take(5))
                    {
                        Rich(json, (Describe(source) + " " + verb + ": ", false, null), (Cut(source.Sentence, 400), false, source.Url), subtle: true);
                    }
                }

                if (item.Why.Count > 0)
                {
                    Rich(json, ("why: " + string.Join(" · ", item.Why.Select(OneLine)), false, null), subtle: true, italic: true);
                }
            }
        }

        if (left > 0)
        {
            Rich(json, ($"…and {left} more claim{(left == 1 ? "" : "s")}: open the story pages for all of them.", false, null), subtle: true);
        }

        json.WriteEndArray();
        json.WriteStartArray("actions");
        json.WriteStartObject();
        json.WriteString("type", "Action.OpenUrl");
        json.WriteString("title", "Change topics, frequency or channel");
        json.WriteString("url", digest.ManageUrl);
        json.WriteEndObject();
        json.WriteEndArray();
        json.WriteEndObject();
        json.WriteEndObject();
        json.WriteEndArray();
        json.WriteEndObject();
    });

    /// <summary>A RichTextBlock of TextRuns: (text, bold, link) each; TextRuns are never read as markdown.</summary>
    private static void Rich(Utf8JsonWriter json, (string Text, bool Bold, string? Link) first, (string Text, bool Bold, string? Link)? second = null,
        string? size = null, bool subtle = false, bool italic = false, bool separator = false)
    {
        json.WriteStartObject();
        json.WriteString("type", "RichTextBlock");
        if (separator)
        {
            json.WriteBoolean("separator", true);
            json.WriteString("spacing", "Medium");
        }

        json.WriteStartArray("inlines");
        foreach (var run in second is { } next ? new[] { first, next } : [first])
        {
            json.WriteStartObject();
            json.WriteString("type", "TextRun");
            // Not trimmed: the space between two runs is in the first one.
            json.WriteString("text", run.Text.ReplaceLineEndings(" ").Replace('\t', ' '));
            if (run.Bold)
            {
                json.WriteString("weight", "Bolder");
            }

            if (size is not null)
            {
                json.WriteString("size", size);
            }

            if (subtle)
            {
                json.WriteBoolean("isSubtle", true);
            }

            if (italic)
            {
                json.WriteBoolean("italic", true);
            }

            if (HttpUrl(run.Link) is { } url)
            {
                json.WriteStartObject("selectAction");
                json.WriteString("type", "Action.OpenUrl");
                json.WriteString("url", url);
                json.WriteEndObject();
            }

            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void SlackText(Utf8JsonWriter json, string type, string textType, string text)
    {
        json.WriteStartObject();
        json.WriteString("type", type);
        json.WriteStartObject("text");
        json.WriteString("type", textType);
        json.WriteString("text", text);
        json.WriteEndObject();
        json.WriteEndObject();
    }

    private static void SlackContext(Utf8JsonWriter json, string mrkdwn)
    {
        json.WriteStartObject();
        json.WriteString("type", "context");
        json.WriteStartArray("elements");
        json.WriteStartObject();
        json.WriteString("type", "mrkdwn");
        json.WriteString("text", mrkdwn);
        json.WriteEndObject();
        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void SlackSide(StringBuilder text, string verb, IReadOnlyList<DigestSource> side)
    {
        foreach (var source in side.Where(s => !s.OutletVoice).Take(5))
        {
            var who = SlackEscape(Describe(source));
            text.Append(CultureInfo.InvariantCulture, $"\n> {who} {verb}: ");
            var sentence = SlackEscape(Cut(source.Sentence, 400));
            text.Append(HttpUrl(source.Url) is { } url ? $"<{SlackUrl(url)}|{sentence}>" : sentence);
        }

        var voices = side.Count(s => s.OutletVoice);
        if (voices > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"\n> also {voices} outlet(s) in their own voice");
        }
    }

    private static void WriteSources(Utf8JsonWriter json, string name, IReadOnlyList<DigestSource> sources)
    {
        json.WriteStartArray(name);
        foreach (var source in sources)
        {
            json.WriteStartObject();
            json.WriteString("source", source.Source);
            json.WriteString("outlet", source.Outlet);
            if (source.Published is { } published)
            {
                json.WriteString("published", Iso(published));
            }
            else
            {
                json.WriteNull("published");
            }

            json.WriteString("url", source.Url);
            json.WriteString("sentence", source.Sentence);
            json.WriteStartArray("via");
            foreach (var via in source.Via)
            {
                json.WriteStringValue(via);
            }

            json.WriteEndArray();
            json.WriteBoolean("outletVoice", source.OutletVoice);
            json.WriteEndObject();
        }

        json.WriteEndArray();
    }

    /// <summary>"Ministry of Defence (Harbour Post, 12 Dec 2025)".</summary>
    private static string Describe(DigestSource source)
    {
        var details = new List<string>();
        if (source.Outlet is { } outlet && !outlet.Equals(source.Source, StringComparison.OrdinalIgnoreCase))
        {
            details.Add(outlet);
        }

        if (source.Published is { } published)
        {
            details.Add(published.ToString("d MMM yyyy", CultureInfo.InvariantCulture));
        }

        return OneLine(source.Source) + (details.Count > 0 ? " (" + OneLine(string.Join(", ", details)) + ")" : "");
    }

    private static string Label(DigestStatus status) => status switch
    {
        DigestStatus.Disputed => "Disputed",
        DigestStatus.Reversed => "Reversed",
        _ => "New",
    };

    /// <summary>Slack reads &amp;, &lt; and &gt; as control characters (links, mentions); everything else is text.</summary>
    private static string SlackEscape(string text) =>
        OneLine(text).Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);

    /// <summary>A URL inside Slack's &lt;url|text&gt;: the characters that would end it are percent-encoded.</summary>
    private static string SlackUrl(string url) =>
        url.Replace("|", "%7C", StringComparison.Ordinal).Replace("<", "%3C", StringComparison.Ordinal).Replace(">", "%3E", StringComparison.Ordinal);

    /// <summary>Only absolute http(s) links from feeds become links.</summary>
    private static string? HttpUrl(string? url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var parsed) && (parsed.Scheme == Uri.UriSchemeHttps || parsed.Scheme == Uri.UriSchemeHttp) ? parsed.AbsoluteUri : null;

    private static string OneLine(string text) => string.Join(' ', text.Split((char[])['\r', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries)).Trim();

    private static string Cut(string text, int max) => text.Length <= max ? text : text[..(max - 1)].TrimEnd() + "…";

    private static string Iso(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static byte[] Write(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            write(json);
        }

        return buffer.ToArray();
    }
}
