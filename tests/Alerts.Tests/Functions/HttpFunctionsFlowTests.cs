using System.Globalization;
using System.Text.Json.Nodes;
using Alerts.Azure;
using Alerts.Core.Subscriptions;
using Alerts.Core.Topics;
using Alerts.Pipeline.Storage;
using Alerts.Pipeline.Subscriptions;
using Alerts.Tests.Azure;
using Alerts.Tests.Web;
using Alerts.Web.Security;

namespace Alerts.Tests.Functions;

/// <summary>
/// One Functions handler (over Azurite) for the flow tests: Site:PublicBaseUrl is the app's https origin, mail
/// goes to the outbox, and a client may subscribe three times an hour (each test uses its own client address,
/// so no test spends another's permits). Started on first use, so a missing Azurite skips the test instead of
/// failing the fixture.
/// </summary>
public sealed class FlowHostFixture(AzuriteFixture azurite) : IAsyncDisposable
{
    public const string Site = "https://alerts-flow.example.net";
    public const int SubscribePermits = 3;

    /// <summary>Non-Latin text, to see it cross the envelope both ways as UTF-8.</summary>
    public const string TramsDescription = "Škoda trams in Plzeň — 路面電車";

    private FunctionsTestHost? _host;

    public async Task<FunctionsTestHost> HostAsync()
    {
        azurite.CreateAccount();
        if (_host is null)
        {
            _host = await FunctionsTestHost.StartAsync(azurite, new Dictionary<string, string?>
            {
                ["Site:PublicBaseUrl"] = Site,
                ["Mail:Provider"] = "Outbox",
                ["Web:RateLimits:SubscribePerClient:Permits"] = SubscribePermits.ToString(CultureInfo.InvariantCulture),
                ["Web:RateLimits:SubscribePerClient:Window"] = "01:00:00",
            });
            var topics = _host.Get<ITopicStore>();
            await topics.UpsertTopicAsync(new Topic("ports", "Velmar port", "velmar") { Description = "Ships, cranes and terminals" }, TestContext.Current.CancellationToken);
            await topics.UpsertTopicAsync(new Topic("trams", "City trams", "tram") { Description = TramsDescription }, TestContext.Current.CancellationToken);
        }

        return _host;
    }

    public async ValueTask DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
    }
}

/// <summary>
/// Every page and API endpoint end to end through the HTTP functions: only host-shaped envelopes go in
/// (<see cref="EnvelopeVisitor"/>), only the <c>http</c> output binding comes out, and the state is read back
/// from the Azure store the handler uses.
/// </summary>
[Collection(FunctionsAzuriteCollection.Name)]
public sealed class HttpFunctionsFlowTests(FlowHostFixture flow) : IClassFixture<FlowHostFixture>
{
    private const string Site = FlowHostFixture.Site;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<Subscription> StoredAsync(FunctionsTestHost host, string email)
    {
        var store = host.Get<ISubscriptionStore>().ShouldBeOfType<AzureSubscriptionStore>();
        return (await store.FindByEmailAsync(email, Ct)).ShouldNotBeNull($"no subscription for {email} in the Azure store");
    }

    /// <summary>The link of the newest confirmation email to <paramref name="email"/> (absolute, on the public site).</summary>
    private static string ConfirmationLink(FunctionsTestHost host, string email)
    {
        var file = host.OutboxFiles()
            .Where(f => f.StartsWith("confirm-", StringComparison.Ordinal))
            .Select(f => Path.Combine(host.Outbox, f))
            .Where(f => WebTestServer.ReadMail(f).Header("To")!.Contains(email, StringComparison.OrdinalIgnoreCase))
            .MaxBy(File.GetLastWriteTimeUtc)
            .ShouldNotBeNull($"no confirmation email to {email} in the outbox");
        var text = WebTestServer.ReadMail(file).Part("text/plain").Text();
        var start = text.IndexOf(Site + "/confirm?token=", StringComparison.Ordinal);
        start.ShouldBeGreaterThanOrEqualTo(0, "the link points at Site:PublicBaseUrl");
        var end = text.IndexOfAny([' ', '\r', '\n'], start);
        return end < 0 ? text[start..] : text[start..end];
    }

