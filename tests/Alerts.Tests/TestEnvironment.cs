namespace Alerts.Tests;

/// <summary>
/// Where tests find what lies outside the repository (../shared/corpora) and how they treat its absence:
/// a skip with a plain reason on a user's clone, a failure under CI (the CI variable is set).
/// </summary>
public static class TestEnvironment
{
    public static bool IsCi => !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI"));

    /// <summary>The repository root: the folder holding Alerts.sln, found upwards from the test binaries.</summary>
    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    /// <summary>../shared/corpora/&lt;relative&gt;, or a skip (a failure under CI) when it is not there.</summary>
    public static string RequireCorpus(string relative)
    {
        var path = Path.GetFullPath(Path.Combine(RepositoryRoot, "..", "shared", "corpora", relative));
        if (!Path.Exists(path))
        {
            RequireOrSkip(false, $"the corpus {path} is not there (it sits beside the repository as ../shared)");
        }

        return path;
    }

    /// <summary>Skips with the reason, or fails under CI, when <paramref name="available"/> is false.</summary>
    public static void RequireOrSkip(bool available, string reason)
    {
        if (available)
        {
            return;
        }

        if (IsCi)
        {
            Assert.Fail($"required under CI: {reason}");
        }

        Assert.Skip($"skipped: {reason}");
    }

    /// <summary>The folder testdata/&lt;relative&gt; beside the test sources, copied to the output.</summary>
    public static string TestData(string relative) => Path.Combine(AppContext.BaseDirectory, relative);

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Alerts.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("tests: Alerts.sln not found above " + AppContext.BaseDirectory);
    }
}
