using Alerts.Pipeline.Fetching;
using Microsoft.AspNetCore.Http;
using static Alerts.Tests.Fetching.GuardedHttpClientTests;

namespace Alerts.Tests.Fetching;

/// <summary>
/// The SSRF guard end to end. Every refused destination here is refused before a socket exists (IP
/// literals are classified first), so these tests only ever connect to the loopback test server.
/// </summary>
public class GuardedHttpClientGuardTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Task<LoopbackServer> StartOkServer() =>
        LoopbackServer.StartAsync(context => context.Response.WriteAsync("reached"));

    private static Task<LoopbackServer> StartRedirectServer(string location) =>
        LoopbackServer.StartAsync(context =>
        {
            context.Response.Redirect(location.Replace("{port}", context.Connection.LocalPort.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal));
            return Task.CompletedTask;
        });

    [Fact]
    public async Task LoopbackIsRefusedWithoutAnAllowanceAndNothingIsSent()
    {
        await using var server = await StartOkServer();
        using var client = Client(o => o.AllowedNetworks.Clear());

        var error = await Should.ThrowAsync<FetchException>(() => client.FetchAsync(server.BaseUri, null, Ct));

        error.Failure.ShouldBe(FetchFailure.BlockedAddress);
        error.Message.ShouldBe(
            $"fetcher: refused loopback address 127.0.0.1 for {server.BaseUri} " +
            "(set Fetch:AllowPrivateAddresses or Fetch:AllowedNetworks to allow)");
        server.Requests.ShouldBeEmpty();
    }

    [Fact]
    public async Task AHostNameIsCheckedAfterResolutionBeforeConnecting()
    {
        await using var server = await StartOkServer();
        using var client = Client(o => o.AllowedNetworks.Clear());
        var url = new Uri($"http://localhost:{server.Port}/feed");

        var error = await Should.ThrowAsync<FetchException>(() => client.FetchAsync(url, null, Ct));

        error.Failure.ShouldBe(FetchFailure.BlockedAddress);
        error.Message.ShouldContain("(resolved from localhost)");
        error.Message.ShouldContain($"for {url}");
        server.Requests.ShouldBeEmpty();
    }

    [Fact]
    public async Task AllowPrivateAddressesLetsAResolvedLoopbackNameThrough()
    {
        await using var server = await StartOkServer();
        using var client = Client(o =>
        {
            o.AllowedNetworks.Clear();
            o.AllowPrivateAddresses = true;
        });

        // localhost may resolve to ::1 first, where nothing listens: the client moves on to 127.0.0.1.
        var result = await client.FetchAsync(new Uri($"http://localhost:{server.Port}/feed"), null, Ct);

        result.StatusCode.ShouldBe(200);
        server.Requests.Count.ShouldBe(1);
    }

    [Fact]
    public async Task AResolvedNameConnectsOnlyToAddressesInsideTheAllowedNetwork()
    {
        await using var server = await StartOkServer();
        using var client = Client();

        // Only 127.0.0.1/32 is allowed: ::1, if localhost resolves to it, is skipped rather than tried.
        var result = await client.FetchAsync(new Uri($"http://localhost:{server.Port}/feed"), null, Ct);

        result.StatusCode.ShouldBe(200);
        server.Requests.Count.ShouldBe(1);
    }

    [Theory]
    [InlineData("http://2130706433:{port}/")]
    [InlineData("http://0177.0.0.1:{port}/")]
    [InlineData("http://0x7f.1:{port}/")]
    [InlineData("http://127.1:{port}/")]
    [InlineData("http://[::ffff:127.0.0.1]:{port}/")]
    public async Task OtherSpellingsOfLoopbackAreRefusedAndReachTheServerOnceAllowed(string spelling)
    {
        await using var server = await StartOkServer();
        var url = new Uri(spelling.Replace("{port}", server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal));
        using var refusing = Client(o => o.AllowedNetworks.Clear());
        using var allowing = Client();

        var error = await Should.ThrowAsync<FetchException>(() => refusing.FetchAsync(url, null, Ct));
        error.Failure.ShouldBe(FetchFailure.BlockedAddress);
        error.Message.ShouldStartWith("fetcher: refused loopback address ");
        error.Message.ShouldContain("127.0.0.1");
        server.Requests.ShouldBeEmpty();

        var result = await allowing.FetchAsync(url, null, Ct);
        result.StatusCode.ShouldBe(200);
        server.Requests.Count.ShouldBe(1);
    }

    [Fact]
    public async Task ARedirectToALoopbackAddressOutsideTheAllowedNetworkIsRefused()
    {
        await using var server = await StartRedirectServer("http://127.0.0.2:{port}/elsewhere");
        using var client = Client();

        var error = await Should.ThrowAsync<FetchException>(() => client.FetchAsync(server.Url("start"), null, Ct));

        error.Failure.ShouldBe(FetchFailure.BlockedAddress);
        error.Message.ShouldBe(
            $"fetcher: refused loopback address 127.0.0.2 for http://127.0.0.2:{server.Port}/elsewhere " +
            $"(redirected from {server.Url("start")}) (set Fetch:AllowPrivateAddresses or Fetch:AllowedNetworks to allow)");
        server.Requests.Count.ShouldBe(1);
    }

    [Theory]
    [InlineData("http://10.0.0.1/", "private address 10.0.0.1")]
    [InlineData("http://192.168.1.1/admin", "private address 192.168.1.1")]
    [InlineData("http://100.64.0.1/", "shared (CGNAT) address 100.64.0.1")]
    [InlineData("http://[fd12::1]/", "unique-local address fd12::1")]
    public async Task ARedirectToAPrivateAddressIsRefusedBeforeConnecting(string location, string refused)
    {
        await using var server = await StartRedirectServer(location);
        using var client = Client();

        var error = await Should.ThrowAsync<FetchException>(() => client.FetchAsync(server.Url("start"), null, Ct));

        error.Failure.ShouldBe(FetchFailure.BlockedAddress);
        error.Message.ShouldStartWith($"fetcher: refused {refused} for {new Uri(location)} (redirected from {server.Url("start")})");
        error.Message.ShouldEndWith("(set Fetch:AllowPrivateAddresses or Fetch:AllowedNetworks to allow)");
    }

    [Theory]
    [InlineData("http://169.254.169.254/latest/meta-data/", "cloud metadata address 169.254.169.254")]
    [InlineData("http://168.63.129.16/machine?comp=goalstate", "cloud metadata address 168.63.129.16")]
    [InlineData("http://2852039166/", "cloud metadata address 169.254.169.254")]
    [InlineData("http://[::ffff:169.254.169.254]/", "cloud metadata address ::ffff:169.254.169.254")]
    [InlineData("http://[fd00:ec2::254]/", "cloud metadata address fd00:ec2::254")]
    [InlineData("http://169.254.10.10/", "link-local address 169.254.10.10")]
    [InlineData("http://0.0.0.0/", "unspecified address 0.0.0.0")]
    public async Task MetadataAndLinkLocalAddressesStayRefusedEvenWithAllowPrivateAddresses(string location, string refused)
    {
        await using var server = await StartRedirectServer(location);
        using var client = Client(o => o.AllowPrivateAddresses = true);

        var error = await Should.ThrowAsync<FetchException>(() => client.FetchAsync(server.Url("start"), null, Ct));

        error.Failure.ShouldBe(FetchFailure.BlockedAddress);
        error.Message.ShouldStartWith($"fetcher: refused {refused} for ");
        error.Message.ShouldEndWith("(only Fetch:AllowedNetworks can allow it)");
    }

    [Theory]
    [InlineData("file:///etc/passwd", "file")]
    [InlineData("ftp://127.0.0.1/feed.xml", "ftp")]
    [InlineData("gopher://127.0.0.1:70/", "gopher")]
    public async Task ARedirectToAnotherSchemeIsRefused(string location, string scheme)
    {
        await using var server = await StartRedirectServer(location);
        using var client = Client();

        var error = await Should.ThrowAsync<FetchException>(() => client.FetchAsync(server.Url("start"), null, Ct));

        error.Failure.ShouldBe(FetchFailure.UnsupportedScheme);
        error.Message.ShouldBe(
            $"fetcher: refused scheme '{scheme}' for {new Uri(location)} (redirected from {server.Url("start")}) (only http and https are fetched)");
    }

    [Fact]
    public async Task ANonHttpUrlIsRefusedOutright()
    {
        using var client = Client();

        var error = await Should.ThrowAsync<FetchException>(() => client.FetchAsync(new Uri("file:///etc/hosts"), null, Ct));

        error.Failure.ShouldBe(FetchFailure.UnsupportedScheme);
        error.Message.ShouldBe("fetcher: refused scheme 'file' for file:///etc/hosts (only http and https are fetched)");
    }
}
