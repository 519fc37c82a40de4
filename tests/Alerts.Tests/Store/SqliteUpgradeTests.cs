using System.Buffers.Binary;
using System.Diagnostics;
using Alerts.Sqlite;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace Alerts.Tests.Store;

/// <summary>
/// The move from Microsoft.Data.Sqlite.Core 6.0.0 (SQLite 3.35.5) to Microsoft.Data.Sqlite 10.0.14 (its bundled
/// SQLite): an existing store opens, migrates and keeps its data; WAL and the busy timeout still hold.
/// </summary>
public class SqliteUpgradeTests
{
    /// <summary>
    /// Written by <c>alerts run --once</c> on the sample configuration with the code of commit ac76ce4 (schema 4,
    /// Microsoft.Data.Sqlite.Core 6.0.0 with SQLite 3.35.5), before the upgrade.
    /// </summary>
    private const string OldStore = "alerts-v4-sqlite-3.35.5.db";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AStoreWrittenBySqlite3355AtSchema4OpensMigratedWithItsDataIntact()
    {
        using var folder = new TempFolder();
        var path = Path.Combine(folder.Path, "alerts.db");
        File.Copy(TestEnvironment.TestData(Path.Combine("Store", "testdata", OldStore)), path);
        // The header records the SQLite version that last wrote the file (offset 96, big-endian).
        WriterVersion(path).ShouldBe(3_035_005);

        using var database = new SqliteDatabase(Options.Create(new SqliteOptions { Path = path }), TimeProvider.System);
        (await database.GetSchemaVersionAsync(Ct)).ShouldBe(Migrations.Latest);

        var applied = await database.WithConnectionAsync(async c => await ReadAsync(c, "SELECT version FROM schema_migrations ORDER BY version;"), Ct);
        applied.ShouldBe(Migrations.All.Select(m => (object)(long)m.Version));
        (await new SqliteFeedStore(database).ListFeedsAsync(Ct)).Count.ShouldBe(3);
        var articles = new SqliteArticleStore(database);
        (await articles.CountArticlesAsync(Ct)).ShouldBe(7);
        (await articles.GetArticleAsync(3, Ct)).ShouldNotBeNull().Title.ShouldBe("Kremlin denies Turkey asked to hand back S-400s");
        var topics = new SqliteTopicStore(database);
        (await topics.ListTopicsAsync(Ct)).Select(t => t.Id).ShouldBe(["city-trams", "turkey-s400"], ignoreOrder: true);
        (await topics.ListMatchesForArticleAsync(1, Ct)).ShouldHaveSingleItem().TopicId.ShouldBe("turkey-s400");
        var claims = new SqliteClaimStore(database);
        (await claims.CountClustersAsync(Ct)).ShouldBe(12);
        (await claims.ListEventsAsync("turkey-s400", 0, 100, Ct)).Count.ShouldBeGreaterThan(0);
        (await claims.ListEventsAsync("turkey-s400", 0, 100, Ct)).Count
            .ShouldBe(18 - (await claims.ListEventsAsync("city-trams", 0, 100, Ct)).Count);
        var subscriptions = new SqliteSubscriptionStore(database, TimeProvider.System);
        var reader = (await subscriptions.FindByEmailAsync("reader@example.com", Ct)).ShouldNotBeNull();
        (await subscriptions.ListDigestsAsync(reader.Id, Ct)).ShouldHaveSingleItem().State.ShouldBe(Alerts.Pipeline.Storage.DigestState.Sent);

        // Clusters stored before versions existed start at version 1 and take the next write at that version.
        var cluster = (await claims.GetClusterAsync("city-trams:6#1", Ct)).ShouldNotBeNull();
        cluster.Version.ShouldBe(1);
        (await claims.SaveArticleResultAsync(99, "city-trams", new(
            [], [cluster with { Sightings = [.. cluster.Sightings, cluster.Sightings[0] with { ArticleKey = "99" }] }], []), DateTimeOffset.UnixEpoch, Ct)).ShouldBeTrue();
        (await claims.GetClusterAsync("city-trams:6#1", Ct)).ShouldNotBeNull().Version.ShouldBe(2);

        var integrity = await database.WithConnectionAsync(async c => await ReadAsync(c, "PRAGMA integrity_check;"), Ct);
        integrity.ShouldBe(["ok"]);
    }

    [Fact]
    public async Task TheStoreRunsOnTheBundledSqlite3533WithWalAndABusyTimeout()
    {
        using var store = new TempStore();

        var version = await store.Database.WithConnectionAsync(async c => await ReadAsync(c, "SELECT sqlite_version();"), Ct);
        var journal = await store.Database.WithConnectionAsync(async c => await ReadAsync(c, "PRAGMA journal_mode;"), Ct);
        var busy = await store.Database.WithConnectionAsync(async c => await ReadAsync(c, "PRAGMA busy_timeout;"), Ct);

        TestContext.Current.TestOutputHelper?.WriteLine($"sqlite_version()={version[0]}");
        version.ShouldBe(["3.53.3"]);
        journal.ShouldBe(["wal"]);
        busy.ShouldBe([5000L]);
    }

    /// <summary>
    /// Issue 15, defect 5: SQLite 3.35.5 as bundled before waited for a lock in 1-second sleeps, so a 50 ms
    /// write cost a waiting writer 1,000 ms. The bundled build now retries within milliseconds.
    /// </summary>
    [Fact]
    public async Task AWriterWaitsForAShortLockAboutAsLongAsItIsHeld()
    {
        using var store = new TempStore();
        await store.Database.MigrateAsync(Ct);
        var waits = new List<double>();
        for (var i = 0; i < 5; i++)
        {
            using var holder = await store.Database.OpenConnectionAsync(Ct);
            using var lockHeld = holder.BeginTransaction(deferred: false);
            var release = Task.Run(async () =>
            {
                await Task.Delay(50, Ct);
                lockHeld.Commit();
            }, Ct);

            var clock = Stopwatch.StartNew();
            await store.Database.WithTransactionAsync((_, _) => Task.CompletedTask, Ct);
            waits.Add(clock.Elapsed.TotalMilliseconds);
            await release;
        }

        TestContext.Current.TestOutputHelper?.WriteLine($"waits for a 50 ms lock: {string.Join(", ", waits.Select(w => w.ToString("F0", System.Globalization.CultureInfo.InvariantCulture)))} ms");
        waits.Min().ShouldBeGreaterThanOrEqualTo(40);
        waits.Order().ElementAt(2).ShouldBeLessThan(400);
    }

    private static int WriterVersion(string path)
    {
        var header = new byte[100];
        using (var file = File.OpenRead(path))
        {
            file.ReadExactly(header);
        }

        return BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(96, 4));
    }

    private static async Task<List<object>> ReadAsync(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = await command.ExecuteReaderAsync(Ct);
        var values = new List<object>();
        while (await reader.ReadAsync(Ct))
        {
            values.Add(reader.GetValue(0));
        }

        return values;
    }

    private sealed class TempFolder : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("alerts-upgrade-").FullName;

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
