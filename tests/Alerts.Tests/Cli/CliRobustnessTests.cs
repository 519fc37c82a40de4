using Alerts.Cli;
using Alerts.Core.Subscriptions;
using Alerts.Pipeline.Hosting;
using Alerts.Pipeline.Storage;
using Alerts.Pipeline.Subscriptions;
using Alerts.Sqlite;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Alerts.Tests.Cli;

/// <summary>
/// What an operator's mistakes and races do to the CLI: bad subscriber values, typos in settings, an unusable
/// store path, files that are not input, two processes syncing one fresh store. One line and a clear exit code each.
/// </summary>
public sealed class CliRobustnessTests : IDisposable
{
    private readonly SampleFolder _samples = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _samples.Dispose();

    [Theory]
    [InlineData("    frequency: immediate", "    frequency: sometimes", "Subscribers:0:Frequency 'sometimes' must be one of immediate, hourly, daily, weekly")]
    [InlineData("    frequency: immediate", "    frequency: weekly\n    day: Someday", "Subscribers:0:Day 'Someday' must be one of sunday, monday")]
    [InlineData("    frequency: immediate", "    frequency: daily\n    hour: eight", "Subscribers:0:Hour 'eight' must be a whole hour from 0 to 23")]
    public async Task ABadSubscriberValueIsRefusedWithTheSettingsNameInsteadOfDroppingTheSubscriber(string line, string replacement, string message)
    {
        _samples.Edit(yaml => yaml.Replace(line, replacement, StringComparison.Ordinal));

        var (exit, _, error) = await SampleFolder.RunAsync("run", "--once", "--config", _samples.Config);

        exit.ShouldBe(ExitCodes.Usage, error);
        error.ShouldContain(message);
        error.ShouldNotContain("   at ");
    }

    [Fact]
    public async Task UnknownSectionsAndKeysInTheConfigurationFileAreWarnedAbout()
    {
        _samples.Edit(yaml => yaml.Replace("fetch:", "fetchh:", StringComparison.Ordinal).Replace("    frequency: immediate", "    frequncy: daily", StringComparison.Ordinal));

        var (exit, _, error) = await SampleFolder.RunAsync("subscriptions", "list", "--config", _samples.Config);

        exit.ShouldBe(ExitCodes.Success, error);
        error.ShouldContain("config: warning: unknown setting 'fetchh' in ");
        error.ShouldContain("config: warning: unknown setting 'subscribers:0:frequncy' in ");
    }

    [Fact]
    public async Task TheSampleConfigurationHasNoUnknownSettings()
    {
        var (exit, _, error) = await SampleFolder.RunAsync("subscriptions", "list", "--config", _samples.Config);

        exit.ShouldBe(ExitCodes.Success, error);
        error.ShouldNotContain("warning");
    }

    [Fact]
    public async Task AStorePathThatIsAFolderExitsTwoNamingStorePath()
    {
        Directory.CreateDirectory(_samples.StorePath);

        var (exit, _, error) = await SampleFolder.RunAsync("feeds", "list", "--config", _samples.Config);

        exit.ShouldBe(ExitCodes.Usage, error);
        error.ShouldStartWith($"config: Store:Path '{_samples.StorePath}' is a folder");
        error.ShouldNotContain("   at ");
    }

    [Fact]
    public async Task AStorePathThatCannotBeCreatedExitsTwoNamingStorePathAndTheCause()
    {
        // Nothing can create folders under /proc, not even root, so this is unwritable everywhere.
        _samples.Edit(yaml => yaml.Replace(_samples.StorePath, "/proc/alerts-test/alerts.db", StringComparison.Ordinal));

        var (exit, _, error) = await SampleFolder.RunAsync("feeds", "list", "--config", _samples.Config);

        exit.ShouldBe(ExitCodes.Usage, error);
        error.ShouldStartWith("config: Store:Path '/proc/alerts-test/alerts.db' cannot be used as the database file: ");
        error.Trim().ShouldNotContain("\n");
    }

