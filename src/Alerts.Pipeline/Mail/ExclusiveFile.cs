using System.Runtime.InteropServices;

namespace Alerts.Pipeline.Mail;

/// <summary>
/// Publishes a fully written temporary file under its final name only if no file has that name yet, as one
/// atomic step, so two concurrent sends of one digest leave one file and exactly one of them wins.
/// <see cref="File.Move(string, string, bool)"/> without overwrite checks and then renames on Unix, which two
/// writers can both pass; a hard link (link(2)) fails with EEXIST instead.
/// </summary>
internal static partial class ExclusiveFile
{
    private const int AlreadyExists = 17;

    /// <summary>True when <paramref name="temp"/> now has the name <paramref name="path"/>; false when that name was taken.</summary>
    public static bool TryPublish(string temp, string path)
    {
        if (OperatingSystem.IsWindows())
        {
            // MoveFileEx without MOVEFILE_REPLACE_EXISTING is atomic on Windows.
            try
            {
                File.Move(temp, path, overwrite: false);
                return true;
            }
            catch (IOException) when (File.Exists(path))
            {
                return false;
            }
        }

        if (Link(temp, path) == 0)
        {
            File.Delete(temp);
            return true;
        }

        var error = Marshal.GetLastPInvokeError();
        return error == AlreadyExists ? false : throw new IOException($"mail: could not publish {path} (errno {error})");
    }

    [LibraryImport("libc", EntryPoint = "link", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static partial int Link(string existing, string created);
}
