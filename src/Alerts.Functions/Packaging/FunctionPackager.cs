using System.IO.Compression;
using System.Text.Json;

namespace Alerts.Functions.Packaging;

/// <summary>
/// Builds the zip Azure Functions deploys: host.json and one folder per function (from functions/ in the
/// repository) at the root, beside the self-contained publish output. The handler executable named by
/// host.json's <c>customHandler.description.defaultExecutablePath</c> keeps mode 0755 inside the zip: the
/// host starts it directly, and a file without its execute bit fails to start with "permission denied".
/// </summary>
public static class FunctionPackager
{
    /// <summary>Regular file, rwxr-xr-x (octal 100755), as stored in the high 16 bits of a zip entry's external attributes.</summary>
    public const int ExecutableMode = 0x81ED;

    /// <summary>Regular file, rw-r--r-- (octal 100644).</summary>
    public const int FileMode = 0x81A4;

    public const string FunctionsFolder = "functions";

    /// <summary>Writes <paramref name="outputZip"/> and returns the handler executable's entry name.</summary>
    public static string CreatePackage(string publishDirectory, string repositoryRoot, string outputZip)
    {
        var hostJson = Path.Combine(repositoryRoot, "host.json");
        if (!File.Exists(hostJson))
        {
            throw new PackageException($"package: {hostJson} not found");
        }

        var executable = ExecutableName(hostJson);
        if (!File.Exists(Path.Combine(publishDirectory, executable)))
        {
            throw new PackageException($"package: the handler executable {executable} (host.json defaultExecutablePath) is not in {publishDirectory}; publish with -r linux-x64 --self-contained true");
        }

        var functionFolders = Directory.Exists(Path.Combine(repositoryRoot, FunctionsFolder))
            ? Directory.GetDirectories(Path.Combine(repositoryRoot, FunctionsFolder)).Where(d => File.Exists(Path.Combine(d, "function.json"))).Order(StringComparer.Ordinal).ToList()
            : [];
        if (functionFolders.Count == 0)
        {
            throw new PackageException($"package: no functions/<Name>/function.json under {repositoryRoot}");
        }

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(outputZip))!);
        File.Delete(outputZip);
        using var zip = ZipFile.Open(outputZip, ZipArchiveMode.Create);
        Add(zip, hostJson, "host.json", FileMode);
        foreach (var folder in functionFolders)
        {
            var name = Path.GetFileName(folder);
            foreach (var file in Directory.GetFiles(folder, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            {
                Add(zip, file, name + "/" + Path.GetRelativePath(folder, file).Replace('\\', '/'), FileMode);
            }
        }

        foreach (var file in Directory.GetFiles(publishDirectory, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var entry = Path.GetRelativePath(publishDirectory, file).Replace('\\', '/');
            Add(zip, file, entry, entry == executable ? ExecutableMode : FileMode);
        }

        return executable;
    }

    /// <summary>The command behind deploy/package.sh: <c>package --publish DIR --root DIR --output FILE</c>.</summary>
    public static int Run(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        string? publish = null, root = ".", output = "artifacts/alerts-functions.zip";
        for (var i = 0; i + 1 < args.Count; i += 2)
        {
            switch (args[i])
            {
                case "--publish": publish = args[i + 1]; break;
                case "--root": root = args[i + 1]; break;
                case "--output": output = args[i + 1]; break;
                default:
                    Console.Error.WriteLine($"package: unknown option {args[i]}");
                    return 2;
            }
        }

        if (publish is null || args.Count % 2 != 0)
        {
            Console.Error.WriteLine("usage: Alerts.Functions package --publish DIR [--root REPO] [--output FILE.zip]");
            return 2;
        }

        try
        {
            var executable = CreatePackage(publish, root, output);
            Console.WriteLine($"package: wrote {Path.GetFullPath(output)} (handler {executable}, mode 0755)");
            return 0;
        }
        catch (Exception ex) when (ex is PackageException or IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine(ex.Message);
            return 1;
        }
    }

    private static string ExecutableName(string hostJson)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(hostJson));
        if (document.RootElement.TryGetProperty("customHandler", out var handler)
            && handler.TryGetProperty("description", out var description)
            && description.TryGetProperty("defaultExecutablePath", out var path)
            && path.GetString() is { Length: > 0 } name)
        {
            return name;
        }

        throw new PackageException($"package: {hostJson} has no customHandler.description.defaultExecutablePath");
    }

    private static void Add(ZipArchive zip, string file, string entryName, int mode)
    {
        var entry = zip.CreateEntryFromFile(file, entryName, CompressionLevel.Optimal);
        entry.ExternalAttributes = mode << 16;
    }
}

public sealed class PackageException : Exception
{
    public PackageException() { }
    public PackageException(string message) : base(message) { }
    public PackageException(string message, Exception innerException) : base(message, innerException) { }
}