    [Fact]
    public async Task AVisitorSubscribesConfirmsManagesUnsubscribesAndResubscribesThroughThePageFunctions()
    {
        var host = await flow.HostAsync();
        var visitor = new EnvelopeVisitor(host, Site, "203.0.113.11");
        const string email = "pages-reader@example.org";

        var home = await visitor.GetAsync("/");
        var form = home.Page(200);
        home.Header("Cache-Control")!.ShouldContain("no-store");
        var cookie = home.Header("Set-Cookie")!;
        cookie.ShouldStartWith(CsrfProtection.CookieName + "=");
        cookie.ShouldContain("httponly", Case.Insensitive);
        cookie.ShouldContain("samesite=strict", Case.Insensitive);
        cookie.ShouldContain("secure", Case.Insensitive);
        visitor.Cookie(CsrfProtection.CookieName).ShouldNotBeNullOrEmpty();
        form.ShouldContain(FlowHostFixture.TramsDescription);

        var subscribed = await visitor.PostFormAsync("/", [new("csrf", PageClient.CsrfField(form)), .. PageClient.SubscribeFields(email, ["ports"])]);
        subscribed.StatusCode.ShouldBe(303, subscribed.Body);
        subscribed.Header("Location").ShouldBe("/check-email");
        (await visitor.GetAsync("/check-email")).Page(200).ShouldContain("Check your email");
        (await StoredAsync(host, email)).State.ShouldBe(SubscriptionState.Pending);

        // The emailed link, opened as the host would receive it: only a button until it is pressed.
        var confirmLink = new Uri(ConfirmationLink(host, email));
        var confirmPage = (await visitor.GetAsync(confirmLink.PathAndQuery)).Page(200);
        confirmPage.ShouldContain("<form method=\"post\" action=\"/confirm\">");
        (await StoredAsync(host, email)).State.ShouldBe(SubscriptionState.Pending);
        var confirmed = (await visitor.PostFormAsync("/confirm", [new("csrf", PageClient.CsrfField(confirmPage)), new("token", PageClient.TokenOf(confirmLink.Query))])).Page(200);
        confirmed.ShouldContain("You are subscribed");
        (await StoredAsync(host, email)).State.ShouldBe(SubscriptionState.Active);

        var manageLink = EnvelopeVisitor.Link(confirmed, "/manage?token=");
        var manageToken = PageClient.TokenOf(manageLink);
        var managePage = (await visitor.GetAsync(manageLink)).Page(200);
        var saved = (await visitor.PostFormAsync("/manage",
        [
            new("csrf", PageClient.CsrfField(managePage)), new("token", manageToken),
            .. PageClient.SubscribeFields("ignored@example.org", ["ports", "trams"], frequency: "weekly", hour: "18", weekday: "sunday", zone: "Asia/Tokyo"),
        ])).Page(200);
        saved.ShouldContain("Your changes are saved.");
        var stored = await StoredAsync(host, email);
        (stored.Frequency, stored.Hour, stored.DayOfWeek, stored.TimeZone).ShouldBe((DigestFrequency.Weekly, 18, DayOfWeek.Sunday, "Asia/Tokyo"));
        stored.Topics.ShouldBe(["ports", "trams"], ignoreOrder: true);

        var paused = (await visitor.PostFormAsync("/manage/pause", [new("csrf", PageClient.CsrfField(saved)), new("token", manageToken)])).Page(200);
        paused.ShouldContain("Resume digests");
        (await StoredAsync(host, email)).State.ShouldBe(SubscriptionState.Paused);
        var resumed = (await visitor.PostFormAsync("/manage/resume", [new("csrf", PageClient.CsrfField(paused)), new("token", manageToken)])).Page(200);
        resumed.ShouldContain("Pause digests");
        (await StoredAsync(host, email)).State.ShouldBe(SubscriptionState.Active);

        var unsubscribeLink = EnvelopeVisitor.Link(resumed, "/unsubscribe?token=");
        var unsubscribePage = (await visitor.GetAsync(unsubscribeLink)).Page(200);
        unsubscribePage.ShouldContain("<form method=\"post\" action=\"/unsubscribe\">");
        (await StoredAsync(host, email)).State.ShouldBe(SubscriptionState.Active);
        var unsubscribeToken = PageClient.TokenOf(unsubscribeLink);
        var unsubscribed = (await visitor.PostFormAsync("/unsubscribe", [new("csrf", PageClient.CsrfField(unsubscribePage)), new("token", unsubscribeToken)])).Page(200);
        unsubscribed.ShouldContain("You are unsubscribed");
        (await StoredAsync(host, email)).State.ShouldBe(SubscriptionState.Unsubscribed);

        var resubscribed = await visitor.PostFormAsync("/resubscribe", [new("csrf", PageClient.CsrfField(unsubscribed)), new("token", unsubscribeToken)]);
        resubscribed.StatusCode.ShouldBe(303, resubscribed.Body);
        resubscribed.Header("Location").ShouldBe("/check-email");
        var again = await StoredAsync(host, email);
        again.State.ShouldBe(SubscriptionState.Pending);
        host.OutboxFiles().ShouldContain($"confirm-{again.Id}-{again.CreatedAt.ToUnixTimeSeconds()}.eml");
    }

