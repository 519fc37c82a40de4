using System.Net;
using Alerts.Core.Subscriptions;
using Alerts.Core.Webhooks;
using Alerts.Pipeline.Storage;
using Alerts.Pipeline.Subscriptions;
using Alerts.Web.Pages;
using Alerts.Web.Security;

namespace Alerts.Tests.Web;

/// <summary>The pages over plain HTTP: headers, CSRF, encoding, validation, token links and throttling.</summary>
public sealed class PageTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("/")]
    [InlineData("/check-email")]
    [InlineData("/confirm?token=nonsense")]
    [InlineData("/api/v1/health")]
    [InlineData("/no-such-page")]
    public async Task EveryResponseCarriesTheSecurityHeaders(string path)
    {
        await using var server = await WebTestServer.StartAsync();

        using var response = await server.Client.GetAsync(path, Ct);

        response.Headers.GetValues("Content-Security-Policy").Single().ShouldBe(
            "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
        response.Headers.GetValues("X-Content-Type-Options").Single().ShouldBe("nosniff");
        response.Headers.GetValues("Referrer-Policy").Single().ShouldBe("no-referrer");
    }

    [Theory]
    [InlineData("GET", "/no-such-page", HttpStatusCode.NotFound, "Page not found")]
    [InlineData("GET", "/manage/pause", HttpStatusCode.MethodNotAllowed, "Use the page&#x27;s button")]
    public async Task RoutingMissesAnswerWithAPage(string method, string path, HttpStatusCode status, string title)
    {
        await using var server = await WebTestServer.StartAsync();

        using var response = await server.Client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path), Ct);

        response.StatusCode.ShouldBe(status);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("text/html");
        (await response.Content.ReadAsStringAsync(Ct)).ShouldContain($"<h1>{title}</h1>");
    }

    [Fact]
    public async Task PagesAreNeverStoredAndSetAStrictHttpOnlyCsrfCookie()
    {
        await using var server = await WebTestServer.StartAsync();

        using var response = await server.Client.GetAsync("/", Ct);

        response.Headers.CacheControl!.NoStore.ShouldBeTrue();
        var cookie = response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith(CsrfProtection.CookieName + "=", StringComparison.Ordinal));
        cookie.ShouldContain("httponly", Case.Insensitive);
        cookie.ShouldContain("samesite=strict", Case.Insensitive);
    }

    [Fact]
    public async Task HostileTopicNamesAndDescriptionsAppearOnlyEscaped()
    {
        await using var server = await WebTestServer.StartAsync();
        await server.AddTopicAsync("hostile", "<script>alert('name')</script>", "\"><img src=x onerror=alert(1)> & <b>bold</b>");

        var html = await PageClient.For(server).GetAsync("/");

        html.ShouldNotContain("<script>alert", Case.Insensitive);
        html.ShouldNotContain("<img", Case.Insensitive);
        html.ShouldNotContain("<b>bold", Case.Insensitive);
        html.ShouldContain("&lt;script&gt;alert(&#x27;name&#x27;)&lt;/script&gt;");
        html.ShouldContain("&quot;&gt;&lt;img src=x onerror=alert(1)&gt; &amp; &lt;b&gt;bold&lt;/b&gt;");
        // The only script on the page is our own file.
        html.Split("<script").Length.ShouldBe(2);
        html.ShouldContain($"<script src=\"{StaticAsset.Script.VersionedPath}\" defer></script>");
    }

    [Fact]
    public async Task AHostileEmailComesBackEscapedBesideItsField()
    {
        await using var server = await WebTestServer.StartAsync();
        await server.AddTopicAsync("velmar", "Velmar");
        var pages = PageClient.For(server);

        using var response = await pages.SubmitAsync("/", "/", PageClient.SubscribeFields("\"><script>alert(1)</script>", ["velmar"]));
        var html = await response.Content.ReadAsStringAsync(Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        html.ShouldNotContain("<script>alert", Case.Insensitive);
        html.ShouldContain("value=\"&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;\"");
        html.ShouldContain("id=\"email-error\"");
        server.OutboxFiles().ShouldBeEmpty();
    }

    [Fact]
    public async Task ValidationErrorsSitBesideTheirFieldsAndKeepTheEnteredValues()
    {
        await using var server = await WebTestServer.StartAsync();
        await server.AddTopicAsync("velmar", "Velmar");
        await server.AddTopicAsync("orrin", "Orrin");
        var pages = PageClient.For(server);

        using var response = await pages.SubmitAsync("/", "/", PageClient.SubscribeFields("reader.example.org", [], frequency: "weekly", hour: "30", weekday: "friday", zone: "Europe/Berlin"));
        var html = await response.Content.ReadAsStringAsync(Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        html.ShouldContain("value=\"reader.example.org\"");
        html.ShouldContain("aria-describedby=\"email-hint email-error\"");
        html.ShouldContain("<span class=\"error\" id=\"topics-error\">Choose at least one topic.</span>");
        html.ShouldContain("<span class=\"error\" id=\"hour-error\">");
        html.ShouldContain("value=\"weekly\" aria-describedby=\"frequency-weekly-hint\" checked");
        html.ShouldContain("<option value=\"friday\" selected>");
        html.ShouldContain("<option value=\"Europe/Berlin\" selected>");
        html.ShouldNotContain("id=\"zone-error\"");
        server.OutboxFiles().ShouldBeEmpty();
    }

    [Fact]
    public async Task ATopicRemovedWhileTheFormWasOpenIsReportedBesideTheTopics()
    {
        await using var server = await WebTestServer.StartAsync();
        await server.AddTopicAsync("velmar", "Velmar");
        await server.AddTopicAsync("orrin", "Orrin");
        var pages = PageClient.For(server);
        var field = PageClient.CsrfField(await pages.GetAsync("/"));
        await server.Get<Alerts.Pipeline.Storage.ITopicStore>().RemoveTopicAsync("orrin", Ct);

        using var response = await pages.PostAsync("/", [new("csrf", field), .. PageClient.SubscribeFields("reader@example.org", ["velmar", "orrin"])]);
        var html = await response.Content.ReadAsStringAsync(Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        html.ShouldContain("<span class=\"error\" id=\"topics-error\">There is no topic &#x27;orrin&#x27;.</span>");
        html.ShouldContain("value=\"reader@example.org\"");
        server.OutboxFiles().ShouldBeEmpty();
    }

    [Fact]
    public async Task SubscribingAnswersTheSameWhetherTheAddressIsNewPendingOrActive()
    {
        await using var server = await WebTestServer.StartAsync();
        await server.AddTopicAsync("velmar", "Velmar");
        var pages = PageClient.For(server);

        await pages.SubscribeAsync("new@example.org", "velmar");
        await pages.SubscribeAsync("new@example.org", "velmar");
        await pages.SubscribeAndConfirmAsync("active@example.org", "velmar");
        var mailsBefore = server.OutboxFiles().Count;
        await pages.SubscribeAsync("active@example.org", "velmar");

        server.OutboxFiles().Count.ShouldBe(mailsBefore);
        (await server.Get<ManageSubscriptions>().FindAsync("new@example.org", Ct))!.State.ShouldBe(SubscriptionState.Pending);
    }

    [Fact]
    public async Task APostWithoutTheCsrfCookieIsRefused()
    {
        await using var server = await WebTestServer.StartAsync();
        await server.AddTopicAsync("velmar", "Velmar");
        var field = PageClient.CsrfField(await PageClient.For(server).GetAsync("/"));
        using var cookieless = server.CreateClient(useCookies: false);

        using var response = await new PageClient(server, cookieless).PostAsync("/", [new("csrf", field), .. PageClient.SubscribeFields("reader@example.org", ["velmar"])]);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync(Ct)).ShouldContain("The form could not be sent");
        server.OutboxFiles().ShouldBeEmpty();
    }

    [Fact]
    public async Task ACsrfFieldFromAnotherVisitorsCookieIsRefused()
    {
        await using var server = await WebTestServer.StartAsync();
        await server.AddTopicAsync("velmar", "Velmar");
        using var otherClient = server.CreateClient();
        var othersField = PageClient.CsrfField(await new PageClient(server, otherClient).GetAsync("/"));
        var pages = PageClient.For(server);
        await pages.GetAsync("/");

        using var response = await pages.PostAsync("/", [new("csrf", othersField), .. PageClient.SubscribeFields("reader@example.org", ["velmar"])]);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        server.OutboxFiles().ShouldBeEmpty();
    }

    [Theory]
    [InlineData("http://evil.example", HttpStatusCode.BadRequest)]
    [InlineData("null", HttpStatusCode.SeeOther)]
    public async Task APostFromAnotherOriginIsRefused(string origin, HttpStatusCode expected)
    {
        await using var server = await WebTestServer.StartAsync();
        await server.AddTopicAsync("velmar", "Velmar");
        var pages = PageClient.For(server);
        var field = PageClient.CsrfField(await pages.GetAsync("/"));

        using var response = await pages.PostAsync("/", [new("csrf", field), .. PageClient.SubscribeFields("reader@example.org", ["velmar"])], origin);

        response.StatusCode.ShouldBe(expected);
    }

    [Fact]
    public async Task APostMarkedCrossSiteByTheBrowserIsRefused()
    {
        await using var server = await WebTestServer.StartAsync();
        await server.AddTopicAsync("velmar", "Velmar");
        var pages = PageClient.For(server);
        var field = PageClient.CsrfField(await pages.GetAsync("/"));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/")
        {
            Content = new FormUrlEncodedContent([new("csrf", field), .. PageClient.SubscribeFields("reader@example.org", ["velmar"])]),
        };
        request.Headers.Add("Sec-Fetch-Site", "cross-site");

        using var response = await pages.Http.SendAsync(request, Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    [Theory]
    [InlineData("/confirm?token=nonsense", "This confirmation link is not valid")]
    [InlineData("/confirm", "This confirmation link is not valid")]
    [InlineData("/unsubscribe?token=v1.store.AAAA.BBBB", "This unsubscribe link is not valid")]
    [InlineData("/manage?token=nonsense", "This manage link is not valid")]
    public async Task AnInvalidLinkAnswers400AndSaysWhatToDoNext(string path, string title)
    {
        await using var server = await WebTestServer.StartAsync();

        var html = await PageClient.For(server).GetAsync(path, HttpStatusCode.BadRequest);

        html.ShouldContain($"<h1>{title}</h1>");
        html.ShouldContain("<a href=\"/\">Go to the subscription page</a>");
    }

    [Fact]
    public async Task ALinkForAnotherPurposeIsRefusedAsSuch()
    {
        await using var server = await WebTestServer.StartAsync();
        await server.AddTopicAsync("velmar", "Velmar");
        var subscription = await PageClient.For(server).SubscribeAndConfirmAsync("reader@example.org", "velmar");
        var unsubscribeToken = await server.Get<SubscriptionLinks>().UnsubscribeTokenAsync(subscription.Id, Ct);

        var html = await PageClient.For(server).GetAsync("/confirm?token=" + Uri.EscapeDataString(unsubscribeToken), HttpStatusCode.BadRequest);

        html.ShouldContain("This is not a confirmation link");
    }

    [Fact]
    public async Task OpeningTheConfirmationLinkChangesNothingUntilTheButtonIsPressed()
    {
        await using var server = await WebTestServer.StartAsync();
        await server.AddTopicAsync("velmar", "Velmar");
        var pages = PageClient.For(server);
        await pages.SubscribeAsync("reader@example.org", "velmar");

        using var response = await pages.Http.GetAsync(pages.ConfirmationLink("reader@example.org"), Ct);
        var html = await response.Content.ReadAsStringAsync(Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Headers.CacheControl!.NoStore.ShouldBeTrue();
        html.ShouldContain("<form method=\"post\" action=\"/confirm\">");
        (await server.Get<ManageSubscriptions>().FindAsync("reader@example.org", Ct))!.State.ShouldBe(SubscriptionState.Pending);
    }

    [Fact]
    public async Task OpeningTheUnsubscribeLinkChangesNothingUntilTheButtonIsPressed()
    {
        await using var server = await WebTestServer.StartAsync();
        await server.AddTopicAsync("velmar", "Velmar");
        var pages = PageClient.For(server);
        var subscription = await pages.SubscribeAndConfirmAsync("reader@example.org", "velmar");
        var token = await server.Get<SubscriptionLinks>().UnsubscribeTokenAsync(subscription.Id, Ct);
        var link = "/unsubscribe?token=" + Uri.EscapeDataString(token);

        var html = await pages.GetAsync(link);
        (await server.Get<ManageSubscriptions>().FindAsync("reader@example.org", Ct))!.State.ShouldBe(SubscriptionState.Active);
        html.ShouldContain("<form method=\"post\" action=\"/unsubscribe\">");

        using var response = await pages.SubmitAsync(link, "/unsubscribe", [new("token", token)]);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await server.Get<ManageSubscriptions>().FindAsync("reader@example.org", Ct))!.State.ShouldBe(SubscriptionState.Unsubscribed);
    }

    [Fact]
    public async Task AConfirmationLinkFromBeforeAnUnsubscribeAnswers404()
    {
        await using var server = await WebTestServer.StartAsync();
        await server.AddTopicAsync("velmar", "Velmar");
        var pages = PageClient.For(server);
        await pages.SubscribeAsync("reader@example.org", "velmar");
        var link = pages.ConfirmationLink("reader@example.org");
        var token = PageClient.TokenOf(link);
        await server.Get<ManageSubscriptions>().UnsubscribeAsync("reader@example.org", Ct);

        using var response = await pages.SubmitAsync(link, "/confirm", [new("token", token)]);

        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await response.Content.ReadAsStringAsync(Ct)).ShouldContain("Subscribe again");
    }

    [Fact]
    public async Task TooManySubscribeRequestsAnswer429WithRetryAfter()
    {
        await using var server = await WebTestServer.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Web:RateLimits:SubscribePerClient:Permits"] = "2",
            ["Web:RateLimits:SubscribePerClient:Window"] = "00:10:00",
        });
        await server.AddTopicAsync("velmar", "Velmar");
        var pages = PageClient.For(server);
        await pages.SubscribeAsync("one@example.org", "velmar");
        await pages.SubscribeAsync("two@example.org", "velmar");

        using var response = await pages.SubmitAsync("/", "/", PageClient.SubscribeFields("three@example.org", ["velmar"]));

        response.StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
        var retryAfter = response.Headers.RetryAfter!.Delta!.Value;
        retryAfter.ShouldBeGreaterThan(TimeSpan.Zero);
        retryAfter.ShouldBeLessThanOrEqualTo(TimeSpan.FromMinutes(10));
        (await response.Content.ReadAsStringAsync(Ct)).ShouldContain("Please wait a moment");
        (await server.Get<ManageSubscriptions>().FindAsync("three@example.org", Ct)).ShouldBeNull();
    }

    [Fact]
    public async Task TheManageFormSavesAndShowsWhatWasSaved()
    {
        await using var server = await WebTestServer.StartAsync();
        await server.AddTopicAsync("velmar", "Velmar");
        await server.AddTopicAsync("orrin", "Orrin");
        var pages = PageClient.For(server);
        var subscription = await pages.SubscribeAndConfirmAsync("reader@example.org", "velmar");
        var token = await server.Get<SubscriptionLinks>().ManageTokenAsync(subscription.Id, Ct);
        var link = "/manage?token=" + Uri.EscapeDataString(token);

        using var response = await pages.SubmitAsync(link, "/manage",
            [new("token", token), .. PageClient.SubscribeFields("ignored@example.org", ["orrin", "velmar"], frequency: "weekly", hour: "18", weekday: "sunday", zone: "Asia/Tokyo")]);
        var html = await response.Content.ReadAsStringAsync(Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.OK, html);
        html.ShouldContain("Your changes are saved.");
        html.ShouldContain("Weekly on Sunday at 18:00 (Asia/Tokyo)");
        var saved = (await server.Get<ManageSubscriptions>().FindAsync("reader@example.org", Ct))!;
        saved.Topics.ShouldBe(["orrin", "velmar"], ignoreOrder: true);
        (saved.Frequency, saved.Hour, saved.DayOfWeek, saved.TimeZone).ShouldBe((DigestFrequency.Weekly, 18, DayOfWeek.Sunday, "Asia/Tokyo"));
        (await server.Get<ManageSubscriptions>().FindAsync("ignored@example.org", Ct)).ShouldBeNull();
    }

    [Fact]
    public async Task TheManagePagePausesAndResumes()
    {
        await using var server = await WebTestServer.StartAsync();
        await server.AddTopicAsync("velmar", "Velmar");
        var pages = PageClient.For(server);
        var subscription = await pages.SubscribeAndConfirmAsync("reader@example.org", "velmar");
        var token = await server.Get<SubscriptionLinks>().ManageTokenAsync(subscription.Id, Ct);
        var link = "/manage?token=" + Uri.EscapeDataString(token);

        using (var paused = await pages.SubmitAsync(link, "/manage/pause", [new("token", token)]))
        {
            paused.StatusCode.ShouldBe(HttpStatusCode.OK);
            (await paused.Content.ReadAsStringAsync(Ct)).ShouldContain("Resume digests");
        }

        (await server.Get<ManageSubscriptions>().FindAsync("reader@example.org", Ct))!.State.ShouldBe(SubscriptionState.Paused);

        using (var resumed = await pages.SubmitAsync(link, "/manage/resume", [new("token", token)]))
        {
            resumed.StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        (await server.Get<ManageSubscriptions>().FindAsync("reader@example.org", Ct))!.State.ShouldBe(SubscriptionState.Active);
    }

    [Fact]
    public async Task TheManagePageSaysDigestsGoToTheWebhookWhenOneIsChosen()
    {
        await using var server = await WebTestServer.StartAsync();
        await server.AddTopicAsync("velmar", "Velmar");
        var pages = PageClient.For(server);
        var subscription = await pages.SubscribeAndConfirmAsync("reader@example.org", "velmar");
        var token = await server.Get<SubscriptionLinks>().ManageTokenAsync(subscription.Id, Ct);
        var link = "/manage?token=" + Uri.EscapeDataString(token);
        (await pages.GetAsync(link)).ShouldContain("""<p id="channel-state">Digests go to <strong>reader@example.org</strong>.</p>""");
        var channels = server.Get<IChannelStore>();
        await channels.SaveAsync(new DeliveryChannel
        {
            SubscriptionId = subscription.Id,
            Kind = ChannelKind.Slack,
            Url = new Uri("https://hooks.slack.com/services/T000/B000/secretpart"),
            UpdatedAt = DateTimeOffset.UtcNow,
        }, Ct);

        var html = await pages.GetAsync(link);

        html.ShouldContain("""<p id="channel-state">Digests go to your <strong>Slack webhook</strong> at https://hooks.slack.com/.</p>""");
        html.ShouldNotContain("Digests go to <strong>reader@example.org</strong>");
        html.ShouldNotContain("secretpart");
        html.Split("Digests go to").Length.ShouldBe(2, "the line is said once, not again in the channel section");
        using (var paused = await pages.SubmitAsync(link, "/manage/pause", [new("token", token)]))
        {
            (await paused.Content.ReadAsStringAsync(Ct)).ShouldContain(
                """<p id="channel-state">Digests to your <strong>Slack webhook</strong> at https://hooks.slack.com/ are <strong>paused</strong>.</p>""");
        }

        await channels.DisableAsync(subscription.Id, DateTimeOffset.UtcNow, Ct);
        var disabled = await pages.GetAsync(link);
        disabled.ShouldContain("""<p id="channel-state">Digests to <strong>reader@example.org</strong> are <strong>paused</strong>.</p>""", customMessage: "a turned-off webhook sends digests to the email again");
        disabled.ShouldContain("id=\"channel-disabled\"");
    }

    [Fact]
    public async Task ResubscribingFromTheUnsubscribedPageStartsANewDoubleOptIn()
    {
        var clock = new ManualTimeProvider(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));
        await using var server = await WebTestServer.StartAsync(clock);
        await server.AddTopicAsync("velmar", "Velmar");
        var pages = PageClient.For(server);
        var subscription = await pages.SubscribeAndConfirmAsync("reader@example.org", "velmar");
        var token = await server.Get<SubscriptionLinks>().UnsubscribeTokenAsync(subscription.Id, Ct);
        using var unsubscribed = await pages.SubmitAsync("/unsubscribe?token=" + Uri.EscapeDataString(token), "/unsubscribe", [new("token", token)]);
        var html = await unsubscribed.Content.ReadAsStringAsync(Ct);
        var mailsBefore = server.OutboxFiles().Count;
        clock.Advance(TimeSpan.FromMinutes(1));

        using var response = await pages.PostAsync("/resubscribe", [new("csrf", PageClient.CsrfField(html)), new("token", token)]);

        response.StatusCode.ShouldBe(HttpStatusCode.SeeOther);
        response.Headers.Location!.OriginalString.ShouldBe("/check-email");
        server.OutboxFiles().Count.ShouldBe(mailsBefore + 1);
        (await server.Get<ManageSubscriptions>().FindAsync("reader@example.org", Ct))!.State.ShouldBe(SubscriptionState.Pending);
    }

    [Theory]
    [InlineData("/alerts.css", "text/css")]
    [InlineData("/alerts.js", "text/javascript")]
    public async Task TheAssetsAreCachedWithAnETagAndRevalidateTo304(string path, string mediaType)
    {
        await using var server = await WebTestServer.StartAsync();

        using var first = await server.Client.GetAsync(path, Ct);
        using var again = new HttpRequestMessage(HttpMethod.Get, path);
        again.Headers.IfNoneMatch.Add(first.Headers.ETag!);
        using var second = await server.Client.SendAsync(again, Ct);

        first.StatusCode.ShouldBe(HttpStatusCode.OK);
        first.Content.Headers.ContentType!.MediaType.ShouldBe(mediaType);
        first.Headers.CacheControl!.MaxAge.ShouldBe(TimeSpan.FromDays(1));
        second.StatusCode.ShouldBe(HttpStatusCode.NotModified);
    }

    [Fact]
    public async Task AnOversizedFormIsRefusedBeforeItIsRead()
    {
        await using var server = await WebTestServer.StartAsync();
        var pages = PageClient.For(server);
        var field = PageClient.CsrfField(await pages.GetAsync("/"));

        using var response = await pages.PostAsync("/", [new("csrf", field), new("email", new string('a', 100_000))]);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync(Ct)).ShouldContain("too large or malformed");
    }
}
