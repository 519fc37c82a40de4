using System.Globalization;

namespace Alerts.Sqlite;

/// <summary>
/// The store-level lease of <c>alerts run</c>: an exclusive lock on <c>&lt;database&gt;.run.lock</c> beside the
/// database file, held for as long as the run lasts, so two runs on one store never poll the same feeds. The
/// operating system releases it when the process ends however it ends (<c>kill -9</c> included), so a crashed
/// run never blocks the next one; and it is per open file, so two hosts in one process exclude each other too.
/// Who holds it is written to <c>&lt;database&gt;.run</c> for the message the second run prints.
/// </summary>
public sealed class SqliteRunLease : IDisposable
{
    private readonly FileStream _lock;

    private SqliteRunLease(FileStream fileLock) => _lock = fileLock;

    /// <summary>
    /// Takes the lease, or returns null and describes the current holder in <paramref name="holder"/> when another
    /// run has it. Never waits.
    /// </summary>
    public static SqliteRunLease? TryAcquire(SqliteDatabase database, TimeProvider clock, out string holder)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(clock);
        var lockPath = database.FilePath + ".run.lock";
        var infoPath = database.FilePath + ".run";
        var folder = Path.GetDirectoryName(lockPath);
        if (!string.IsNullOrEmpty(folder))
        {
            Directory.CreateDirectory(folder);
        }

        FileStream fileLock;
        try
        {
            // FileShare.None is an exclusive flock() on Unix and a sharing lock on Windows.
            fileLock = new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException ex) when (IsHeldElsewhere(ex))
        {
            holder = $"another alerts run ({ReadHolder(infoPath)}) is already running on {database.FilePath}";
            return null;
        }

        holder = string.Create(CultureInfo.InvariantCulture, $"pid {Environment.ProcessId}, since {clock.GetUtcNow():yyyy-MM-dd HH:mm:ss}Z");
        File.WriteAllText(infoPath, holder);
        return new SqliteRunLease(fileLock);
    }

    public void Dispose() => _lock.Dispose();

    /// <summary>
    /// A lock held by someone else, not another I/O failure: Windows reports a sharing or lock violation (32, 33);
    /// on Unix the HResult is flock's errno, EWOULDBLOCK (11 on Linux, 35 on macOS and the BSDs).
    /// </summary>
    private static bool IsHeldElsewhere(IOException ex) =>
        OperatingSystem.IsWindows() ? (ex.HResult & 0xFFFF) is 32 or 33 : ex.HResult == (OperatingSystem.IsLinux() ? 11 : 35);

    private static string ReadHolder(string infoPath)
    {
        try
        {
            return File.ReadAllText(infoPath).Trim();
        }
        catch (IOException)
        {
            return "holder unknown";
        }
    }
}