    [Fact]
    public async Task AClientUsesTheWholePublicApiThroughTheApiFunction()
    {
        var host = await flow.HostAsync();
        var client = new EnvelopeVisitor(host, Site, "203.0.113.21");
        const string email = "api-reader@example.org";

        var health = await client.GetAsync("/api/v1/health");
        health.StatusCode.ShouldBe(200, health.Body);
        health.Json()["status"]!.GetValue<string>().ShouldBe("ok");

        var topics = await client.GetAsync("/api/v1/topics");
        topics.StatusCode.ShouldBe(200);
        topics.Header("Content-Type")!.ShouldStartWith("application/json");
        var listed = JsonNode.Parse(topics.Body)!.AsArray();
        listed.Select(t => t!["id"]!.GetValue<string>()).ShouldBe(["trams", "ports"]);
        listed[1]!["description"]!.GetValue<string>().ShouldBe("Ships, cranes and terminals");
        listed[0]!["description"]!.GetValue<string>().ShouldBe(FlowHostFixture.TramsDescription);

        var accepted = await client.SendJsonAsync("POST", "/api/v1/subscriptions", ApiTestExtensions.SubscribeBody(email, "ports"));
        accepted.StatusCode.ShouldBe(202, accepted.Body);
        accepted.Json()["status"]!.GetValue<string>().ShouldBe("accepted");
        (await StoredAsync(host, email)).State.ShouldBe(SubscriptionState.Pending);

        var confirmToken = PageClient.TokenOf(new Uri(ConfirmationLink(host, email)).Query);
        var confirmed = await client.SendJsonAsync("POST", "/api/v1/subscriptions/confirm", new JsonObject { ["token"] = confirmToken });
        confirmed.StatusCode.ShouldBe(200, confirmed.Body);
        var confirmation = confirmed.Json();
        confirmation["subscription"]!["state"]!.GetValue<string>().ShouldBe("active");
        confirmation["manageUrl"]!.GetValue<string>().ShouldStartWith(Site + "/manage?token=");
        var manageToken = confirmation["manageToken"]!.GetValue<string>();
        (await StoredAsync(host, email)).State.ShouldBe(SubscriptionState.Active);

        var byBearer = await client.SendJsonAsync("GET", "/api/v1/subscription", null, bearer: manageToken);
        byBearer.StatusCode.ShouldBe(200, byBearer.Body);
        byBearer.Json()["email"]!.GetValue<string>().ShouldBe(email);
        var byQuery = await client.GetAsync("/api/v1/subscription?token=" + Uri.EscapeDataString(manageToken));
        byQuery.StatusCode.ShouldBe(200, byQuery.Body);
        byQuery.Json()["topics"]![0]!["name"]!.GetValue<string>().ShouldBe("Velmar port");

        var preferences = new JsonObject
        {
            ["topics"] = new JsonArray("ports", "trams"),
            ["frequency"] = "weekly",
            ["hour"] = 18,
            ["dayOfWeek"] = "Friday",
            ["timeZone"] = "America/New_York",
        };
        var updated = await client.SendJsonAsync("PUT", "/api/v1/subscription", preferences, bearer: manageToken);
        updated.StatusCode.ShouldBe(200, updated.Body);
        var stored = await StoredAsync(host, email);
        (stored.Frequency, stored.DayOfWeek, stored.Hour, stored.TimeZone).ShouldBe((DigestFrequency.Weekly, DayOfWeek.Friday, 18, "America/New_York"));

        var paused = await client.SendJsonAsync("POST", "/api/v1/subscription/pause", null, bearer: manageToken);
        paused.Json()["subscription"]!["state"]!.GetValue<string>().ShouldBe("paused");
        (await StoredAsync(host, email)).State.ShouldBe(SubscriptionState.Paused);
        var resumed = await client.SendJsonAsync("POST", "/api/v1/subscription/resume", null, bearer: manageToken);
        resumed.Json()["subscription"]!["state"]!.GetValue<string>().ShouldBe("active");
        (await StoredAsync(host, email)).State.ShouldBe(SubscriptionState.Active);

        // RFC 8058 as a mail provider posts it: no cookie, the one-click form body, the token in the query.
        var unsubscribeToken = await host.Get<SubscriptionLinks>().UnsubscribeTokenAsync(stored.Id, Ct);
        var provider = new EnvelopeVisitor(host, Site, "198.51.100.21");
        for (var attempt = 0; attempt < 2; attempt++)
        {
            var oneClick = await provider.SendAsync("POST", "/api/v1/unsubscribe?token=" + Uri.EscapeDataString(unsubscribeToken), "List-Unsubscribe=One-Click",
                new Dictionary<string, string> { ["Content-Type"] = "application/x-www-form-urlencoded" }, withCookies: false);
            oneClick.StatusCode.ShouldBe(200, oneClick.Body);
            oneClick.Header("Location").ShouldBeNull();
            oneClick.Header("Set-Cookie").ShouldBeNull();
            oneClick.Json()["status"]!.GetValue<string>().ShouldBe("unsubscribed");
        }

        (await StoredAsync(host, email)).State.ShouldBe(SubscriptionState.Unsubscribed);
    }

