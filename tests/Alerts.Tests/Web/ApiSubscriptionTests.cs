using System.Net;
using System.Text.Json.Nodes;
using Alerts.Core.Subscriptions;
using Alerts.Pipeline.Subscriptions;

namespace Alerts.Tests.Web;

/// <summary>The public endpoints' happy paths over real HTTP: topics, subscribe, confirm, manage, one-click unsubscribe.</summary>
public sealed class ApiSubscriptionTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TopicsListsIdsNamesAndDescriptionsWithoutQueries()
    {
        await using var server = await WebTestServer.StartAsync();
        await server.AddTopicAsync("ports", "Velmar port", "Ships, cranes and terminals");
        await server.AddTopicAsync("trams", "City trams");

        using var response = await server.Client.GetAsync("api/v1/topics", Ct);
        var topics = JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!.AsArray();

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/json");
        topics.Select(t => t!["id"]!.GetValue<string>()).ShouldBe(["trams", "ports"]);
        topics[1]!["description"]!.GetValue<string>().ShouldBe("Ships, cranes and terminals");
        topics[1]!.AsObject().ContainsKey("query").ShouldBeFalse();
    }

    [Fact]
    public async Task ScriptInATopicNameComesBackAsInertJson()
    {
        await using var server = await WebTestServer.StartAsync();
        await server.AddTopicAsync("xss", "<script>alert('x')</script> & <img src=x onerror=alert(1)>");

        using var response = await server.Client.GetAsync("api/v1/topics", Ct);
        var raw = await response.Content.ReadAsStringAsync(Ct);

        raw.ShouldNotContain("<");
        raw.ShouldNotContain(">");
        JsonNode.Parse(raw)![0]!["name"]!.GetValue<string>().ShouldBe("<script>alert('x')</script> & <img src=x onerror=alert(1)>");
    }

    [Fact]
    public async Task ASubscriptionGoesFromSubscribeToConfirmToManageToOneClickUnsubscribe()
    {
        await using var server = await WebTestServer.StartAsync();
        await server.AddTopicAsync("ports", "Velmar port");
        await server.AddTopicAsync("trams", "City trams");
        var manage = server.Get<ManageSubscriptions>();

        using var subscribed = await server.Client.PostJsonAsync("api/v1/subscriptions", ApiTestExtensions.SubscribeBody("Reader@Example.org", "ports"));
        subscribed.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        (await manage.FindAsync("reader@example.org", Ct))!.State.ShouldBe(SubscriptionState.Pending);

        using var confirmed = await server.Client.PostJsonAsync("api/v1/subscriptions/confirm", new JsonObject { ["token"] = server.ConfirmToken() });
        var confirmation = await confirmed.JsonAsync();
        confirmed.StatusCode.ShouldBe(HttpStatusCode.OK);
        confirmation["subscription"]!["state"]!.GetValue<string>().ShouldBe("active");
        confirmation["manageUrl"]!.GetValue<string>().ShouldStartWith(server.BaseAddress.AbsoluteUri + "manage?token=");
        var manageToken = confirmation["manageToken"]!.GetValue<string>();

        using var shown = await server.Client.GetAsync("api/v1/subscription?token=" + Uri.EscapeDataString(manageToken), Ct);
        var view = await shown.JsonAsync();
        view["email"]!.GetValue<string>().ShouldBe("Reader@example.org");
        view["topics"]![0]!["name"]!.GetValue<string>().ShouldBe("Velmar port");
        (view["frequency"]!.GetValue<string>(), view["hour"]!.GetValue<int>(), view["timeZone"]!.GetValue<string>()).ShouldBe(("daily", 7, "Europe/Berlin"));

        var preferences = new JsonObject
        {
            ["topics"] = new JsonArray("ports", "trams"),
            ["frequency"] = "weekly",
            ["hour"] = 18,
            ["dayOfWeek"] = "Friday",
            ["timeZone"] = "America/New_York",
        };
        using var updated = await server.Client.SendJsonAsync(HttpMethod.Put, "api/v1/subscription", preferences.ToJsonString(), bearer: manageToken);
        updated.StatusCode.ShouldBe(HttpStatusCode.OK);
        var stored = await manage.FindAsync("reader@example.org", Ct);
        (stored!.Frequency, stored.DayOfWeek, stored.Hour, stored.TimeZone).ShouldBe((DigestFrequency.Weekly, DayOfWeek.Friday, 18, "America/New_York"));
        stored.Topics.ShouldBe(["ports", "trams"]);

        using var pause = new HttpRequestMessage(HttpMethod.Post, "api/v1/subscription/pause");
        pause.Headers.Authorization = new("Bearer", manageToken);
        using var paused = await server.Client.SendAsync(pause, Ct);
        (await paused.JsonAsync())["subscription"]!["state"]!.GetValue<string>().ShouldBe("paused");
        using var resume = new HttpRequestMessage(HttpMethod.Post, "api/v1/subscription/resume");
        resume.Headers.Authorization = new("Bearer", manageToken);
        using var resumed = await server.Client.SendAsync(resume, Ct);
        (await resumed.JsonAsync())["subscription"]!["state"]!.GetValue<string>().ShouldBe("active");

        // One-click as a mail provider sends it: a fresh client without cookies, the RFC 8058 form body.
        var unsubscribeToken = await server.Get<SubscriptionLinks>().UnsubscribeTokenAsync(stored.Id, Ct);
        using var provider = server.CreateClient(useCookies: false);
        for (var attempt = 0; attempt < 2; attempt++)
        {
            using var form = new FormUrlEncodedContent([new("List-Unsubscribe", "One-Click")]);
            using var unsubscribed = await provider.PostAsync("api/v1/unsubscribe?token=" + Uri.EscapeDataString(unsubscribeToken), form, Ct);
            unsubscribed.StatusCode.ShouldBe(HttpStatusCode.OK);
            unsubscribed.Headers.Location.ShouldBeNull();
            unsubscribed.Headers.Contains("Set-Cookie").ShouldBeFalse();
            (await unsubscribed.JsonAsync())["status"]!.GetValue<string>().ShouldBe("unsubscribed");
        }

        (await manage.FindAsync("reader@example.org", Ct))!.State.ShouldBe(SubscriptionState.Unsubscribed);
    }

    [Fact]
    public async Task SubscribingAnswersTheSameWhetherTheAddressIsNewPendingOrActive()
    {
        await using var server = await WebTestServer.StartAsync();
        await server.AddTopicAsync("ports", "Velmar port");
        var answers = new List<(HttpStatusCode, string)>();

        async Task SubscribeAsync()
        {
            using var response = await server.Client.PostJsonAsync("api/v1/subscriptions", ApiTestExtensions.SubscribeBody("reader@example.org", "ports"));
            answers.Add((response.StatusCode, await response.Content.ReadAsStringAsync(Ct)));
        }

        await SubscribeAsync();
        await SubscribeAsync();
        await server.Get<ManageSubscriptions>().ConfirmAsync(server.ConfirmToken(), Ct);
        await SubscribeAsync();

        answers.Distinct().Count().ShouldBe(1);
        answers[0].Item1.ShouldBe(HttpStatusCode.Accepted);
        answers[0].Item2.ShouldNotContain("reader@example.org");
        server.OutboxFiles().Count.ShouldBe(1);
    }

    [Fact]
    public async Task TheUnsubscribeLinkOpenedInABrowserGoesToThePageInsteadOfUnsubscribing()
    {
        await using var server = await WebTestServer.StartAsync();
        await server.AddTopicAsync("ports", "Velmar port");
        var subscription = await server.Get<ManageSubscriptions>().EnsureOperatorSubscriberAsync(new SubscriptionRequest("reader@example.org", ["ports"]), Ct);
        var token = await server.Get<SubscriptionLinks>().UnsubscribeTokenAsync(subscription.Id, Ct);

        using var response = await server.Client.GetAsync("api/v1/unsubscribe?token=" + Uri.EscapeDataString(token), Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        response.Headers.Location!.OriginalString.ShouldBe("/unsubscribe?token=" + Uri.EscapeDataString(token));
        (await server.Get<ManageSubscriptions>().FindAsync(subscription.Id, Ct))!.State.ShouldBe(SubscriptionState.Active);
    }
}
