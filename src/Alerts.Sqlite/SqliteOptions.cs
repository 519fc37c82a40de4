using System.ComponentModel.DataAnnotations;

namespace Alerts.Sqlite;

/// <summary>Settings of the embedded store, bound from the configuration section "Store".</summary>
public sealed class SqliteOptions : IValidatableObject
{
    public const string SectionName = "Store";

    /// <summary>
    /// Path of the SQLite database file, relative to the working directory or absolute. Its folder is created
    /// when missing. The WAL journal adds two files beside it (<c>-wal</c> and <c>-shm</c>).
    /// </summary>
    [Required(AllowEmptyStrings = false)]
    public string Path { get; set; } = "./data/alerts.db";

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        // Every operation opens its own connection, and each in-memory connection is a separate empty database.
        if (Path.Trim().StartsWith(":memory:", StringComparison.OrdinalIgnoreCase))
        {
            yield return new ValidationResult("store: Path must name a file, not :memory:", [nameof(Path)]);
        }
    }
}
