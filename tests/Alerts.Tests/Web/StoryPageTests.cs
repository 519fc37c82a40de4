using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Alerts.Core.Claims;
using Alerts.Core.Digests;
using Alerts.Core.Feeds;
using Alerts.Core.Topics;
using Alerts.Pipeline.Digests;
using Alerts.Pipeline.Storage;
using Alerts.Pipeline.Stories;

namespace Alerts.Tests.Web;

/// <summary>Real topic clusters (extracted and clustered by the claims engine) stored for the story page tests.</summary>
internal static class StoryData
{
    public static readonly DateTimeOffset Start = new(2026, 2, 2, 9, 0, 0, TimeSpan.Zero);

    private static readonly string[] Heads = ["Vel", "Orr", "Tess", "Bran", "Quil", "Mar", "Ost", "Pell", "Corv", "Dun"];

    private static readonly string[] Tails = ["mar", "indale", "aly", "nock", "lon", "row", "wick", "ham", "ingford", "mere"];

    /// <summary>A made-up harbour town per number, each its own name, so no two articles share an entity.</summary>
    public static string Place(int i) => Heads[i % 10] + Tails[i / 10 % 10];
    /// <summary>Article <paramref name="articleId"/> about the topic, recorded at <paramref name="at"/>, against the clusters stored so far.</summary>
    public static async Task<TopicProcessResult> AddAsync(IClaimStore store, string topicId, long articleId, string outlet, string title, string text, DateTimeOffset at)
    {
        var article = new ArticleInput($"https://{outlet.Replace(" ", "", StringComparison.Ordinal).ToLowerInvariant()}.example/{articleId}", title, text, outlet, at,
            $"https://{outlet.Replace(" ", "", StringComparison.Ordinal).ToLowerInvariant()}.example/{articleId}");
        var index = new InMemoryClaimIndex();
        foreach (var id in (await store.ListEventsAsync(topicId, 0, 10_000, TestContext.Current.CancellationToken)).Select(e => e.Event.ClusterId).Distinct(StringComparer.Ordinal))
        {
            index.Upsert((await store.GetClusterAsync(id, TestContext.Current.CancellationToken))!);
        }

        var result = TopicClaimEngine.Process(topicId, ClaimExtractor.Extract(article), index);
        (await store.SaveArticleResultAsync(articleId, topicId, result, at, TestContext.Current.CancellationToken)).ShouldBeTrue();
        return result;
    }

    /// <summary>
    /// <paramref name="count"/> articles from article <paramref name="firstArticle"/> on, each a new claim about another harbour, an hour
    /// apart (article n at Start + n - 1 hours); returns the cluster ids, oldest first.
    /// </summary>
    public static async Task<List<string>> AddHarboursAsync(IClaimStore store, string topicId, int count, int firstArticle = 1)
    {
        var clusters = new List<string>();
        for (var n = firstArticle; n < firstArticle + count; n++)
        {
            var place = Place(n - 1);
            var result = await AddAsync(store, topicId, n, "Harbour Post", $"{place} port to build a terminal",
                $"The port authority of {place} said on Monday it will build container terminal number {n} for {100 + n} million euros.", Start.AddHours(n - 1));
            result.Events.ShouldAllBe(e => e.Type == TopicEventType.NewClaim, $"{place}: every harbour is news of its own");
            clusters.AddRange(result.Clusters.Select(c => c.Id).Where(id => !clusters.Contains(id)));
        }

        return clusters;
    }

    public static async Task<Topic> AddTopicAsync(WebTestServer server, string id, bool isPublic)
    {
        var topic = new Topic(id, "Velmar harbour", "velmar") { Description = "The port authority's plans.", Public = isPublic };
        await server.Get<ITopicStore>().UpsertTopicAsync(topic, TestContext.Current.CancellationToken);
        return topic;
    }
}

