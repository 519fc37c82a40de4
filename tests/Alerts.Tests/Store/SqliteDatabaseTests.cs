using Alerts.Sqlite;
using Microsoft.Data.Sqlite;

namespace Alerts.Tests.Store;

public class SqliteDatabaseTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void MigrationsAreNumberedOneToNInOrder() =>
        Migrations.All.Select(m => m.Version).ShouldBe(Enumerable.Range(1, Migrations.All.Count));

    [Fact]
    public async Task FirstConnectionCreatesTheFolderAndAppliesEveryMigrationOnce()
    {
        using var store = new TempStore();

        (await store.Database.GetSchemaVersionAsync(Ct)).ShouldBe(Migrations.Latest);
        File.Exists(store.FilePath).ShouldBeTrue();
        (await CountMigrationRowsAsync(store.Database)).ShouldBe(Migrations.All.Count);
        var journal = await store.Database.WithConnectionAsync(async c => await ScalarAsync(c, "PRAGMA journal_mode;"), Ct);
        journal.ShouldBe("wal");
        var foreignKeys = await store.Database.WithConnectionAsync(async c => await ScalarAsync(c, "PRAGMA foreign_keys;"), Ct);
        foreignKeys.ShouldBe(1L);
    }

    [Fact]
    public async Task ReopeningAMigratedFileKeepsDataAndAppliesNothingTwice()
    {
        using var store = new TempStore();
        await store.Feeds.AddFeedAsync("https://example.org/feed", "Example", store.Time.GetUtcNow(), Ct);

        var again = store.Open();
        await again.MigrateAsync(Ct);
        await again.MigrateAsync(Ct);

        (await CountMigrationRowsAsync(again)).ShouldBe(Migrations.All.Count);
        (await new SqliteFeedStore(again).ListFeedsAsync(Ct)).Count.ShouldBe(1);
    }

    [Fact]
    public async Task ConcurrentFirstUseFromTwoInstancesMigratesOnce()
    {
        using var store = new TempStore();
        var other = store.Open();

        await Task.WhenAll(
            Task.Run(() => store.Database.MigrateAsync(Ct), Ct),
            Task.Run(() => other.MigrateAsync(Ct), Ct));

        (await CountMigrationRowsAsync(store.Database)).ShouldBe(Migrations.All.Count);
    }

    [Fact]
    public async Task ADatabaseFromANewerBuildIsRefused()
    {
        using var store = new TempStore();
        var newer = Migrations.Latest + 1;
        await store.Database.WithConnectionAsync(
            c => ScalarAsync(c, $"INSERT INTO schema_migrations (version, name, applied_at) VALUES ({newer}, 'future', 0);"), Ct);

        var reopened = store.Open();
        var error = await Should.ThrowAsync<InvalidOperationException>(() => reopened.MigrateAsync(Ct));

        error.Message.ShouldBe($"store: database schema version {newer} is newer than this build ({Migrations.Latest})");
        await Should.ThrowAsync<InvalidOperationException>(() => new SqliteFeedStore(reopened).ListFeedsAsync(Ct));
    }

    [Fact]
    public async Task AFailingTransactionLeavesNothingBehind()
    {
        using var store = new TempStore();

        await Should.ThrowAsync<InvalidOperationException>(() => store.Database.WithTransactionAsync<int>(async (c, t) =>
        {
            using var insert = c.CreateCommand();
            insert.Transaction = t;
            insert.CommandText = "INSERT INTO feeds (url, next_check_at) VALUES ('https://example.org/a', 0);";
            await insert.ExecuteNonQueryAsync(Ct);
            throw new InvalidOperationException("boom");
        }, Ct));

        (await store.Feeds.ListFeedsAsync(Ct)).ShouldBeEmpty();
    }

    private static Task<long> CountMigrationRowsAsync(SqliteDatabase database) =>
        database.WithConnectionAsync(async c => (long)(await ScalarAsync(c, "SELECT COUNT(*) FROM schema_migrations;"))!, Ct);

    private static async Task<object?> ScalarAsync(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync(Ct);
    }
}
