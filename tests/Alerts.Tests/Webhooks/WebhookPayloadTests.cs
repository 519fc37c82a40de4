using System.Text.Json;
using Alerts.Core.Digests;
using Alerts.Core.Webhooks;

namespace Alerts.Tests.Webhooks;

/// <summary>The three bodies: Block Kit for Slack, an Adaptive Card in the Teams workflow envelope, the generic document.</summary>
public class WebhookPayloadTests
{
    private static readonly DateTimeOffset At = new(2025, 12, 12, 8, 0, 0, TimeSpan.Zero);

    private static readonly HashSet<string> SlackBlockTypes = ["header", "section", "context", "divider"];

    private static readonly HashSet<string> CardElementTypes = ["TextBlock", "RichTextBlock", "Container", "ColumnSet", "FactSet"];

    private static DigestItem Item(string cluster, string claim, DigestStatus status = DigestStatus.New, string? sentence = null) => new(
        cluster, claim, status,
        [new DigestSource("Port authority", "Harbour Post", At, "https://harbour.example/1", sentence ?? claim)],
        status == DigestStatus.New ? [] : [new DigestSource("Ministry", "Coast Times", At.AddHours(2), "https://coast.example/2", "The ministry denied it.")],
        1,
        ["first report of this claim"]);

    private static WebhookDigest Digest(params DigestTopic[] sections) => new(
        "sub1-d20251212", "sub1", "Alerts: Velmar port: 1 disputed, 1 new", sections, "https://alerts.example/manage?token=t", At,
        (topic, cluster) => $"https://alerts.example/topics/{topic}#c-{Uri.EscapeDataString(cluster)}");

    private static DigestTopic Ports(params DigestItem[] items) => new("ports", "Velmar port", items);

    [Fact]
    public void SlackMessageIsBlockKitWithAHeaderAndEachClaimLinkedToItsStoryPage()
    {
        var body = WebhookPayloads.Slack(Digest(Ports(Item("ports:1#1", "Velmar will build a terminal", DigestStatus.Disputed), Item("ports:1#2", "It costs 300 million euros"))));

        using var json = JsonDocument.Parse(body);
        var root = json.RootElement;
        root.GetProperty("text").GetString().ShouldBe("Alerts: Velmar port: 1 disputed, 1 new");
        var blocks = root.GetProperty("blocks").EnumerateArray().ToList();
        blocks.Count.ShouldBeLessThanOrEqualTo(WebhookPayloads.SlackMaxBlocks);
        blocks[0].GetProperty("type").GetString().ShouldBe("header");
        blocks[0].GetProperty("text").GetProperty("type").GetString().ShouldBe("plain_text");
        foreach (var block in blocks)
        {
            SlackBlockTypes.ShouldContain(block.GetProperty("type").GetString()!);
            if (block.GetProperty("type").GetString() == "section")
            {
                var text = block.GetProperty("text");
                text.GetProperty("type").GetString().ShouldBe("mrkdwn");
                text.GetProperty("text").GetString()!.Length.ShouldBeLessThanOrEqualTo(WebhookPayloads.SlackMaxSectionText);
            }
        }

        var sections = string.Join("\n", blocks.Where(b => b.GetProperty("type").GetString() == "section").Select(b => b.GetProperty("text").GetProperty("text").GetString()));
        sections.ShouldContain("*Disputed* <https://alerts.example/topics/ports#c-ports%3A1%231|Velmar will build a terminal>");
        sections.ShouldContain("*New* <https://alerts.example/topics/ports#c-ports%3A1%232|It costs 300 million euros>");
        sections.ShouldContain("> Ministry (Coast Times, 12 Dec 2025) disputes: <https://coast.example/2|The ministry denied it.>");
        blocks.Count(b => b.GetProperty("type").GetString() == "context").ShouldBe(3);
    }

    [Fact]
    public void SlackEscapesFeedTextSoItCannotMentionOrLink()
    {
        var body = WebhookPayloads.Slack(Digest(Ports(Item("c1", "<!channel> wins & <https://evil.example|click here>"))));

        var text = JsonDocument.Parse(body).RootElement.GetProperty("blocks")[2].GetProperty("text").GetProperty("text").GetString()!;
        text.ShouldContain("&lt;!channel&gt; wins &amp; &lt;https://evil.example|click here&gt;");
        text.ShouldNotContain("<!channel>");
        text.ShouldNotContain("<https://evil.example");
    }

    [Fact]
    public void SlackNotificationTextIsEscapedToo()
    {
        var digest = Digest(Ports(Item("c1", "A claim"))) with { Subject = "Alerts: <!here> & friends: 1 new claim" };

        JsonDocument.Parse(WebhookPayloads.Slack(digest)).RootElement.GetProperty("text").GetString().ShouldBe("Alerts: &lt;!here&gt; &amp; friends: 1 new claim");
    }

    [Fact]
    public void SlackMessageStaysUnderFiftyBlocksAndCountsTheClaimsLeftOut()
    {
        var items = Enumerable.Range(1, 100).Select(i => Item($"c{i}", $"Claim number {i}")).ToArray();

        var blocks = JsonDocument.Parse(WebhookPayloads.Slack(Digest(Ports(items)))).RootElement.GetProperty("blocks").EnumerateArray().ToList();

        blocks.Count.ShouldBeLessThanOrEqualTo(50);
        var shown = blocks.Count(b => b.GetProperty("type").GetString() == "divider");
        blocks[^2].GetProperty("text").GetProperty("text").GetString().ShouldBe($"…and {100 - shown} more claims: open the story pages for all of them.");
        shown.ShouldBeGreaterThan(10);
    }