/// <summary>The story page, its JSON twin and the Atom feeds over HTTP against a served instance.</summary>
public sealed partial class StoryPageTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A visitor from elsewhere: a relayed request is never the operator's.</summary>
    private static HttpClient Public(WebTestServer server)
    {
        var client = server.CreateClient();
        client.DefaultRequestHeaders.Add("X-Forwarded-For", "203.0.113.9");
        return client;
    }

    private static async Task<string> GetAsync(HttpClient client, string path, HttpStatusCode status = HttpStatusCode.OK)
    {
        using var response = await client.GetAsync(path, Ct);
        var body = await response.Content.ReadAsStringAsync(Ct);
        response.StatusCode.ShouldBe(status, body);
        return body;
    }

    [Fact]
    public async Task StoryPageListsNewestChangeFirst()
    {
        await using var server = await WebTestServer.StartAsync();
        await StoryData.AddTopicAsync(server, "ports", isPublic: true);
        var claims = server.Get<IClaimStore>();
        var clusters = await StoryData.AddHarboursAsync(claims, "ports", 3);
        // A denial of the first harbour's claim, a day later, changes that cluster last.
        var denial = await StoryData.AddAsync(claims, "ports", 10, "Coast Daily", "Velmar denies terminal plan",
            "The port authority of Velmar denied on Tuesday that it will build container terminal number 1 for 101 million euros.", StoryData.Start.AddDays(1));
        using var client = Public(server);

        using var response = await client.GetAsync("/topics/ports", Ct);
        var html = await response.Content.ReadAsStringAsync(Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.OK, html);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("text/html");
        response.Headers.GetValues("Content-Security-Policy").Single().ShouldBe(Alerts.Web.Security.SecurityHeaders.ContentSecurityPolicy);
        var anchors = AnchorPattern().Matches(html).Select(m => m.Groups[1].Value).ToList();
        var changedLast = denial.Clusters.Select(c => StoryLinks.Anchor(c.Id)).ToHashSet();
        changedLast.ShouldContain(anchors[0], "the cluster the denial changed comes first");
        anchors.ShouldBe(anchors.Distinct().ToList());
        var harbours = anchors.Where(a => !changedLast.Contains(a)).ToList();
        harbours.ShouldBe(clusters.Select(StoryLinks.Anchor).Where(a => !changedLast.Contains(a)).Reverse().ToList(), "then by last change, newest first");
        html.ShouldContain("<h1>Velmar harbour</h1>");
        html.ShouldContain("Harbour Post");
        html.ShouldContain("href=\"https://harbourpost.example/1\"");
        html.ShouldContain(StoryData.Place(0));
        html.ShouldContain("<time datetime=\"2026-02-02T09:00Z\">2 Feb 2026</time>");
        html.ShouldContain("First reported");
        html.ShouldContain("href=\"/topics/ports/feed.atom\"");
        if (denial.Events.Any(e => e.Type == TopicEventType.Contradiction))
        {
            html.ShouldContain("<p class=\"state disputed\">Disputed</p>");
            html.ShouldContain("Coast Daily");
        }
    }

    [Fact]
    public async Task StoryPageAnswers404ForAPrivateTopic()
    {
        await using var server = await WebTestServer.StartAsync();
        await StoryData.AddTopicAsync(server, "ports", isPublic: false);
        await StoryData.AddHarboursAsync(server.Get<IClaimStore>(), "ports", 2);
        using var visitor = Public(server);

        (await GetAsync(visitor, "/topics/ports", HttpStatusCode.NotFound)).ShouldContain("Page not found");
        (await GetAsync(visitor, "/topics/ports/feed.atom", HttpStatusCode.NotFound)).ShouldNotContain("Velmar");
        (await GetAsync(visitor, "/api/v1/topics/ports/claims", HttpStatusCode.NotFound)).ShouldContain("there is no such topic");
        (await GetAsync(visitor, "/topics/nothing-here", HttpStatusCode.NotFound)).ShouldContain("Page not found");

        // The operator, on this machine, sees the page marked private; its feed stays closed.
        var own = await GetAsync(server.Client, "/topics/ports");
        own.ShouldContain("This topic is not public");
        own.ShouldContain("Velmar");
        (await GetAsync(server.Client, "/api/v1/topics/ports/claims")).ShouldContain("\"public\":false");
        await GetAsync(server.Client, "/topics/ports/feed.atom", HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task StoryPagePaginatesWithACursorAndRefusesABadOne()
    {
        await using var server = await WebTestServer.StartAsync();
        await StoryData.AddTopicAsync(server, "ports", isPublic: true);
        var clusters = await StoryData.AddHarboursAsync(server.Get<IClaimStore>(), "ports", 30);
        clusters.Count.ShouldBeGreaterThan(TopicStories.PageSize);
        using var client = Public(server);

        var seen = new List<string>();
        var path = "/topics/ports";
        var pages = 0;
        while (path is not null)
        {
            var html = await GetAsync(client, path);
            seen.AddRange(AnchorPattern().Matches(html).Select(m => m.Groups[1].Value));
            path = NextPattern().Match(html) is { Success: true } next ? WebUtility.HtmlDecode(next.Groups[1].Value) : null;
            pages++;
        }

        pages.ShouldBe((clusters.Count + TopicStories.PageSize - 1) / TopicStories.PageSize);
        seen.ShouldBe(clusters.Select(StoryLinks.Anchor).Reverse().ToList());
        (await GetAsync(client, "/topics/ports?cursor=garbage", HttpStatusCode.BadRequest)).ShouldContain("Start again from the newest changes");
        (await GetAsync(client, "/api/v1/topics/ports/claims?cursor=garbage", HttpStatusCode.BadRequest)).ShouldContain("cursor");
    }

    [Fact]
    public async Task AClusterLinkLandsOnAPageThatShowsItAfterNewerChangesPushedItBack()
    {
        await using var server = await WebTestServer.StartAsync();
        await StoryData.AddTopicAsync(server, "ports", isPublic: true);
        var store = server.Get<IClaimStore>();
        var clusters = await StoryData.AddHarboursAsync(store, "ports", 30);
        using var client = Public(server);
        var firstPage = AnchorPattern().Matches(await GetAsync(client, "/topics/ports")).Select(m => m.Groups[1].Value).ToList();
        firstPage.ShouldNotContain(StoryLinks.Anchor(clusters[2]), "the 28th newest change is past the first page");

        // A cluster still on the first page: the link gives the first page itself.
        var recent = await GetAsync(client, StoryLinks.ClusterPath("ports", clusters[10]));
        AnchorPattern().Matches(recent).Select(m => m.Groups[1].Value).ShouldBe(firstPage);
        recent.ShouldNotContain("Newest changes");

        // One pushed back: a page that starts with it, its older changes after it, and a way back to the newest.
        var old = await GetAsync(client, StoryLinks.ClusterPath("ports", clusters[2]));
        AnchorPattern().Matches(old).Select(m => m.Groups[1].Value).ShouldBe(new[] { clusters[2], clusters[1], clusters[0] }.Select(StoryLinks.Anchor));
        old.ShouldContain("<a href=\"/topics/ports\">Newest changes</a>");
        NextPattern().IsMatch(old).ShouldBeFalse("nothing is older than the oldest");
        old.ShouldNotContain("cluster-missing");

        // Thirty more changes later a link still finds its cluster, and the pager goes on from it.
        clusters.AddRange(await StoryData.AddHarboursAsync(store, "ports", 30, firstArticle: 31));
        var later = await GetAsync(client, StoryLinks.ClusterPath("ports", clusters[30]));
        var olderFirst = clusters.Take(31).Reverse().Select(StoryLinks.Anchor).ToList();
        AnchorPattern().Matches(later).Select(m => m.Groups[1].Value).ShouldBe(olderFirst.Take(TopicStories.PageSize));
        var next = WebUtility.HtmlDecode(NextPattern().Match(later).Groups[1].Value);
        AnchorPattern().Matches(await GetAsync(client, next)).Select(m => m.Groups[1].Value).ShouldBe(olderFirst.Skip(TopicStories.PageSize));
    }

    [Fact]
    public async Task AClusterLinkToNothingShownGivesTheNewestChangesWithANotice()
    {
        await using var server = await WebTestServer.StartAsync();
        await StoryData.AddTopicAsync(server, "ports", isPublic: true);
        await StoryData.AddTopicAsync(server, "quiet", isPublic: false);
        var store = server.Get<IClaimStore>();
        var clusters = await StoryData.AddHarboursAsync(store, "ports", 3);
        var hidden = await StoryData.AddHarboursAsync(store, "quiet", 1, firstArticle: 10);
        using var client = Public(server);

        var html = await GetAsync(client, "/topics/ports?cluster=" + Uri.EscapeDataString("ports:https://nowhere.example/1#0"));
        html.ShouldContain("id=\"cluster-missing\"");
        AnchorPattern().Matches(html).Select(m => m.Groups[1].Value).ShouldBe(clusters.AsEnumerable().Reverse().Select(StoryLinks.Anchor));
        (await GetAsync(client, StoryLinks.ClusterPath("ports", hidden[0]))).ShouldContain("id=\"cluster-missing\"", customMessage: "another topic's cluster is not this page's");
        await GetAsync(client, StoryLinks.ClusterPath("quiet", hidden[0]), HttpStatusCode.NotFound);
        (await GetAsync(client, StoryLinks.ClusterPath("ports", clusters[0]))).ShouldNotContain("cluster-missing");
    }

    [Fact]
    public async Task StoryJsonTwinFindsAClusterPushedBackAsTheLinkedPageDoes()
    {
        await using var server = await WebTestServer.StartAsync();
        await StoryData.AddTopicAsync(server, "ports", isPublic: true);
        var clusters = await StoryData.AddHarboursAsync(server.Get<IClaimStore>(), "ports", 30);
        using var client = Public(server);
        async Task<(HttpStatusCode Status, JsonElement Root)> Claims(string query)
        {
            using var response = await client.GetAsync("/api/v1/topics/ports/claims" + query, Ct);
            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
            return (response.StatusCode, json.RootElement.Clone());
        }

        var (status, old) = await Claims("?cluster=" + Uri.EscapeDataString(clusters[2]));

        status.ShouldBe(HttpStatusCode.OK);
        old.GetProperty("clusters").EnumerateArray().Select(c => c.GetProperty("id").GetString()).ShouldBe([clusters[2], clusters[1], clusters[0]]);
        old.GetProperty("next").ValueKind.ShouldBe(JsonValueKind.Null);
        var (missing, problem) = await Claims("?cluster=" + Uri.EscapeDataString("ports:https://nowhere.example/1#0"));
        missing.ShouldBe(HttpStatusCode.NotFound);
        problem.GetProperty("detail").GetString()!.ShouldStartWith("claims:");
        (await Claims("?cluster=" + Uri.EscapeDataString(clusters[2]) + "&cursor=abc")).Status.ShouldBe(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task StoryJsonTwinListsTheSameClustersAsThePage()
    {
        await using var server = await WebTestServer.StartAsync();
        await StoryData.AddTopicAsync(server, "ports", isPublic: true);
        var clusters = await StoryData.AddHarboursAsync(server.Get<IClaimStore>(), "ports", 28);
        using var client = Public(server);

        var ids = new List<string>();
        string? next = "/api/v1/topics/ports/claims";
        JsonElement first = default;
        while (next is not null)
        {
            using var response = await client.GetAsync(next, Ct);
            response.StatusCode.ShouldBe(HttpStatusCode.OK);
            response.Content.Headers.ContentType!.MediaType.ShouldBe("application/json");
            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
            var root = json.RootElement;
            if (first.ValueKind == JsonValueKind.Undefined)
            {
                first = root.Clone();
            }

            ids.AddRange(root.GetProperty("clusters").EnumerateArray().Select(c => c.GetProperty("id").GetString()!));
            next = root.GetProperty("next").GetString();
            if (next is not null)
            {
                root.GetProperty("nextCursor").GetString().ShouldNotBeNullOrEmpty();
            }
        }

        ids.ShouldBe(clusters.AsEnumerable().Reverse().ToList());
        var topic = first.GetProperty("topic");
        (topic.GetProperty("id").GetString(), topic.GetProperty("public").GetBoolean()).ShouldBe(("ports", true));
        topic.GetProperty("feed").GetString().ShouldBe(server.BaseAddress.AbsoluteUri + "topics/ports/feed.atom");
        var cluster = first.GetProperty("clusters")[0];
        cluster.GetProperty("state").GetString().ShouldBe("new");
        cluster.GetProperty("url").GetString().ShouldBe(server.BaseAddress.AbsoluteUri + "topics/ports?cluster=" + Uri.EscapeDataString(cluster.GetProperty("id").GetString()!) + "#" + cluster.GetProperty("anchor").GetString());
        cluster.GetProperty("claim").GetString()!.ShouldContain(StoryData.Place(27));
        var source = cluster.GetProperty("asserting")[0];
        source.GetProperty("url").GetString().ShouldBe("https://harbourpost.example/28");
        source.GetProperty("published").GetString().ShouldBe("2026-02-03T12:00:00+00:00");
        var firstEvent = cluster.GetProperty("events")[0];
        firstEvent.GetProperty("type").GetString().ShouldBe("newClaim");
        firstEvent.GetProperty("why").GetString().ShouldNotBeNullOrWhiteSpace();
    }

    [Fact]
    public async Task StoryPageEscapesWhatTheFeedsSaid()
    {
        await using var server = await WebTestServer.StartAsync();
        await StoryData.AddTopicAsync(server, "ports", isPublic: true);
        await StoryData.AddAsync(server.Get<IClaimStore>(), "ports", 1, "Harbour <b>Post</b>", "Velmar port <script>alert(1)</script> to build a terminal",
            "The port authority of Velmar said on Monday it will build a <img src=x onerror=alert(1)> terminal for 300 million euros.", StoryData.Start);
        using var client = Public(server);

        var html = await GetAsync(client, "/topics/ports");
        var json = await GetAsync(client, "/api/v1/topics/ports/claims");
        var atom = await GetAsync(client, "/topics/ports/feed.atom");

        html.ShouldNotContain("<script>alert");
        html.ShouldNotContain("<img src=x");
        html.ShouldNotContain("<b>Post</b>");
        json.ShouldNotContain("<script>");
        XDocument.Parse(atom).Descendants().ShouldNotContain(e => e.Name.LocalName == "script" || e.Name.LocalName == "img");
    }

    [Fact]
    public async Task AtomFeedParsesWithOurParser()
    {
        await using var server = await WebTestServer.StartAsync();
        await StoryData.AddTopicAsync(server, "ports", isPublic: true);
        var clusters = await StoryData.AddHarboursAsync(server.Get<IClaimStore>(), "ports", 4);
        using var client = Public(server);

        using var response = await client.GetAsync("/topics/ports/feed.atom", Ct);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/atom+xml");
        var bytes = await response.Content.ReadAsByteArrayAsync(Ct);
        var parsed = FeedParser.Parse(bytes, new FeedSource(new Uri(server.BaseAddress, "topics/ports/feed.atom"), "application/atom+xml"));

        parsed.Format.ShouldStartWith("atom");
        parsed.Warnings.ShouldBeEmpty();
        parsed.Title.ShouldBe("Alerts: Velmar harbour");
        parsed.Link.ShouldBe(server.BaseAddress.AbsoluteUri + "topics/ports");
        parsed.Items.Count.ShouldBe(clusters.Count);
        parsed.Items.Select(i => i.Link).ShouldBe(clusters.AsEnumerable().Reverse().Select(id => server.BaseAddress.AbsoluteUri + "topics/ports?cluster=" + Uri.EscapeDataString(id) + "#" + StoryLinks.Anchor(id)));
        parsed.Items.ShouldAllBe(i => i.Id!.StartsWith("urn:uuid:") && i.Updated != null && i.Title!.StartsWith("[New] ") && i.Content!.Contains("See it on the story page"));
        parsed.Items.Select(i => i.Id).ShouldBeUnique();

        // RFC 4287: one id, title, updated and author on the feed; per entry one each of id, title, updated, a link and content.
        XNamespace atom = "http://www.w3.org/2005/Atom";
        var feed = XDocument.Parse(Encoding.UTF8.GetString(bytes)).Root!;
        feed.Name.ShouldBe(atom + "feed");
        foreach (var name in new[] { "id", "title", "updated", "author" })
        {
            feed.Elements(atom + name).Count().ShouldBe(1, name);
        }

        feed.Element(atom + "author")!.Element(atom + "name")!.Value.ShouldBe("Alerts");
        feed.Elements(atom + "link").ShouldContain(l => (string?)l.Attribute("rel") == "self" && (string?)l.Attribute("href") == server.BaseAddress.AbsoluteUri + "topics/ports/feed.atom");
        var entries = feed.Elements(atom + "entry").ToList();
        entries.Count.ShouldBe(clusters.Count);
        foreach (var entry in entries)
        {
            foreach (var name in new[] { "id", "title", "updated", "content" })
            {
                entry.Elements(atom + name).Count().ShouldBe(1, name);
            }

            entry.Element(atom + "id")!.Value.ShouldMatch("^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$");
            DateTimeOffset.Parse(entry.Element(atom + "updated")!.Value, System.Globalization.CultureInfo.InvariantCulture).ShouldBeLessThanOrEqualTo(
                DateTimeOffset.Parse(feed.Element(atom + "updated")!.Value, System.Globalization.CultureInfo.InvariantCulture));
            ((string?)entry.Element(atom + "content")!.Attribute("type")).ShouldBe("html");
            entry.Elements(atom + "link").Single().Attribute("rel")!.Value.ShouldBe("alternate");
        }

        // Entry ids stay the same when the feed is read again.
        var again = FeedParser.Parse(await client.GetByteArrayAsync("/topics/ports/feed.atom", Ct), FeedSource.None);
        again.Items.Select(i => i.Id).ShouldBe(parsed.Items.Select(i => i.Id));
    }

    [Fact]
    public async Task AtomFeedAnswers304ToItsETag()
    {
        await using var server = await WebTestServer.StartAsync();
        await StoryData.AddTopicAsync(server, "ports", isPublic: true);
        await StoryData.AddHarboursAsync(server.Get<IClaimStore>(), "ports", 2);
        using var client = Public(server);

        using var first = await client.GetAsync("/topics/ports/feed.atom", Ct);
        var etag = first.Headers.ETag!;
        var lastModified = first.Content.Headers.LastModified!.Value;
        lastModified.ShouldBe(StoryData.Start.AddHours(1));

        using var byTag = new HttpRequestMessage(HttpMethod.Get, "/topics/ports/feed.atom");
        byTag.Headers.IfNoneMatch.Add(etag);
        using var notModified = await client.SendAsync(byTag, Ct);
        notModified.StatusCode.ShouldBe(HttpStatusCode.NotModified);
        notModified.Headers.ETag.ShouldBe(etag);
        (await notModified.Content.ReadAsByteArrayAsync(Ct)).ShouldBeEmpty();

        using var byDate = new HttpRequestMessage(HttpMethod.Get, "/topics/ports/feed.atom");
        byDate.Headers.IfModifiedSince = lastModified;
        (await client.SendAsync(byDate, Ct)).StatusCode.ShouldBe(HttpStatusCode.NotModified);

        using var older = new HttpRequestMessage(HttpMethod.Get, "/topics/ports/feed.atom");
        older.Headers.IfModifiedSince = lastModified.AddSeconds(-1);
        (await client.SendAsync(older, Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);

        await StoryData.AddHarboursAsync(server.Get<IClaimStore>(), "ports", 1, firstArticle: 3);
        using var changed = new HttpRequestMessage(HttpMethod.Get, "/topics/ports/feed.atom");
        changed.Headers.IfNoneMatch.Add(etag);
        using var fresh = await client.SendAsync(changed, Ct);
        fresh.StatusCode.ShouldBe(HttpStatusCode.OK);
        fresh.Headers.ETag.ShouldNotBe(etag);
    }

    [Fact]
    public async Task PrivateFeedCarriesTheItemsOfItsDigests()
    {
        await using var server = await WebTestServer.StartAsync();
        await StoryData.AddTopicAsync(server, "ports", isPublic: false);
        var subscription = await PageClient.For(server).SubscribeAndConfirmAsync("reader@example.org", "ports");
        await StoryData.AddHarboursAsync(server.Get<IClaimStore>(), "ports", 3);
        var message = (await server.Get<DigestSchedule>().RunAsync(Ct)).Single();
        (await server.Get<SendDigest>().RunAsync(message, Ct)).Outcome.ShouldBe(SendDigestOutcome.Sent);
        var digest = (await server.Get<ISubscriptionStore>().ListDigestsAsync(subscription.Id, Ct)).Single();
        var items = (await server.Get<DigestComposer>().BuildAsync(digest.Ranges, Ct)).SelectMany(s => s.Items).ToList();
        items.ShouldNotBeEmpty();
        var url = await server.Get<StoryFeeds>().FeedUrlAsync(subscription.Id, Ct);
        using var client = Public(server);

        var parsed = FeedParser.Parse(await client.GetByteArrayAsync(new Uri(url).PathAndQuery, Ct), FeedSource.None);

        parsed.Items.Select(i => i.Link).ShouldBe(items.Select(i => i.Link));
        parsed.Items.Select(i => i.Title).ShouldBe(items.Select(i => "Velmar harbour: " + AtomFeed.Title(i)));
        parsed.Items.ShouldAllBe(i => i.Updated == DateTimeOffset.FromUnixTimeSeconds(digest.SentAt!.Value.ToUnixTimeSeconds()));
        var mail = WebTestServer.ReadMail(server.OutboxFiles().Single(f => Path.GetFileName(f).StartsWith(digest.Id, StringComparison.Ordinal)));
        foreach (var item in items)
        {
            mail.Part("text/plain").Text().ShouldContain("story: " + item.Link);
        }
    }

    [Fact]
    public async Task PrivateFeedTokenRevokedAnswers404()
    {
        await using var server = await WebTestServer.StartAsync();
        await StoryData.AddTopicAsync(server, "ports", isPublic: false);
        var pages = PageClient.For(server);
        var subscription = await pages.SubscribeAndConfirmAsync("reader@example.org", "ports");
        var links = server.Get<Alerts.Pipeline.Subscriptions.SubscriptionLinks>();
        var manage = new Uri(links.ManageUrl(await links.ManageTokenAsync(subscription.Id, Ct))).PathAndQuery;
        var page = await pages.GetAsync(manage);
        var oldUrl = WebUtility.HtmlDecode(FeedUrlPattern().Match(page).Groups[1].Value);
        oldUrl.ShouldStartWith(server.BaseAddress.AbsoluteUri + "feeds/");
        (await pages.GetAsync(manage)).ShouldContain(oldUrl, customMessage: "the address stays the same until it is replaced");
        using var reader = Public(server);
        (await GetAsync(reader, new Uri(oldUrl).PathAndQuery)).ShouldContain("<feed xmlns=\"http://www.w3.org/2005/Atom\">");

        using var replaced = await pages.PostAsync("/manage/feed", [new("csrf", PageClient.CsrfField(page)), new("token", PageClient.TokenOf(manage))]);
        var answer = await replaced.Content.ReadAsStringAsync(Ct);
        replaced.StatusCode.ShouldBe(HttpStatusCode.OK, answer);
        answer.ShouldContain("Your feed has a new address");
        var newUrl = WebUtility.HtmlDecode(FeedUrlPattern().Match(answer).Groups[1].Value);

        newUrl.ShouldNotBe(oldUrl);
        await GetAsync(reader, new Uri(oldUrl).PathAndQuery, HttpStatusCode.NotFound);
        await GetAsync(reader, new Uri(newUrl).PathAndQuery);
        await GetAsync(reader, "/feeds/not-a-token", HttpStatusCode.NotFound);
        await server.Get<Alerts.Pipeline.Subscriptions.ManageSubscriptions>().UnsubscribeAsync("reader@example.org", Ct);
        await GetAsync(reader, new Uri(newUrl).PathAndQuery, HttpStatusCode.NotFound);
    }

    [GeneratedRegex("<li class=\"cluster\" id=\"(c-[0-9a-f]{12})\">")]
    private static partial Regex AnchorPattern();

    [GeneratedRegex("<a href=\"([^\"]+)\" rel=\"next\">")]
    private static partial Regex NextPattern();

    [GeneratedRegex("<a href=\"([^\"]+)\" id=\"feed-url\">")]
    private static partial Regex FeedUrlPattern();
}
