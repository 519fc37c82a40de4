using Alerts.Sqlite;
using Microsoft.Extensions.Options;

namespace Alerts.Tests.Store;

/// <summary>A database file in a fresh temporary folder with the three stores on a manual clock; deleted on dispose.</summary>
internal sealed class TempStore : IDisposable
{
    private readonly List<SqliteDatabase> _opened = [];

    public TempStore()
    {
        Folder = Directory.CreateTempSubdirectory("alerts-store-").FullName;
        FilePath = Path.Combine(Folder, "nested", "alerts.db");
        Database = Open();
        Feeds = new SqliteFeedStore(Database);
        Articles = new SqliteArticleStore(Database);
        Queue = new SqliteWorkQueue(Database, Time);
    }

    public string Folder { get; }

    public string FilePath { get; }

    public ManualTimeProvider Time { get; } = new();

    public SqliteDatabase Database { get; }

    public SqliteFeedStore Feeds { get; }

    public SqliteArticleStore Articles { get; }

    public SqliteWorkQueue Queue { get; }

    /// <summary>Another, independent instance on the same file (as a second process or a restart would have).</summary>
    public SqliteDatabase Open()
    {
        var database = new SqliteDatabase(Options.Create(new SqliteOptions { Path = FilePath }), Time);
        _opened.Add(database);
        return database;
    }

    public void Dispose()
    {
        foreach (var database in _opened)
        {
            database.Dispose();
        }

        Directory.Delete(Folder, recursive: true);
    }
}
