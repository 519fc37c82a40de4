using System.Net;
using Alerts.Azure;
using Alerts.Tests.Fetching;
using Azure.Core;
using Microsoft.AspNetCore.Http;

namespace Alerts.Tests.Azure;

public class StorageRequestSignerTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void TheQueueStringToSignHasTheStandardHeadersSortedXmsHeadersAndSortedDecodedQuery()
    {
        using var request = new HttpRequestMessage(HttpMethod.Put,
            "http://127.0.0.1:10001/devstoreaccount1/work/messages/id1?visibilitytimeout=0&popreceipt=AB%2BC%3D%3D");
        request.Content = new StringContent("<QueueMessage/>", System.Text.Encoding.UTF8, "application/xml");
        request.Headers.TryAddWithoutValidation("x-ms-version", "2021-12-02");
        request.Headers.TryAddWithoutValidation("x-ms-date", "Sun, 01 Mar 2026 12:00:00 GMT");
        request.Headers.TryAddWithoutValidation("X-MS-Client-Request-Id", "  abc  ");

        var text = StorageRequestSigner.QueueStringToSign(request, "devstoreaccount1");

        text.ShouldBe(string.Join('\n',
            "PUT", "", "", "15", "", "application/xml; charset=utf-8", "", "", "", "", "", "",
            "x-ms-client-request-id:abc",
            "x-ms-date:Sun, 01 Mar 2026 12:00:00 GMT",
            "x-ms-version:2021-12-02",
            "/devstoreaccount1/devstoreaccount1/work/messages/id1",
            "popreceipt:AB+C==",
            "visibilitytimeout:0"));
    }

    [Fact]
    public void AnEmptyBodyHasAnEmptyContentLength()
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, "https://a.queue.core.windows.net/q");
        request.Content = new ByteArrayContent([]);

        StorageRequestSigner.QueueStringToSign(request, "a").Split('\n')[3].ShouldBeEmpty();
    }

    [Fact]
    public void TheTableStringToSignHasOnlyVerbMd5TypeDateAndResourceWithComp()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "https://a.table.core.windows.net/t1()?$filter=PartitionKey%20eq%20'x'&comp=acl");
        request.Headers.TryAddWithoutValidation("x-ms-date", "Sun, 01 Mar 2026 12:00:00 GMT");

        StorageRequestSigner.TableStringToSign(request, "a")
            .ShouldBe("GET\n\n\nSun, 01 Mar 2026 12:00:00 GMT\n/a/t1()?comp=acl");
    }

    [Fact]
    public async Task ATokenCredentialSendsABearerTokenForTheStorageScopeAndReusesIt()
    {
        await using var server = await LoopbackServer.StartAsync(context =>
        {
            context.Response.StatusCode = StatusCodes.Status201Created;
            return Task.CompletedTask;
        });
        var credential = new CountingCredential();
        var account = StorageAccount.FromToken("acct", credential, server.Url("acct"), server.Url("acct"));
        using var http = new HttpClient();
        var client = new AzureQueueClient(new StorageTransport(http, new StorageRequestSigner(account, TimeProvider.System), 0, TimeSpan.Zero, TimeSpan.FromSeconds(5)));

        await client.CreateQueueAsync("one", Ct);
        await client.CreateQueueAsync("two", Ct);

        credential.Calls.ShouldBe(1);
        credential.Scopes.ShouldBe(["https://storage.azure.com/.default"]);
        var seen = server.Requests.ToList();
        seen.Select(r => r.PathAndQuery).ShouldBe(["/acct/one", "/acct/two"]);
        seen.ShouldAllBe(r => r.Headers["Authorization"] == "Bearer token-1" && r.Headers["x-ms-version"] == StorageRequestSigner.ApiVersion);
    }

    [Fact]
    public async Task TransientStatusesAreRetriedAndOtherErrorsCarryTheServiceCode()
    {
        var calls = 0;
        await using var server = await LoopbackServer.StartAsync(async context =>
        {
            var call = Interlocked.Increment(ref calls);
            if (context.Request.Path.StartsWithSegments("/acct/busy"))
            {
                context.Response.StatusCode = call <= 2 ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status201Created;
                return;
            }

            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            context.Response.Headers["x-ms-error-code"] = "AuthorizationPermissionMismatch";
            context.Response.ContentType = "application/xml";
            await context.Response.WriteAsync(
                "<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>AuthorizationPermissionMismatch</Code><Message>This request is not authorized to perform this operation using this permission.\nRequestId:1</Message></Error>");
        });
        var client = Client(server, maxRetries: 3, timeout: TimeSpan.FromSeconds(5));

        (await client.CreateQueueAsync("busy", Ct)).ShouldBeTrue();
        calls.ShouldBe(3);
        var error = await Should.ThrowAsync<AzureStorageException>(() => client.CreateQueueAsync("denied", Ct));

        calls.ShouldBe(4);
        error.Status.ShouldBe(HttpStatusCode.Forbidden);
        error.ErrorCode.ShouldBe("AuthorizationPermissionMismatch");
        error.Message.ShouldBe("azure: queue create failed: 403 AuthorizationPermissionMismatch This request is not authorized to perform this operation using this permission.");
    }

    [Fact]
    public async Task APersistentServerErrorFailsAfterTheRetries()
    {
        await using var server = await LoopbackServer.StartAsync(context =>
        {
            context.Response.StatusCode = StatusCodes.Status500InternalServerError;
            return Task.CompletedTask;
        });
        var client = Client(server, maxRetries: 2, timeout: TimeSpan.FromSeconds(5));

        var error = await Should.ThrowAsync<AzureStorageException>(() => client.GetApproximateCountAsync("broken", Ct));

        server.Requests.Count.ShouldBe(3);
        error.Message.ShouldBe("azure: queue count failed: 500 InternalServerError");
    }

    [Fact]
    public async Task ASlowAnswerTimesOutEachAttemptAndFailsWithoutAStatus()
    {
        await using var server = await LoopbackServer.StartAsync(async context =>
        {
            await Task.Delay(TimeSpan.FromSeconds(10), context.RequestAborted);
        });
        var client = Client(server, maxRetries: 1, timeout: TimeSpan.FromMilliseconds(300));

        var error = await Should.ThrowAsync<AzureStorageException>(() => client.CreateQueueAsync("slow", Ct));

        server.Requests.Count.ShouldBe(2);
        error.Status.ShouldBeNull();
        error.Message.ShouldStartWith("azure: queue create failed: ");
    }

    private static AzureQueueClient Client(LoopbackServer server, int maxRetries, TimeSpan timeout)
    {
        var account = StorageAccount.Parse($"AccountName=acct;AccountKey={StorageAccount.DevelopmentAccountKey};QueueEndpoint={server.Url("acct")}");
        return new AzureQueueClient(new StorageTransport(SharedHttp, new StorageRequestSigner(account, TimeProvider.System), maxRetries,
            TimeSpan.FromMilliseconds(10), timeout));
    }

    private static HttpClient SharedHttp { get; } = new() { Timeout = Timeout.InfiniteTimeSpan };

    /// <summary>A credential that hands out numbered tokens valid for an hour and counts how often it was asked.</summary>
    private sealed class CountingCredential : TokenCredential
    {
        public int Calls { get; private set; }

        public string[] Scopes { get; private set; } = [];

        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
        {
            Calls++;
            Scopes = requestContext.Scopes;
            return new AccessToken($"token-{Calls}", DateTimeOffset.UtcNow.AddHours(1));
        }

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            ValueTask.FromResult(GetToken(requestContext, cancellationToken));
    }
}
