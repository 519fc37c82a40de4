using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Alerts.Core.Topics;
using Alerts.Pipeline.Storage;
using Alerts.Pipeline.Subscriptions;
using Microsoft.Extensions.DependencyInjection;

namespace Alerts.Tests.Web;

/// <summary>Every error path of the API answers an RFC 9457 problem, and hostile input never comes back live.</summary>
public sealed class ApiErrorTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<WebTestServer> StartWithTopicAsync()
    {
        var server = await WebTestServer.StartAsync();
        await server.AddTopicAsync("ports", "Velmar port");
        return server;
    }

    [Fact]
    public async Task AnUnknownRouteIsA404Problem()
    {
        await using var server = await WebTestServer.StartAsync();

        using var response = await server.Client.GetAsync("api/v1/nothing-here", Ct);

        (await response.ProblemAsync(HttpStatusCode.NotFound))["type"]!.GetValue<string>().ShouldBe("about:blank");
    }

    [Fact]
    public async Task AWrongMethodIsA405ProblemNamingTheAllowedOnes()
    {
        await using var server = await WebTestServer.StartAsync();

        using var response = await server.Client.DeleteAsync("api/v1/subscriptions", Ct);

        var problem = await response.ProblemAsync(HttpStatusCode.MethodNotAllowed);
        response.Content.Headers.Allow.ShouldContain("POST");
        problem["detail"]!.GetValue<string>().ShouldContain("POST");
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("application/json; charset=iso-8859-1")]
    public async Task ABodyThatIsNotJsonIsA415Problem(string contentType)
    {
        await using var server = await StartWithTopicAsync();
        using var content = new ByteArrayContent(Encoding.UTF8.GetBytes(ApiTestExtensions.SubscribeBody("a@example.org", "ports").ToJsonString()));
        content.Headers.TryAddWithoutValidation("Content-Type", contentType);

        using var response = await server.Client.PostAsync("api/v1/subscriptions", content, Ct);

        await response.ProblemAsync(HttpStatusCode.UnsupportedMediaType);
        server.OutboxFiles().ShouldBeEmpty();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ABodyOver32KilobytesIsA413ProblemWithOrWithoutContentLength(bool chunked)
    {
        await using var server = await StartWithTopicAsync();
        var body = ApiTestExtensions.SubscribeBody("a@example.org", "ports");
        body["padding"] = new string('x', 40_000);
        using var content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        if (chunked)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/subscriptions") { Content = new ChunkedContent(body.ToJsonString()) };
            request.Headers.TransferEncodingChunked = true;
            using var chunkedResponse = await server.Client.SendAsync(request, Ct);
            await chunkedResponse.ProblemAsync(HttpStatusCode.RequestEntityTooLarge);
            return;
        }

        using var response = await server.Client.PostAsync("api/v1/subscriptions", content, Ct);

        await response.ProblemAsync(HttpStatusCode.RequestEntityTooLarge);
    }

    [Theory]
    [InlineData("{\"email\": \"a@example.org\", \"topics\": [\"ports\"", "line 1")]
    [InlineData("{\n  \"email\": \"a@example.org\",\n  \"topics\": \"ports\"\n}", "line 3")]
    [InlineData("{\"email\": \"a@example.org\", \"topics\": [\"ports\"], \"admin\": true}", "unknown property")]
    [InlineData("{\"email\": \"a@example.org\", \"topics\": [\"ports\"], \"email\": \"b@example.org\"}", "a repeated property")]
    [InlineData("[1, 2, 3]", "line 1")]
    [InlineData("null", "null")]
    [InlineData("", "empty")]
    public async Task MalformedJsonIsA400ProblemSayingWhere(string json, string expected)
    {
        await using var server = await StartWithTopicAsync();

        using var response = await server.Client.SendJsonAsync(HttpMethod.Post, "api/v1/subscriptions", json);

        var problem = await response.ProblemAsync(HttpStatusCode.BadRequest);
        problem["type"]!.GetValue<string>().ShouldBe("urn:alerts:problem:malformed-json");
        problem["detail"]!.GetValue<string>().ShouldContain(expected);
        problem["detail"]!.GetValue<string>().ShouldNotContain("Alerts.Web");
    }

    [Theory]
    [InlineData("email", "not-an-address", "email")]
    [InlineData("email", "", "email")]
    [InlineData("topics", "[]", "topics")]
    [InlineData("topics", "[\"nope\"]", "topics")]
    [InlineData("topics", "[null]", "topics")]
    [InlineData("frequency", "\"sometimes\"", "frequency")]
    [InlineData("frequency", "\"2\"", "frequency")]
    [InlineData("dayOfWeek", "\"Caturday\"", "dayOfWeek")]
    [InlineData("hour", "24", "hour")]
    [InlineData("hour", "-1", "hour")]
    [InlineData("timeZone", "\"Mars/Olympus\"", "timeZone")]
    [InlineData("timeZone", "\"\"", "timeZone")]
    public async Task EveryFieldIsValidatedWithAnErrorNamingIt(string field, string value, string expectedField)
    {
        await using var server = await StartWithTopicAsync();
        var body = ApiTestExtensions.SubscribeBody("a@example.org", "ports");
        body[field] = field == "email" ? JsonValue.Create(value) : JsonNode.Parse(value);

        using var response = await server.Client.PostJsonAsync("api/v1/subscriptions", body);

        var problem = await response.ProblemAsync(HttpStatusCode.BadRequest);
        problem["type"]!.GetValue<string>().ShouldBe("urn:alerts:problem:validation");
        problem.ErrorFields().ShouldBe([expectedField]);
        server.OutboxFiles().ShouldBeEmpty();
    }

    [Theory]
    [InlineData("reader@example.org\r\nBcc: victim@example.net")]
    [InlineData("reader@example.org\nSubject: free money")]
    [InlineData("\"reader\r\n\"@example.org")]
    [InlineData("reader@example.org%0d%0aBcc:victim@example.net")]
    public async Task LineBreaksInTheAddressAreRefusedAndNeverReachAMailHeader(string email)
    {
        await using var server = await StartWithTopicAsync();

        using var response = await server.Client.PostJsonAsync("api/v1/subscriptions", ApiTestExtensions.SubscribeBody(email, "ports"));

        (await response.ProblemAsync(HttpStatusCode.BadRequest)).ErrorFields().ShouldBe(["email"]);
        server.OutboxFiles().ShouldBeEmpty();
        (await server.Get<ISubscriptionStore>().ListAsync(Ct)).ShouldBeEmpty();
    }

    [Fact]
    public async Task LineBreaksInATopicIdAreRefused()
    {
        await using var server = await StartWithTopicAsync();

        using var response = await server.Client.PostJsonAsync("api/v1/subscriptions", ApiTestExtensions.SubscribeBody("a@example.org", "ports\r\nBcc: victim@example.net"));

        var problem = await response.ProblemAsync(HttpStatusCode.BadRequest);
        problem.ErrorFields().ShouldBe(["topics"]);
        problem["errors"]!["topics"]![0]!.GetValue<string>().ShouldNotContain("\n");
        server.OutboxFiles().ShouldBeEmpty();
    }

    [Theory]
    [InlineData("<script>alert(1)</script>@example.org", "email")]
    [InlineData("a@example.org", "topics")]
    [InlineData("a@example.org", "timeZone")]
    public async Task ScriptInAFieldIsNeverEchoedLive(string email, string field)
    {
        await using var server = await StartWithTopicAsync();
        var body = ApiTestExtensions.SubscribeBody(email, "ports");
        if (field == "topics")
        {
            body["topics"] = new JsonArray("<script>alert(1)</script>");
        }
        else if (field == "timeZone")
        {
            body["timeZone"] = "<img src=x onerror=alert(1)>";
        }

        using var response = await server.Client.PostJsonAsync("api/v1/subscriptions", body);
        var raw = await response.Content.ReadAsStringAsync(Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        raw.ShouldNotContain("<");
        raw.ShouldNotContain(">");
        JsonNode.Parse(raw)!["errors"]!.AsObject().ContainsKey(field).ShouldBeTrue(raw);
    }

    [Fact]
    public async Task BadTokensAreA404ProblemAndMissingOnesA400()
    {
        await using var server = await StartWithTopicAsync();
        var subscription = await server.Get<ManageSubscriptions>().EnsureOperatorSubscriberAsync(new SubscriptionRequest("reader@example.org", ["ports"]), Ct);
        var unsubscribeToken = await server.Get<SubscriptionLinks>().UnsubscribeTokenAsync(subscription.Id, Ct);
        var forged = ApiTestExtensions.Tamper(unsubscribeToken);

        using var confirmForged = await server.Client.PostJsonAsync("api/v1/subscriptions/confirm", new JsonObject { ["token"] = forged });
        using var getWithUnsubscribeToken = await server.Client.GetAsync("api/v1/subscription?token=" + Uri.EscapeDataString(unsubscribeToken), Ct);
        using var putGarbage = await server.Client.SendJsonAsync(HttpMethod.Put, "api/v1/subscription", ApiTestExtensions.SubscribeBody("x@example.org", "ports").ToJsonString().Replace("\"email\":\"x@example.org\",", "", StringComparison.Ordinal), bearer: "not-a-token");
        using var unsubscribeForged = await server.Client.PostAsync("api/v1/unsubscribe?token=" + Uri.EscapeDataString(forged), null, Ct);
        using var getWithout = await server.Client.GetAsync("api/v1/subscription", Ct);
        using var unsubscribeWithout = await server.Client.PostAsync("api/v1/unsubscribe", null, Ct);

        foreach (var response in new[] { confirmForged, getWithUnsubscribeToken, putGarbage, unsubscribeForged })
        {
            (await response.ProblemAsync(HttpStatusCode.NotFound))["type"]!.GetValue<string>().ShouldBe("urn:alerts:problem:invalid-link");
        }

        (await getWithout.ProblemAsync(HttpStatusCode.BadRequest)).ErrorFields().ShouldBe(["token"]);
        (await unsubscribeWithout.ProblemAsync(HttpStatusCode.BadRequest)).ErrorFields().ShouldBe(["token"]);
        (await server.Get<ManageSubscriptions>().FindAsync(subscription.Id, Ct))!.State.ShouldBe(Core.Subscriptions.SubscriptionState.Active);
    }

    [Fact]
    public async Task PutNeedsEveryPreference()
    {
        await using var server = await StartWithTopicAsync();
        var subscription = await server.Get<ManageSubscriptions>().EnsureOperatorSubscriberAsync(new SubscriptionRequest("reader@example.org", ["ports"]), Ct);
        var token = await server.Get<SubscriptionLinks>().ManageTokenAsync(subscription.Id, Ct);

        using var response = await server.Client.SendJsonAsync(HttpMethod.Put, "api/v1/subscription", "{\"topics\": [\"ports\"]}", bearer: token);

        (await response.ProblemAsync(HttpStatusCode.BadRequest)).ErrorFields().Order(StringComparer.Ordinal).ShouldBe(["dayOfWeek", "frequency", "hour", "timeZone"]);
    }

    [Fact]
    public async Task AnUnhandledErrorIsA500ProblemWithoutTheException()
    {
        await using var server = await WebTestServer.StartAsync(services: s => s.AddSingleton<ITopicStore, BrokenTopicStore>());

        using var response = await server.Client.GetAsync("api/v1/topics", Ct);
        var raw = await response.Content.ReadAsStringAsync(Ct);

        await response.ProblemAsync(HttpStatusCode.InternalServerError);
        raw.ShouldNotContain(BrokenTopicStore.Message);
        raw.ShouldNotContain("   at ");
    }

    [Fact]
    public async Task HealthIsA503ProblemWhenTheStoreDoesNotAnswer()
    {
        await using var server = await WebTestServer.StartAsync(services: s => s.AddSingleton<ITopicStore, BrokenTopicStore>());

        using var response = await server.Client.GetAsync("api/v1/health", Ct);

        (await response.ProblemAsync(HttpStatusCode.ServiceUnavailable))["type"]!.GetValue<string>().ShouldBe("urn:alerts:problem:unavailable");
    }

    /// <summary>Sends its text in chunks with no Content-Length, as a client streaming a body would.</summary>
    private sealed class ChunkedContent : HttpContent
    {
        private readonly string _text;

        public ChunkedContent(string text)
        {
            _text = text;
            Headers.ContentType = new("application/json");
        }

        protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context)
        {
            var bytes = Encoding.UTF8.GetBytes(_text);
            for (var offset = 0; offset < bytes.Length; offset += 4096)
            {
                await stream.WriteAsync(bytes.AsMemory(offset, Math.Min(4096, bytes.Length - offset)));
                await stream.FlushAsync();
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }

    /// <summary>A topic store whose every call fails, as an unreachable database would.</summary>
    private sealed class BrokenTopicStore : ITopicStore
    {
        public const string Message = "store: the disk is on fire (test)";

        public Task UpsertTopicAsync(Topic topic, CancellationToken cancellationToken) => Fail();

        public Task<Topic?> GetTopicAsync(string id, CancellationToken cancellationToken) => Fail<Topic?>();

        public Task<IReadOnlyList<Topic>> ListTopicsAsync(CancellationToken cancellationToken) => Fail<IReadOnlyList<Topic>>();

        public Task<bool> RemoveTopicAsync(string id, CancellationToken cancellationToken) => Fail<bool>();

        public Task UpsertAliasAsync(AliasDefinition definition, CancellationToken cancellationToken) => Fail();

        public Task<bool> RemoveAliasAsync(string name, CancellationToken cancellationToken) => Fail<bool>();

        public Task<IReadOnlyList<AliasDefinition>> ListAliasesAsync(CancellationToken cancellationToken) => Fail<IReadOnlyList<AliasDefinition>>();

        public Task<long> GetTopicsVersionAsync(CancellationToken cancellationToken) => Fail<long>();

        public Task RecordMatchesAsync(IReadOnlyList<TopicMatchRecord> matches, CancellationToken cancellationToken) => Fail();

        public Task<IReadOnlyList<TopicMatchRecord>> ListMatchesForArticleAsync(long articleId, CancellationToken cancellationToken) => Fail<IReadOnlyList<TopicMatchRecord>>();

        private static Task Fail() => Task.FromException(new InvalidOperationException(Message));

        private static Task<T> Fail<T>() => Task.FromException<T>(new InvalidOperationException(Message));
    }
}
