using System.IO.Compression;
using Alerts.Functions.Packaging;

namespace Alerts.Tests.Functions;

/// <summary>
/// The zip layout the Functions host needs, built by the same packager deploy/package.sh runs, from a
/// small stand-in publish folder (a real self-contained publish takes minutes on a shared machine; the
/// README of src/Alerts.Functions describes the manual check on a real one).
/// </summary>
public sealed class FunctionPackagerTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "alerts-tests", Guid.NewGuid().ToString("N"));

    public FunctionPackagerTests() => Directory.CreateDirectory(_folder);

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string FakePublish(bool withExecutable = true)
    {
        var publish = Path.Combine(_folder, "publish");
        Directory.CreateDirectory(Path.Combine(publish, "runtimes", "linux-x64", "native"));
        if (withExecutable)
        {
            File.WriteAllBytes(Path.Combine(publish, "Alerts.Functions"), [0x7F, (byte)'E', (byte)'L', (byte)'F']);
        }

        File.WriteAllText(Path.Combine(publish, "Alerts.Functions.dll"), "assembly");
        File.WriteAllText(Path.Combine(publish, "runtimes", "linux-x64", "native", "libe_sqlite3.so"), "native");
        return publish;
    }

    private static int Mode(ZipArchiveEntry entry) => (entry.ExternalAttributes >> 16) & 0xFFFF;

    [Fact]
    public void ThePackageHasHostJsonAndTheFunctionFoldersAtTheRootAndAnExecutableHandler()
    {
        var zipPath = Path.Combine(_folder, "out", "alerts-functions.zip");

        var executable = FunctionPackager.CreatePackage(FakePublish(), TestEnvironment.RepositoryRoot, zipPath);

        executable.ShouldBe("Alerts.Functions");
        using var zip = ZipFile.OpenRead(zipPath);
        var names = zip.Entries.Select(e => e.FullName).ToList();
        names.ShouldContain("host.json");
        foreach (var function in Directory.GetDirectories(Path.Combine(TestEnvironment.RepositoryRoot, "functions")).Select(Path.GetFileName))
        {
            names.ShouldContain($"{function}/function.json");
        }

        names.ShouldContain("Alerts.Functions.dll");
        names.ShouldContain("runtimes/linux-x64/native/libe_sqlite3.so");
        names.ShouldNotContain(n => n.StartsWith("functions/", StringComparison.Ordinal) || n.Contains('\\'));
        Convert.ToString(Mode(zip.GetEntry("Alerts.Functions")!), 8).ShouldBe("100755");
        Convert.ToString(Mode(zip.GetEntry("Alerts.Functions.dll")!), 8).ShouldBe("100644");
        Convert.ToString(Mode(zip.GetEntry("host.json")!), 8).ShouldBe("100644");
    }

    [Fact]
    public void PackagedFilesKeepTheirContent()
    {
        var zipPath = Path.Combine(_folder, "alerts-functions.zip");
        FunctionPackager.CreatePackage(FakePublish(), TestEnvironment.RepositoryRoot, zipPath);

        using var zip = ZipFile.OpenRead(zipPath);
        using var reader = new StreamReader(zip.GetEntry("host.json")!.Open());

        reader.ReadToEnd().ShouldBe(File.ReadAllText(Path.Combine(TestEnvironment.RepositoryRoot, "host.json")));
    }

    [Fact]
    public void APublishWithoutTheHandlerExecutableIsRefused()
    {
        var error = Should.Throw<PackageException>(() =>
            FunctionPackager.CreatePackage(FakePublish(withExecutable: false), TestEnvironment.RepositoryRoot, Path.Combine(_folder, "x.zip")));

        error.Message.ShouldStartWith("package: the handler executable Alerts.Functions");
        File.Exists(Path.Combine(_folder, "x.zip")).ShouldBeFalse();
    }

    [Fact]
    public void ThePackageCommandWritesTheZipAndReportsBadUsage()
    {
        var zipPath = Path.Combine(_folder, "cmd.zip");

        FunctionPackager.Run(["--publish", FakePublish(), "--root", TestEnvironment.RepositoryRoot, "--output", zipPath]).ShouldBe(0);
        FunctionPackager.Run(["--output", zipPath]).ShouldBe(2);
        FunctionPackager.Run(["--publish", FakePublish(), "--bogus", "x"]).ShouldBe(2);

        using var zip = ZipFile.OpenRead(zipPath);
        zip.GetEntry("host.json").ShouldNotBeNull();
    }
}