    [Fact]
    public async Task AStoreWrittenByANewerBuildIsOneLineNotAStackTrace()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_samples.StorePath)!);
        await using (var connection = new SqliteConnection($"Data Source={_samples.StorePath};Pooling=False"))
        {
            await connection.OpenAsync(Ct);
            using var command = connection.CreateCommand();
            command.CommandText = "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL); INSERT INTO schema_migrations VALUES (9999, 'future', 0);";
            await command.ExecuteNonQueryAsync(Ct);
        }

        var (exit, _, error) = await SampleFolder.RunAsync("feeds", "list", "--config", _samples.Config);

        exit.ShouldBe(ExitCodes.Failures, error);
        error.ShouldStartWith("store: database schema version 9999 is newer than this build");
        error.Trim().ShouldNotContain("\n");
    }

    [Fact]
    public async Task FeedsParseRefusesADeviceFileAtOnce()
    {
        var (exit, _, error) = await SampleFolder.RunAsync("feeds", "parse", "/dev/zero");

        exit.ShouldBe(ExitCodes.Usage);
        error.ShouldBe("input: /dev/zero is not a regular file (a device, pipe or special file); give a regular file" + Environment.NewLine);
    }

    [Fact]
    public async Task FeedsParseRefusesAFileOverFetchMaxBytes()
    {
        _samples.Edit(yaml => yaml.Replace("maxBytes: 15000000", "maxBytes: 2048", StringComparison.Ordinal));
        var big = Path.Combine(_samples.Root, "big.xml");
        await File.WriteAllTextAsync(big, "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Big</title>" + string.Concat(Enumerable.Repeat("<item><title>An item</title><link>https://news.example/a</link></item>", 100)) + "</channel></rss>", Ct);

        var (exit, _, error) = await SampleFolder.RunAsync("feeds", "parse", big, "--config", _samples.Config);

        exit.ShouldBe(ExitCodes.Usage, error);
        error.ShouldContain($"input: {big} is 7");
        error.ShouldContain("over the 2048-byte limit (Fetch:MaxBytes)");
    }

    [Fact]
    public async Task ExtractRefusesABinaryFile()
    {
        var binary = Path.Combine(_samples.Root, "photo.jpg");
        var bytes = new byte[4096];
        new Random(7).NextBytes(bytes);
        bytes[0] = 0xFF;
        bytes[1] = 0xD8;
        bytes[10] = 0;
        await File.WriteAllBytesAsync(binary, bytes, Ct);

        var (exit, output, error) = await SampleFolder.RunAsync("extract", binary, "--config", _samples.Config);

        exit.ShouldBe(ExitCodes.Usage, error);
        error.ShouldBe($"input: {binary} is not a text file (it holds binary data); give an HTML, XML, JSON or text file" + Environment.NewLine);
        output.ShouldBeEmpty();
    }

    [Fact]
    public async Task TwoProcessesAddingTheSameOperatorSubscriberConvergeOnOneRow()
    {
        // The other process inserts the address between this one's look-up and its insert: the exact
        // interleaving that made the second of two fresh starts die on UNIQUE(subscriptions.email).
        using var other = Build(null);
        using var host = Build(services => services.AddSingleton<ISubscriptionStore>(sp =>
            new InterleavingStore(sp.GetRequiredService<SqliteSubscriptionStore>(), other.Services.GetRequiredService<ManageSubscriptions>())));
        await host.Services.GetRequiredService<SqliteDatabase>().MigrateAsync(Ct);
        await host.Services.GetRequiredService<ITopicStore>().UpsertTopicAsync(new Alerts.Core.Topics.Topic("ports", "Ports", "port"), Ct);
        var request = new SubscriptionRequest("reader@example.com", ["ports"], DigestFrequency.Daily, 8, DayOfWeek.Monday, "UTC");

        var subscription = await host.Services.GetRequiredService<ManageSubscriptions>().EnsureOperatorSubscriberAsync(request, Ct);

        var all = await other.Services.GetRequiredService<ISubscriptionStore>().ListAsync(Ct);
        all.Count.ShouldBe(1);
        all[0].Email.ShouldBe("reader@example.com");
        all[0].State.ShouldBe(SubscriptionState.Active);
        subscription.Id.ShouldBe(all[0].Id);
    }

    private IHost Build(Action<IServiceCollection>? services)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Store:Path"] = _samples.StorePath,
            ["Mail:Outbox:Folder"] = Path.Combine(_samples.Root, "outbox"),
        });
        builder.Logging.ClearProviders();
        builder.AddAlertsCore();
        builder.AddSqliteStore();
        services?.Invoke(builder.Services);
        return builder.Build();
    }

    /// <summary>The real SQLite store, except that the first look-up by address lets another process subscribe the address first.</summary>
    private sealed class InterleavingStore(ISubscriptionStore inner, ManageSubscriptions otherProcess) : ISubscriptionStore
    {
        private int _lookups;

        public async Task<Subscription?> FindByEmailAsync(string email, CancellationToken cancellationToken)
        {
            var found = await inner.FindByEmailAsync(email, cancellationToken);
            if (Interlocked.Increment(ref _lookups) == 1)
            {
                await otherProcess.EnsureOperatorSubscriberAsync(
                    new SubscriptionRequest(email, ["ports"], DigestFrequency.Daily, 8, DayOfWeek.Monday, "UTC"), cancellationToken);
            }

            return found;
        }

        public Task<Subscription?> GetAsync(string id, CancellationToken cancellationToken) => inner.GetAsync(id, cancellationToken);

        public Task<IReadOnlyList<Subscription>> ListAsync(CancellationToken cancellationToken) => inner.ListAsync(cancellationToken);

        public Task SaveAsync(Subscription subscription, bool startFromNow, CancellationToken cancellationToken) => inner.SaveAsync(subscription, startFromNow, cancellationToken);

        public Task<int> DeleteExpiredPendingAsync(DateTimeOffset createdBefore, CancellationToken cancellationToken) => inner.DeleteExpiredPendingAsync(createdBefore, cancellationToken);

        public Task<IReadOnlyList<DigestCandidate>> ListDigestCandidatesAsync(CancellationToken cancellationToken) => inner.ListDigestCandidatesAsync(cancellationToken);

        public Task<DigestRecord?> ClaimDigestAsync(string subscriptionId, string windowKey, string digestId, DateTimeOffset now, CancellationToken cancellationToken) =>
            inner.ClaimDigestAsync(subscriptionId, windowKey, digestId, now, cancellationToken);

        public Task<IReadOnlyList<DigestEventRange>> PeekUnsentAsync(string subscriptionId, CancellationToken cancellationToken) => inner.PeekUnsentAsync(subscriptionId, cancellationToken);

        public Task<DigestRecord?> GetDigestAsync(string digestId, CancellationToken cancellationToken) => inner.GetDigestAsync(digestId, cancellationToken);

        public Task<IReadOnlyList<DigestRecord>> ListDigestsAsync(string subscriptionId, CancellationToken cancellationToken) => inner.ListDigestsAsync(subscriptionId, cancellationToken);

        public Task<IReadOnlyList<DigestRecord>> ListStalePendingDigestsAsync(DateTimeOffset createdBefore, int limit, CancellationToken cancellationToken) =>
            inner.ListStalePendingDigestsAsync(createdBefore, limit, cancellationToken);

        public Task<bool> MarkDigestSentAsync(string digestId, string? providerId, DateTimeOffset sentAt, CancellationToken cancellationToken) =>
            inner.MarkDigestSentAsync(digestId, providerId, sentAt, cancellationToken);

        public Task<bool> MarkDigestFailedAsync(string digestId, string reason, DateTimeOffset at, CancellationToken cancellationToken) =>
            inner.MarkDigestFailedAsync(digestId, reason, at, cancellationToken);

        public Task<string> GetOrCreateSecretAsync(string keyId, Func<string> create, CancellationToken cancellationToken) =>
            inner.GetOrCreateSecretAsync(keyId, create, cancellationToken);
    }
}
