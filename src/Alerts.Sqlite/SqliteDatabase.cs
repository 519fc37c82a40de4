using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Alerts.Sqlite;

/// <summary>
/// The database file: opens configured connections and brings the schema up to date before the first one is
/// handed out (lazily, so a CLI command that never starts the host still gets a migrated store). Every store
/// in this project (and later ones: topics, claims) goes through <see cref="WithConnectionAsync{T}"/> or
/// <see cref="WithTransactionAsync{T}"/>.
/// </summary>
public sealed partial class SqliteDatabase : IDisposable
{
    /// <summary>A write transaction that waited for the lock or held it longer than this is logged (at Debug: <c>--verbose</c>).</summary>
    public static readonly TimeSpan SlowWrite = TimeSpan.FromMilliseconds(25);

    private readonly string _connectionString;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _migrationGate = new(1, 1);
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private volatile bool _migrated;

    static SqliteDatabase() => SQLitePCL.Batteries_V2.Init();

    public SqliteDatabase(IOptions<SqliteOptions> options, TimeProvider timeProvider, ILogger<SqliteDatabase>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _timeProvider = timeProvider;
        _logger = logger ?? NullLogger<SqliteDatabase>.Instance;
        FilePath = System.IO.Path.GetFullPath(options.Value.Path);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = FilePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
        }.ToString();
    }

    /// <summary>The absolute path of the database file.</summary>
    public string FilePath { get; }

    /// <summary>Runs <paramref name="work"/> on an open connection of its own (connections are pooled).</summary>
    public async Task<T> WithConnectionAsync<T>(Func<SqliteConnection, Task<T>> work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        using var connection = await OpenConnectionAsync(cancellationToken);
        return await work(connection);
    }

    /// <summary>
    /// Runs <paramref name="work"/> in a write transaction (BEGIN IMMEDIATE: the write lock is taken up front, so
    /// reads inside see no concurrent writer) and commits when it returns; an exception rolls everything back.
    /// </summary>
    /// <remarks>
    /// The writers of one process take turns here, first come first served, before they ask SQLite for the
    /// lock: SQLite's busy handler polls with growing sleeps and is not fair, so eight concurrent requests would
    /// otherwise wait far longer than the sum of their transactions. Writers in other processes still meet at
    /// the file lock, within the busy timeout. Work inside must not start another write transaction.
    /// </remarks>
    public async Task<T> WithTransactionAsync<T>(Func<SqliteConnection, SqliteTransaction, Task<T>> work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        using var connection = await OpenConnectionAsync(cancellationToken);
        var asked = Stopwatch.GetTimestamp();
        await _writeGate.WaitAsync(cancellationToken);
        try
        {
            using var transaction = connection.BeginTransaction(deferred: false);
            var locked = Stopwatch.GetTimestamp();
            var result = await work(connection, transaction);
            transaction.Commit();
            var held = Stopwatch.GetElapsedTime(locked);
            var waited = Stopwatch.GetElapsedTime(asked, locked);
            if (held > SlowWrite || waited > SlowWrite)
            {
                LogSlowWrite(_logger, held.TotalMilliseconds, waited.TotalMilliseconds);
            }

            return result;
        }
        finally
        {
            _writeGate.Release();
        }
    }

    /// <inheritdoc cref="WithConnectionAsync{T}"/>
    public Task WithConnectionAsync(Func<SqliteConnection, Task> work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        return WithConnectionAsync(async connection =>
        {
            await work(connection);
            return true;
        }, cancellationToken);
    }

    /// <inheritdoc cref="WithTransactionAsync{T}"/>
    public Task WithTransactionAsync(Func<SqliteConnection, SqliteTransaction, Task> work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        return WithTransactionAsync(async (connection, transaction) =>
        {
            await work(connection, transaction);
            return true;
        }, cancellationToken);
    }

    /// <summary>An open, configured connection on a migrated database; the caller disposes it.</summary>
    public async Task<SqliteConnection> OpenConnectionAsync(CancellationToken cancellationToken)
    {
        if (!_migrated)
        {
            await MigrateAsync(cancellationToken);
        }

        return await OpenConfiguredAsync(cancellationToken);
    }

    /// <summary>
    /// Applies the migrations the file lacks, each in its own transaction; a no-op when it is up to date. Safe
    /// to call concurrently, from several processes too. Refuses a file written by a newer build.
    /// </summary>
    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        await _migrationGate.WaitAsync(cancellationToken);
        try
        {
            if (_migrated)
            {
                return;
            }

            var folder = System.IO.Path.GetDirectoryName(FilePath);
            if (!string.IsNullOrEmpty(folder))
            {
                Directory.CreateDirectory(folder);
            }

            using var connection = await OpenConfiguredAsync(cancellationToken);
            // WAL lets readers work while one writer commits; the mode is stored in the file.
            await ExecuteAsync(connection, null, "PRAGMA journal_mode = WAL;", cancellationToken);
            await ExecuteAsync(connection, null, """
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version INTEGER PRIMARY KEY,
                    name TEXT NOT NULL,
                    applied_at INTEGER NOT NULL
                );
                """, cancellationToken);

            var known = await ReadVersionAsync(connection, null, cancellationToken);
            EnsureNotNewer(known);
            // An up-to-date file costs no write lock, so a restart does not wait for a busy writer.
            foreach (var migration in Migrations.All.Where(m => m.Version > known))
            {
                using var transaction = connection.BeginTransaction(deferred: false);
                // Re-read under the write lock: another process may have applied it meanwhile.
                var current = await ReadVersionAsync(connection, transaction, cancellationToken);
                EnsureNotNewer(current);
                if (migration.Version > current)
                {
                    await ExecuteAsync(connection, transaction, migration.Sql, cancellationToken);
                    using var record = connection.CreateCommand();
                    record.Transaction = transaction;
                    record.CommandText = "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($version, $name, $at);";
                    record.Parameters.AddWithValue("$version", migration.Version);
                    record.Parameters.AddWithValue("$name", migration.Name);
                    record.Parameters.AddWithValue("$at", _timeProvider.GetUtcNow().ToUnixTimeMilliseconds());
                    await record.ExecuteNonQueryAsync(cancellationToken);
                }

                transaction.Commit();
            }

            _migrated = true;
        }
        finally
        {
            _migrationGate.Release();
        }
    }

    /// <summary>The schema version recorded in the file (0 for a new file).</summary>
    public Task<int> GetSchemaVersionAsync(CancellationToken cancellationToken) =>
        WithConnectionAsync(connection => ReadVersionAsync(connection, null, cancellationToken), cancellationToken);

    /// <summary>Closes the pooled connections, so that the file is released.</summary>
    public void Dispose()
    {
        using (var connection = new SqliteConnection(_connectionString))
        {
            SqliteConnection.ClearPool(connection);
        }

        _migrationGate.Dispose();
        _writeGate.Dispose();
    }

    private async Task<SqliteConnection> OpenConfiguredAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            // Per-connection settings: wait up to 5 s for another writer instead of failing with SQLITE_BUSY;
            // NORMAL is durable across application crashes in WAL mode (only an OS crash may lose the last commits).
            await ExecuteAsync(connection, null, "PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000; PRAGMA synchronous = NORMAL;", cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private static void EnsureNotNewer(int version)
    {
        if (version > Migrations.Latest)
        {
            throw new InvalidOperationException($"store: database schema version {version} is newer than this build ({Migrations.Latest})");
        }
    }

    private static async Task<int> ReadVersionAsync(SqliteConnection connection, SqliteTransaction? transaction, CancellationToken cancellationToken)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT COALESCE(MAX(version), 0) FROM schema_migrations;";
        return Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task ExecuteAsync(SqliteConnection connection, SqliteTransaction? transaction, string sql, CancellationToken cancellationToken)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "store: a write transaction held the lock {HeldMs:F0} ms, after waiting {WaitedMs:F0} ms for it")]
    private static partial void LogSlowWrite(ILogger logger, double heldMs, double waitedMs);
}
