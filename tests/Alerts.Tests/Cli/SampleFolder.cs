using Alerts.Cli;

namespace Alerts.Tests.Cli;

/// <summary>
/// A temporary copy of samples/ whose configuration points the store and the outbox into the copy, for
/// running <c>alerts</c> in-process or as a child process. Disposing deletes it.
/// </summary>
public sealed class SampleFolder : IDisposable
{
    public SampleFolder()
    {
        foreach (var file in Directory.EnumerateFiles(Path.Combine(TestEnvironment.RepositoryRoot, "samples"), "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(Root, "samples", Path.GetRelativePath(Path.Combine(TestEnvironment.RepositoryRoot, "samples"), file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }

        Edit(yaml => yaml
            .Replace("./data/alerts.db", StorePath, StringComparison.Ordinal)
            .Replace("./outbox", Path.Combine(Root, "outbox"), StringComparison.Ordinal));
    }

    public string Root { get; } = Path.Combine(Path.GetTempPath(), "alerts-cli-tests", Guid.NewGuid().ToString("N"));

    public string Config => Path.Combine(Root, "samples", "alerts.yaml");

    public string StorePath => Path.Combine(Root, "data", "alerts.db");

    /// <summary>Rewrites the configuration file.</summary>
    public void Edit(Func<string, string> change) => File.WriteAllText(Config, change(File.ReadAllText(Config)));

    /// <summary>Runs the command in-process with its output and errors captured.</summary>
    public static async Task<(int Exit, string Out, string Err)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await AlertsCommandLine.InvokeAsync(args, output, error);
        return (exit, output.ToString(), error.ToString());
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A pooled SQLite handle may still hold the file for a moment; the temp folder is disposable.
        }
    }
}