    [Fact]
    public async Task AdminManagesTopicsAndFeedsThroughTheAdminFunctionAndTheApiFunctionRefusesIt()
    {
        var host = await flow.HostAsync();
        var admin = new EnvelopeVisitor(host, Site, "203.0.113.31");
        var topic = new JsonObject { ["name"] = "Harbour cranes", ["query"] = "crane OR gantry", ["description"] = "Cranes at work" };
        var feed = new JsonObject { ["url"] = "https://news.example.org/cranes.rss", ["title"] = "Crane news" };
        var feedPath = "/api/v1/admin/feeds?url=" + Uri.EscapeDataString("https://news.example.org/cranes.rss");

        // The same requests through the public function: the host checked no key there.
        (await admin.SendJsonAsync("GET", "/api/v1/admin/topics", null, function: "Api")).Problem(403);
        (await admin.SendJsonAsync("POST", "/api/v1/admin/topics", topic, function: "Api")).Problem(403);
        (await admin.SendJsonAsync("POST", "/api/v1/admin/feeds", feed, function: "Api")).Problem(403);
        (await admin.SendAsync("DELETE", "/api/v1/admin/topics/ports", function: "Api")).Problem(403);
        (await host.Get<ITopicStore>().GetTopicAsync("harbour-cranes", Ct)).ShouldBeNull();

        var added = await admin.SendJsonAsync("POST", "/api/v1/admin/topics", topic);
        added.StatusCode.ShouldBe(201, added.Body);
        added.Header("Location").ShouldBe("/api/v1/admin/topics/harbour-cranes");
        var listed = await admin.GetAsync("/api/v1/admin/topics");
        listed.StatusCode.ShouldBe(200);
        JsonNode.Parse(listed.Body)!.AsArray().Single(t => t!["id"]!.GetValue<string>() == "harbour-cranes")!["query"]!.GetValue<string>().ShouldBe("crane OR gantry");
        var read = await admin.GetAsync("/api/v1/admin/topics/harbour-cranes");
        read.Json()["description"]!.GetValue<string>().ShouldBe("Cranes at work");
        (await admin.GetAsync("/api/v1/topics")).Body.ShouldContain("\"harbour-cranes\"");

        var feedAdded = await admin.SendJsonAsync("POST", "/api/v1/admin/feeds", feed);
        feedAdded.StatusCode.ShouldBe(201, feedAdded.Body);
        var feeds = await admin.GetAsync("/api/v1/admin/feeds");
        feeds.StatusCode.ShouldBe(200);
        JsonNode.Parse(feeds.Body)!.AsArray().ShouldContain(f => f!["title"]!.GetValue<string>() == "Crane news");

        (await admin.SendAsync("DELETE", feedPath)).StatusCode.ShouldBe(204);
        (await admin.SendAsync("DELETE", feedPath)).Problem(404);
        (await admin.SendAsync("DELETE", "/api/v1/admin/topics/harbour-cranes")).StatusCode.ShouldBe(204);
        (await admin.SendAsync("DELETE", "/api/v1/admin/topics/harbour-cranes")).Problem(404);
        (await host.Get<ITopicStore>().GetTopicAsync("harbour-cranes", Ct)).ShouldBeNull();
    }

