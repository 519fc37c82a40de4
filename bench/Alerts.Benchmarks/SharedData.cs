namespace Alerts.Benchmarks;

/// <summary>The team's shared data (../shared beside the repository this bench was built from), when it is there.</summary>
internal static class SharedData
{
    /// <summary>The full path of <paramref name="parts"/> under ../shared, or null when the repository or that path is not found.</summary>
    public static string? Find(params string[] parts)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Alerts.sln")))
            {
                var path = Path.GetFullPath(Path.Combine([dir.FullName, "..", "shared", .. parts]));
                return Directory.Exists(path) || File.Exists(path) ? path : null;
            }
        }

        return null;
    }
}
