using Alerts.Sqlite;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace Alerts.Cli.Configuration;

/// <summary>
/// Turns a failure to open the database file into the setting to fix: a folder, an unwritable place or a file
/// that is not a database at Store:Path is a configuration problem (exit 2), not a crash.
/// </summary>
public static class StorePath
{
    // SQLITE_READONLY, SQLITE_IOERR, SQLITE_CANTOPEN, SQLITE_NOTADB: the file or its folder cannot be used.
    private static readonly int[] PathErrors = [8, 10, 14, 26];

    /// <summary>"config: Store:Path '…' …: cause" when <paramref name="exception"/> came from an unusable store path; else null.</summary>
    public static string? Diagnose(IServiceProvider services, Exception exception)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(exception);
        if (services.GetService<SqliteDatabase>() is not { } database)
        {
            return null;
        }

        var path = database.FilePath;
        if (Directory.Exists(path))
        {
            return $"config: Store:Path '{path}' is a folder; name the database file inside it (for example {Path.Combine(path, "alerts.db")})";
        }

        var cause = exception switch
        {
            SqliteException sqlite when PathErrors.Contains(sqlite.SqliteErrorCode) => sqlite.Message,
            IOException or UnauthorizedAccessException when Names(exception.Message, path) => exception.Message,
            _ => null,
        };
        return cause is null ? null : $"config: Store:Path '{path}' cannot be used as the database file: {cause}";
    }

    /// <summary>Whether a file-system error names the database file or one of its folders (creating them is what failed).</summary>
    private static bool Names(string message, string path)
    {
        for (var part = path; !string.IsNullOrEmpty(part) && part != Path.GetPathRoot(part); part = Path.GetDirectoryName(part))
        {
            if (message.Contains($"'{part}'", StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}
