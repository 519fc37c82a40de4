using System.Diagnostics;
using System.Text.Json;
using Alerts.Benchmarks;
using BenchmarkDotNet.Running;

// Two modes: BenchmarkDotNet micro-benchmarks (default; pass BenchmarkDotNet's own arguments, e.g.
// --filter '*FeedParsing*'), and a quick mode (--quick --json) that measures each pair side by side
// in one run and prints one JSON line of rates and ratios. --only NAME (feeds, extraction, percolator,
// claims, stance, pipeline, story) limits the quick mode to one group.
if (args.Contains("--quick"))
{
    var only = args.SkipWhile(a => a != "--only").Skip(1).FirstOrDefault();
    var result = new SortedDictionary<string, object>(StringComparer.Ordinal);
    var total = Stopwatch.StartNew();
    foreach (var (name, measure) in QuickMeasures.All.Where(m => only is null || m.Name == only))
    {
        measure(result);
    }

    result["quick_seconds"] = Math.Round(total.Elapsed.TotalSeconds, 2);
    if (args.Contains("--json"))
    {
        Console.WriteLine(JsonSerializer.Serialize(result));
    }
    else
    {
        foreach (var (key, value) in result)
        {
            Console.WriteLine($"{key,-40} {value}");
        }
    }

    return 0;
}

BenchmarkSwitcher.FromAssembly(typeof(QuickMeasures).Assembly).Run(args);
return 0;