    [Fact]
    public async Task BadJsonIsAProblem400AndAnOversizedBodyA413ThroughTheEnvelope()
    {
        var host = await flow.HostAsync();
        var client = new EnvelopeVisitor(host, Site, "203.0.113.41");

        var malformed = await client.SendAsync("POST", "/api/v1/subscriptions", "{\"email\": \"reader@example.org\", \"topics\": [",
            new Dictionary<string, string> { ["Content-Type"] = "application/json" });
        malformed.Problem(400)["type"]!.GetValue<string>().ShouldBe("urn:alerts:problem:malformed-json");

        var huge = ApiTestExtensions.SubscribeBody("big@example.org", "ports");
        huge["padding"] = new string('x', 40_000);
        (await client.SendJsonAsync("POST", "/api/v1/subscriptions", huge)).Problem(413);

        var form = PageClient.CsrfField((await client.GetAsync("/")).Page(200));
        var oversizedForm = await client.PostFormAsync("/", [new("csrf", form), new("email", new string('a', 100_000))]);
        oversizedForm.Page(400).ShouldContain("too large or malformed");
        (await host.Get<ISubscriptionStore>().FindByEmailAsync("big@example.org", Ct)).ShouldBeNull();
    }

    [Fact]
    public async Task OverTheSubscribeLimitTheApiAndThePagesAnswer429WithRetryAfter()
    {
        var host = await flow.HostAsync();
        var client = new EnvelopeVisitor(host, Site, "203.0.113.51");
        for (var i = 0; i < FlowHostFixture.SubscribePermits; i++)
        {
            var accepted = await client.SendJsonAsync("POST", "/api/v1/subscriptions", ApiTestExtensions.SubscribeBody($"limit{i}@example.org", "ports"));
            accepted.StatusCode.ShouldBe(202, accepted.Body);
        }

        var refused = await client.SendJsonAsync("POST", "/api/v1/subscriptions", ApiTestExtensions.SubscribeBody("limit-api@example.org", "ports"));
        refused.Problem(429)["type"]!.GetValue<string>().ShouldBe("urn:alerts:problem:too-many-requests");
        int.Parse(refused.Header("Retry-After")!, CultureInfo.InvariantCulture).ShouldBeInRange(1, 3600);

        var form = PageClient.CsrfField((await client.GetAsync("/")).Page(200));
        var page = await client.PostFormAsync("/", [new("csrf", form), .. PageClient.SubscribeFields("limit-page@example.org", ["ports"])]);
        page.Page(429).ShouldContain("Please wait a moment");
        int.Parse(page.Header("Retry-After")!, CultureInfo.InvariantCulture).ShouldBeInRange(1, 3600);
        (await host.Get<ISubscriptionStore>().FindByEmailAsync("limit-api@example.org", Ct)).ShouldBeNull();
        (await host.Get<ISubscriptionStore>().FindByEmailAsync("limit-page@example.org", Ct)).ShouldBeNull();

        // Another client is not affected: the limit keys on the forwarded address, not the host's.
        var other = new EnvelopeVisitor(host, Site, "203.0.113.52");
        (await other.SendJsonAsync("POST", "/api/v1/subscriptions", ApiTestExtensions.SubscribeBody("limit-other@example.org", "ports"))).StatusCode.ShouldBe(202);
    }

