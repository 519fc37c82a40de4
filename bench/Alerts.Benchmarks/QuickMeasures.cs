using System.Diagnostics;

namespace Alerts.Benchmarks;

/// <summary>
/// The quick mode's measurements. Each adds its figures (rates and the ratio between the two sides of a
/// pair measured in the same run) to the result under stable snake_case keys.
/// </summary>
internal static class QuickMeasures
{
    public static IReadOnlyList<(string Name, Action<IDictionary<string, object>> Measure)> All { get; } =
    [
        ("feeds", FeedParsingQuick.Measure),
        ("extraction", ExtractionQuick.Measure),
        ("percolator", PercolatorQuick.Measure),
        ("claims", ClaimsQuick.Measure),
        ("stance", StanceQuick.Measure),
        ("pipeline", PipelineQuick.Measure),
        ("story", StoryQuick.Measure),
    ];

    /// <summary>Runs <paramref name="action"/> repeatedly for at least <paramref name="budget"/> (after one warm-up call) and returns calls per second.</summary>
    public static double Rate(Action action, TimeSpan budget)
    {
        action();
        var calls = 0;
        var watch = Stopwatch.StartNew();
        do
        {
            action();
            calls++;
        }
        while (watch.Elapsed < budget);

        return calls / watch.Elapsed.TotalSeconds;
    }
}
