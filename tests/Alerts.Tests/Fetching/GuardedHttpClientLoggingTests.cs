using System.Collections.Concurrent;
using Alerts.Pipeline.Fetching;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Alerts.Tests.Fetching;

public class GuardedHttpClientLoggingTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task FetchesAndRefusalsAreLoggedWithStableKeys()
    {
        await using var server = await LoopbackServer.StartAsync(context =>
        {
            context.Response.StatusCode = context.Request.Path == "/ok" ? 200 : 302;
            context.Response.Headers.Location = "http://10.0.0.1/";
            return Task.CompletedTask;
        });
        var logger = new RecordingLogger();
        var options = new FetchOptions { AllowedNetworks = { "127.0.0.1/32" } };
        using var client = new GuardedHttpClient(Options.Create(options), logger, TimeProvider.System);

        await client.FetchAsync(server.Url("ok"), null, Ct);
        await Should.ThrowAsync<FetchException>(() => client.FetchAsync(server.Url("away"), null, Ct));

        var fetched = logger.Entries.Single(e => e.Level == LogLevel.Debug && e.State.ContainsKey("FinalUrl"));
        fetched.State["Url"].ShouldBe(server.Url("ok"));
        fetched.State["StatusCode"].ShouldBe(200);
        fetched.State.ShouldContainKey("ElapsedMs");
        fetched.State.ShouldContainKey("{OriginalFormat}");

        var refused = logger.Entries.Single(e => e.Level == LogLevel.Warning);
        refused.State["Url"].ShouldBe(server.Url("away"));
        refused.State["Failure"].ShouldBe(FetchFailure.BlockedAddress);
        refused.State["Reason"].ShouldBe(
            $"fetcher: refused private address 10.0.0.1 for http://10.0.0.1/ (redirected from {server.Url("away")}) " +
            "(set Fetch:AllowPrivateAddresses or Fetch:AllowedNetworks to allow)");
        refused.State.ShouldContainKey("ElapsedMs");
    }

    private sealed record Entry(LogLevel Level, Dictionary<string, object?> State);

    private sealed class RecordingLogger : ILogger<GuardedHttpClient>
    {
        public ConcurrentQueue<Entry> Entries { get; } = new();

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var values = state as IReadOnlyList<KeyValuePair<string, object?>> ?? [];
            Entries.Enqueue(new Entry(logLevel, values.ToDictionary(v => v.Key, v => v.Value)));
        }
    }
}
