using Alerts.Azure;
using Alerts.Pipeline.Queues;
using Alerts.Tests.Fetching;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using Microsoft.AspNetCore.Http;

namespace Alerts.Tests.Azure;

/// <summary>
/// The SDK clients as <see cref="AzureStorageOptions.ApplyRetries"/> configures them, against a scripted
/// local server: which answers are retried, how often, and the time limit of one attempt.
/// </summary>
public class StorageRetryTests
{
    private const string Key = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static AzureStorageOptions Options(LoopbackServer server, int maxRetries, TimeSpan? timeout = null) => new()
    {
        ConnectionString = $"DefaultEndpointsProtocol=http;AccountName=acct;AccountKey={Key};QueueEndpoint={server.Url("acct")};TableEndpoint={server.Url("acct")}",
        MaxRetries = maxRetries,
        RetryDelay = TimeSpan.FromMilliseconds(10),
        MaxRetryDelay = TimeSpan.FromMilliseconds(50),
        RequestTimeout = timeout ?? TimeSpan.FromSeconds(5),
    };

    private static AzureWorkQueue Queue(AzureStorageOptions options)
    {
        var clientOptions = new QueueClientOptions { MessageEncoding = QueueMessageEncoding.None };
        options.ApplyRetries(clientOptions);
        return new AzureWorkQueue(new QueueServiceClient(options.ConnectionString, clientOptions), string.Empty, QueueMessageEncoding.Base64);
    }

    private static TableClient Table(AzureStorageOptions options)
    {
        var clientOptions = new TableClientOptions();
        options.ApplyRetries(clientOptions);
        return new TableServiceClient(options.ConnectionString, clientOptions).GetTableClient("feeds");
    }

    [Theory]
    [InlineData(StatusCodes.Status408RequestTimeout)]
    [InlineData(StatusCodes.Status429TooManyRequests)]
    [InlineData(StatusCodes.Status500InternalServerError)]
    [InlineData(StatusCodes.Status502BadGateway)]
    [InlineData(StatusCodes.Status503ServiceUnavailable)]
    [InlineData(StatusCodes.Status504GatewayTimeout)]
    public async Task ATransientAnswerIsRetriedUpToMaxRetriesOnBothClients(int status)
    {
        await using var server = await LoopbackServer.StartAsync(context =>
        {
            context.Response.StatusCode = status;
            return Task.CompletedTask;
        });
        var options = Options(server, maxRetries: 3);

        var queueError = await Should.ThrowAsync<RequestFailedException>(() => Queue(options).CountAsync(QueueNames.FeedPoll, Ct));
        var queueAttempts = server.Requests.Count;
        var tableError = await Should.ThrowAsync<RequestFailedException>(() => Table(options).GetAsync("feed", "1", Ct));

        queueError.Status.ShouldBe(status);
        tableError.Status.ShouldBe(status);
        queueAttempts.ShouldBe(4);
        (server.Requests.Count - queueAttempts).ShouldBe(4);
    }

    [Fact]
    public async Task AnswersAfterABusySpellSucceedWithinTheRetries()
    {
        var calls = 0;
        await using var server = await LoopbackServer.StartAsync(context =>
        {
            // Two 503s, then the Get Queue Properties answer.
            if (Interlocked.Increment(ref calls) <= 2)
            {
                context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                return Task.CompletedTask;
            }

            context.Response.StatusCode = StatusCodes.Status200OK;
            context.Response.Headers["x-ms-approximate-messages-count"] = "7";
            return Task.CompletedTask;
        });

        (await Queue(Options(server, maxRetries: 2)).CountAsync(QueueNames.FeedPoll, Ct)).ShouldBe(7);
        calls.ShouldBe(3);
    }

    [Theory]
    [InlineData(StatusCodes.Status400BadRequest)]
    [InlineData(StatusCodes.Status403Forbidden)]
    [InlineData(StatusCodes.Status409Conflict)]
    public async Task APermanentAnswerIsNotRetriedAndCarriesTheServiceErrorCode(int status)
    {
        await using var server = await LoopbackServer.StartAsync(async context =>
        {
            context.Response.StatusCode = status;
            context.Response.Headers["x-ms-error-code"] = "AuthorizationPermissionMismatch";
            context.Response.ContentType = "application/xml";
            await context.Response.WriteAsync(
                "<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>AuthorizationPermissionMismatch</Code><Message>This request is not authorized.</Message></Error>");
        });

        var error = await Should.ThrowAsync<RequestFailedException>(() => Queue(Options(server, maxRetries: 3)).CountAsync(QueueNames.FeedPoll, Ct));

        server.Requests.Count.ShouldBe(1);
        error.Status.ShouldBe(status);
        error.ErrorCode.ShouldBe("AuthorizationPermissionMismatch");
    }

    [Fact]
    public async Task ASlowAnswerTimesOutEachAttemptAndIsRetried()
    {
        await using var server = await LoopbackServer.StartAsync(async context =>
        {
            await Task.Delay(TimeSpan.FromSeconds(10), context.RequestAborted);
        });

        var started = DateTime.UtcNow;
        // Azure.Core gives up with an AggregateException of the attempts' timeouts.
        var error = await Should.ThrowAsync<AggregateException>(() => Queue(Options(server, maxRetries: 1, TimeSpan.FromMilliseconds(300))).CountAsync(QueueNames.FeedPoll, Ct));

        error.InnerExceptions.Count.ShouldBe(2);
        error.InnerExceptions.ShouldAllBe(e => e is TaskCanceledException && e.Message.Contains("NetworkTimeout", StringComparison.Ordinal));
        server.Requests.Count.ShouldBe(2);
        (DateTime.UtcNow - started).ShouldBeLessThan(TimeSpan.FromSeconds(8));
    }
}
