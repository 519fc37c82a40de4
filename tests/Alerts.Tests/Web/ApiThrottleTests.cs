using System.Net;
using System.Text.Json.Nodes;
using Alerts.Pipeline.Subscriptions;
using Alerts.Web.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Alerts.Tests.Web;

/// <summary>The throttle: 429 with Retry-After per address and per client, windows on the injected clock, limits validated at start.</summary>
public sealed class ApiThrottleTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<(WebTestServer Server, ManualTimeProvider Clock)> StartAsync(Dictionary<string, string?> limits)
    {
        var clock = new ManualTimeProvider();
        var server = await WebTestServer.StartAsync(clock, limits);
        await server.AddTopicAsync("ports", "Velmar port");
        return (server, clock);
    }

    [Fact]
    public async Task OneAddressAskingTooOftenGets429WithRetryAfterUntilItsWindowEnds()
    {
        var (server, clock) = await StartAsync(new()
        {
            ["Web:RateLimits:SubscribePerEmail:Permits"] = "2",
            ["Web:RateLimits:SubscribePerEmail:Window"] = "01:00:00",
        });
        await using var _ = server;

        async Task<HttpResponseMessage> SubscribeAsync(string email) =>
            await server.Client.PostJsonAsync("api/v1/subscriptions", ApiTestExtensions.SubscribeBody(email, "ports"));

        using var first = await SubscribeAsync("reader@example.org");
        clock.Advance(TimeSpan.FromMinutes(20));
        using var second = await SubscribeAsync("READER@example.org");
        using var third = await SubscribeAsync(" reader@Example.ORG ");
        using var otherAddress = await SubscribeAsync("someone.else@example.org");
        clock.Advance(TimeSpan.FromMinutes(40));
        using var nextWindow = await SubscribeAsync("reader@example.org");

        first.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        second.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        var problem = await third.ProblemAsync(HttpStatusCode.TooManyRequests);
        problem["type"]!.GetValue<string>().ShouldBe("urn:alerts:problem:too-many-requests");
        third.Headers.RetryAfter!.Delta.ShouldBe(TimeSpan.FromMinutes(40));
        otherAddress.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        nextWindow.StatusCode.ShouldBe(HttpStatusCode.Accepted);
    }

    [Fact]
    public async Task OneClientSubscribingManyAddressesGets429()
    {
        var (server, _) = await StartAsync(new() { ["Web:RateLimits:SubscribePerClient:Permits"] = "3" });
        await using var __ = server;
        var statuses = new List<HttpStatusCode>();

        for (var i = 0; i < 5; i++)
        {
            using var response = await server.Client.PostJsonAsync("api/v1/subscriptions", ApiTestExtensions.SubscribeBody($"reader{i}@example.org", "ports"));
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                response.Headers.RetryAfter!.Delta.ShouldBe(TimeSpan.FromHours(1));
            }
        }

        statuses.ShouldBe([HttpStatusCode.Accepted, HttpStatusCode.Accepted, HttpStatusCode.Accepted, HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests]);
        server.OutboxFiles().Count.ShouldBe(3);
    }

    [Fact]
    public async Task TheOtherPublicPostsShareALooserPerClientLimitButOneClickUnsubscribeIsNeverThrottled()
    {
        var (server, _) = await StartAsync(new() { ["Web:RateLimits:PublicPerClient:Permits"] = "2", ["Web:RateLimits:PublicPerClient:Window"] = "00:01:00" });
        await using var __ = server;
        var subscription = await server.Get<ManageSubscriptions>().EnsureOperatorSubscriberAsync(new SubscriptionRequest("reader@example.org", ["ports"]), Ct);
        var unsubscribe = await server.Get<SubscriptionLinks>().UnsubscribeTokenAsync(subscription.Id, Ct);

        var confirms = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            using var response = await server.Client.PostJsonAsync("api/v1/subscriptions/confirm", new JsonObject { ["token"] = "v1.store.bad.token" });
            confirms.Add(response.StatusCode);
        }

        var unsubscribes = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            using var response = await server.Client.PostAsync("api/v1/unsubscribe?token=" + Uri.EscapeDataString(unsubscribe), null, Ct);
            unsubscribes.Add(response.StatusCode);
        }

        confirms.ShouldBe([HttpStatusCode.NotFound, HttpStatusCode.NotFound, HttpStatusCode.TooManyRequests]);
        unsubscribes.ShouldAllBe(s => s == HttpStatusCode.OK);
    }

    [Theory]
    [InlineData("Web:RateLimits:SubscribePerEmail:Permits", "0")]
    [InlineData("Web:RateLimits:PublicPerClient:Window", "00:00:00")]
    [InlineData("Web:RateLimits:SubscribePerClient:Window", "2.00:00:00")]
    [InlineData("Web:RateLimits:MaxTrackedKeys", "5")]
    public async Task InvalidLimitsStopTheServerAtStartUp(string key, string value)
    {
        var failure = await Should.ThrowAsync<OptionsValidationException>(() => WebTestServer.StartAsync(settings: new Dictionary<string, string?> { [key] = value }));

        failure.Message.ShouldContain(key.Split(':')[2]);
    }

    [Fact]
    public void IPv6ClientsCountByTheirSlash64AndMappedIPv4AsIPv4()
    {
        static string Key(string address)
        {
            var context = new DefaultHttpContext();
            context.Connection.RemoteIpAddress = IPAddress.Parse(address);
            return Throttle.ClientKey(context);
        }

        Key("2001:db8:1:2:aaaa::1").ShouldBe(Key("2001:db8:1:2:bbbb::2"));
        Key("2001:db8:1:3::1").ShouldNotBe(Key("2001:db8:1:2::1"));
        Key("::ffff:203.0.113.7").ShouldBe("203.0.113.7");
    }

    [Fact]
    public void WhenEveryTrackedKeyIsLiveNewKeysAreRefusedUntilOneExpires()
    {
        var clock = new ManualTimeProvider();
        var options = new ThrottleOptions { MaxTrackedKeys = 100, PublicPerClient = new ThrottleLimit { Permits = 5, Window = TimeSpan.FromMinutes(1) } };
        var throttle = new Throttle(Options.Create(options), clock);
        DefaultHttpContext Client(int i)
        {
            var context = new DefaultHttpContext();
            context.Connection.RemoteIpAddress = new IPAddress([198, 51, 100, (byte)i]);
            return context;
        }

        for (var i = 0; i < 100; i++)
        {
            throttle.CheckPublic(Client(i)).Allowed.ShouldBeTrue();
        }

        var refused = throttle.CheckPublic(Client(200));
        clock.Advance(TimeSpan.FromMinutes(1));

        refused.Allowed.ShouldBeFalse();
        refused.RetryAfterSeconds.ShouldBe(60);
        throttle.CheckPublic(Client(200)).Allowed.ShouldBeTrue();
    }
}
