using System.Net;
using System.Text.Json.Nodes;
using Alerts.Core.Webhooks;
using Alerts.Pipeline.Storage;
using Alerts.Pipeline.Subscriptions;

namespace Alerts.Tests.Web;

/// <summary>GET and PUT /api/v1/subscription/channel over real HTTP.</summary>
public sealed class ChannelApiTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<(WebTestServer Server, string SubscriptionId, string Token)> StartAsync()
    {
        var server = await WebTestServer.StartAsync();
        await server.AddTopicAsync("velmar", "Velmar harbour");
        var subscription = await PageClient.For(server).SubscribeAndConfirmAsync("reader@example.org", "velmar");
        return (server, subscription.Id, await server.Get<SubscriptionLinks>().ManageTokenAsync(subscription.Id, Ct));
    }

    private static Task<HttpResponseMessage> PutAsync(WebTestServer server, string token, JsonObject body) =>
        server.Client.SendJsonAsync(HttpMethod.Put, "api/v1/subscription/channel", body.ToJsonString(), bearer: token);

    [Fact]
    public async Task TheSigningSecretIsInTheAnswerThatCreatedItAndNowhereElse()
    {
        var (server, id, token) = await StartAsync();
        await using var _ = server;
        var body = new JsonObject { ["kind"] = "webhook", ["url"] = "https://hooks.example.org/alerts/in" };

        using var created = await PutAsync(server, token, body);
        var first = await created.JsonAsync();
        using var again = await PutAsync(server, token, body);
        var second = await again.JsonAsync();
        using var read = await server.Client.GetAsync("api/v1/subscription/channel?token=" + Uri.EscapeDataString(token), Ct);
        var raw = await read.Content.ReadAsStringAsync(Ct);
        using var renewed = await PutAsync(server, token, new JsonObject { ["kind"] = "webhook", ["url"] = "https://hooks.example.org/alerts/in", ["newSecret"] = true });
        var third = await renewed.JsonAsync();

        created.StatusCode.ShouldBe(HttpStatusCode.OK);
        var secret = first["secret"]!.GetValue<string>();
        WebhookSignature.IsValidSecret(secret).ShouldBeTrue();
        first["channel"]!["kind"]!.GetValue<string>().ShouldBe("webhook");
        first["channel"]!["host"]!.GetValue<string>().ShouldBe("https://hooks.example.org/");
        first["manageUrl"]!.GetValue<string>().ShouldStartWith(server.BaseAddress.AbsoluteUri + "manage?token=");
        second["secret"].ShouldBeNull();
        read.StatusCode.ShouldBe(HttpStatusCode.OK);
        raw.ShouldNotContain("whsec_");
        raw.ShouldNotContain("/alerts/in");
        JsonNode.Parse(raw)!["enabled"]!.GetValue<bool>().ShouldBeTrue();
        third["secret"]!.GetValue<string>().ShouldNotBe(secret);
        (await server.Get<IChannelStore>().GetAsync(id, Ct))!.Secret.ShouldBe(third["secret"]!.GetValue<string>());
    }

    [Fact]
    public async Task BadChannelsAreRefusedFieldByFieldAndEmailRemovesTheWebhook()
    {
        var (server, id, token) = await StartAsync();
        await using var _ = server;

        using var privateAddress = await PutAsync(server, token, new JsonObject { ["kind"] = "slack", ["url"] = "https://10.1.2.3/hook" });
        using var plainHttp = await PutAsync(server, token, new JsonObject { ["kind"] = "teams", ["url"] = "http://hooks.example.org/x" });
        using var unknownKind = await PutAsync(server, token, new JsonObject { ["kind"] = "fax", ["url"] = "https://hooks.example.org/x" });
        using var noUrl = await PutAsync(server, token, new JsonObject { ["kind"] = "slack" });
        using var badToken = await PutAsync(server, ApiTestExtensions.Tamper(token), new JsonObject { ["kind"] = "email" });

        (await privateAddress.ProblemAsync(HttpStatusCode.BadRequest)).ErrorFields().ShouldBe(["url"]);
        (await plainHttp.ProblemAsync(HttpStatusCode.BadRequest)).ErrorFields().ShouldBe(["url"]);
        (await unknownKind.ProblemAsync(HttpStatusCode.BadRequest)).ErrorFields().ShouldBe(["kind"]);
        (await noUrl.ProblemAsync(HttpStatusCode.BadRequest)).ErrorFields().ShouldBe(["url"]);
        badToken.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await server.Get<IChannelStore>().GetAsync(id, Ct)).ShouldBeNull();

        using var slack = await PutAsync(server, token, new JsonObject { ["kind"] = "slack", ["url"] = "https://hooks.slack.com/services/T0/B0/x" });
        slack.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await server.Get<IChannelStore>().GetAsync(id, Ct))!.Kind.ShouldBe(ChannelKind.Slack);
        using var email = await PutAsync(server, token, new JsonObject { ["kind"] = "email" });
        (await email.JsonAsync())["channel"]!["kind"]!.GetValue<string>().ShouldBe("email");
        (await server.Get<IChannelStore>().GetAsync(id, Ct)).ShouldBeNull();
    }
}
