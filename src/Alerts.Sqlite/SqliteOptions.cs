using System.ComponentModel.DataAnnotations;

namespace Alerts.Sqlite;

/// <summary>Settings of the embedded store, bound from the configuration section "Store".</summary>
public sealed class SqliteOptions
{
    public const string SectionName = "Store";

    /// <summary>
    /// Path of the SQLite database file, relative to the working directory or absolute. Its folder is created
    /// when missing. The WAL journal adds two files beside it (<c>-wal</c> and <c>-shm</c>).
    /// </summary>
    [Required(AllowEmptyStrings = false)]
    public string Path { get; set; } = "./data/alerts.db";
}