    [Fact]
    public void TeamsMessageIsAnAdaptiveCardInTheWorkflowAttachmentsEnvelope()
    {
        var body = WebhookPayloads.Teams(Digest(Ports(Item("ports:1#1", "Velmar will build a terminal", DigestStatus.Reversed, "Velmar said it will build one."))));

        using var json = JsonDocument.Parse(body);
        var root = json.RootElement;
        root.GetProperty("type").GetString().ShouldBe("message");
        var attachment = root.GetProperty("attachments").EnumerateArray().Single();
        attachment.GetProperty("contentType").GetString().ShouldBe("application/vnd.microsoft.card.adaptive");
        var card = attachment.GetProperty("content");
        card.GetProperty("type").GetString().ShouldBe("AdaptiveCard");
        card.GetProperty("$schema").GetString().ShouldBe("http://adaptivecards.io/schemas/adaptive-card.json");
        Version.Parse(card.GetProperty("version").GetString()!).ShouldBeLessThanOrEqualTo(new Version(1, 5));
        var runs = new List<JsonElement>();
        foreach (var element in card.GetProperty("body").EnumerateArray())
        {
            CardElementTypes.ShouldContain(element.GetProperty("type").GetString()!);
            foreach (var run in element.GetProperty("inlines").EnumerateArray())
            {
                run.GetProperty("type").GetString().ShouldBe("TextRun");
                run.GetProperty("text").ValueKind.ShouldBe(JsonValueKind.String);
                runs.Add(run);
            }
        }

        var action = card.GetProperty("actions").EnumerateArray().Single();
        action.GetProperty("type").GetString().ShouldBe("Action.OpenUrl");
        action.GetProperty("url").GetString().ShouldBe("https://alerts.example/manage?token=t");
        var claim = runs.Single(r => r.GetProperty("text").GetString() == "Velmar will build a terminal");
        claim.GetProperty("selectAction").GetProperty("type").GetString().ShouldBe("Action.OpenUrl");
        claim.GetProperty("selectAction").GetProperty("url").GetString().ShouldBe("https://alerts.example/topics/ports#c-ports%3A1%231");
        runs.ShouldContain(r => r.GetProperty("text").GetString() == "Reversed ");
        foreach (var run in runs.Where(r => r.TryGetProperty("selectAction", out _)))
        {
            Uri.IsWellFormedUriString(run.GetProperty("selectAction").GetProperty("url").GetString(), UriKind.Absolute).ShouldBeTrue();
        }
    }

    [Fact]
    public void TeamsCardIsCutToFitItsSizeLimitAndCountsTheClaimsLeftOut()
    {
        var sentence = string.Concat(Enumerable.Repeat("The port authority of Velmar said it will build a terminal. ", 6));
        var items = Enumerable.Range(1, 300).Select(i => Item($"c{i}", $"Claim number {i}", DigestStatus.Disputed, sentence)).ToArray();

        var body = WebhookPayloads.Teams(Digest(Ports(items)));

        body.Length.ShouldBeLessThanOrEqualTo(WebhookPayloads.TeamsMaxBytes);
        var texts = JsonDocument.Parse(body).RootElement.GetProperty("attachments")[0].GetProperty("content").GetProperty("body").EnumerateArray()
            .SelectMany(e => e.GetProperty("inlines").EnumerateArray()).Select(r => r.GetProperty("text").GetString()!).ToList();
        var shown = texts.Count(t => t.StartsWith("Claim number ", StringComparison.Ordinal));
        shown.ShouldBeGreaterThan(5);
        texts.ShouldContain($"…and {300 - shown} more claims: open the story pages for all of them.");
    }

    [Fact]
    public void GenericDocumentCarriesEveryItemWithItsSourcesAndStoryLink()
    {
        var body = WebhookPayloads.Generic(Digest(Ports(Item("ports:1#1", "Velmar will build a terminal", DigestStatus.Disputed))));

        using var json = JsonDocument.Parse(body);
        var root = json.RootElement;
        root.GetProperty("type").GetString().ShouldBe("digest");
        root.GetProperty("timestamp").GetString().ShouldBe("2025-12-12T08:00:00Z");
        var data = root.GetProperty("data");
        data.GetProperty("digestId").GetString().ShouldBe("sub1-d20251212");
        var topic = data.GetProperty("topics")[0];
        topic.GetProperty("id").GetString().ShouldBe("ports");
        topic.GetProperty("disputed").GetInt32().ShouldBe(1);
        var item = topic.GetProperty("items")[0];
        item.GetProperty("status").GetString().ShouldBe("disputed");
        item.GetProperty("link").GetString().ShouldBe("https://alerts.example/topics/ports#c-ports%3A1%231");
        item.GetProperty("asserting")[0].GetProperty("outlet").GetString().ShouldBe("Harbour Post");
        item.GetProperty("disputing")[0].GetProperty("sentence").GetString().ShouldBe("The ministry denied it.");
        item.GetProperty("why")[0].GetString().ShouldBe("first report of this claim");
    }
}