    [Fact]
    public async Task AFormPostThatFailsTheCsrfCheckAnswersTheErrorPage()
    {
        var host = await flow.HostAsync();
        var visitor = new EnvelopeVisitor(host, Site, "203.0.113.61");
        var field = PageClient.CsrfField((await visitor.GetAsync("/")).Page(200));
        var fields = PageClient.SubscribeFields("csrf-reader@example.org", ["ports"]);

        var otherSite = await visitor.PostFormAsync("/", [new("csrf", field), .. fields], origin: "https://evil.example");
        otherSite.Page(400).ShouldContain("The form could not be sent");

        // A stranger replaying the field without the visitor's cookie.
        var stranger = new EnvelopeVisitor(host, Site, "203.0.113.62");
        (await stranger.PostFormAsync("/", [new("csrf", field), .. fields])).Page(400).ShouldContain("The form could not be sent");

        var forged = await visitor.PostFormAsync("/", [new("csrf", (field[0] == 'A' ? "B" : "A") + field[1..]), .. fields]);
        forged.Page(400).ShouldContain("The form could not be sent");
        (await host.Get<ISubscriptionStore>().FindByEmailAsync("csrf-reader@example.org", Ct)).ShouldBeNull();
    }

    [Fact]
    public async Task WhenTheHostSeesHttpBehindTheFrontEndsTlsTheFormsStillWorkAndTheCookieStaysSecure()
    {
        var host = await flow.HostAsync();
        var visitor = new EnvelopeVisitor(host, Site, "203.0.113.66", hostBase: "http://" + new Uri(Site).Authority);
        const string email = "plain-host@example.org";

        var home = await visitor.GetAsync("/");
        var field = PageClient.CsrfField(home.Page(200));
        home.Header("Set-Cookie")!.ShouldContain("secure", Case.Insensitive);
        var subscribed = await visitor.PostFormAsync("/", [new("csrf", field), .. PageClient.SubscribeFields(email, ["trams"])]);

        subscribed.StatusCode.ShouldBe(303, subscribed.Body);
        subscribed.Header("Location").ShouldBe("/check-email");
        (await StoredAsync(host, email)).State.ShouldBe(SubscriptionState.Pending);
        ConfirmationLink(host, email).ShouldStartWith(Site + "/confirm?token=", customMessage: "links follow Site:PublicBaseUrl, not the host's Url");
    }

    [Theory]
    [InlineData("/alerts.css", "text/css", "alerts.css")]
    [InlineData("/alerts.js", "text/javascript", "alerts.js")]
    public async Task TheAssetsComeBackWholeWithAnETagAndRevalidateTo304(string path, string mediaType, string file)
    {
        var host = await flow.HostAsync();
        var visitor = new EnvelopeVisitor(host, Site, "203.0.113.71");

        var first = await visitor.GetAsync(path);
        var second = await visitor.GetAsync(path, new Dictionary<string, string> { ["If-None-Match"] = first.Header("ETag")! });

        first.StatusCode.ShouldBe(200);
        first.Header("Content-Type")!.ShouldStartWith(mediaType);
        first.Header("Cache-Control")!.ShouldContain("max-age=86400");
        var source = await File.ReadAllTextAsync(Path.Combine(TestEnvironment.RepositoryRoot, "src", "Alerts.Web", "Pages", "Assets", file), Ct);
        first.Body.ShouldBe(source.TrimStart('\uFEFF'));
        second.StatusCode.ShouldBe(304);
        second.Body.ShouldBeEmpty();
    }
}
