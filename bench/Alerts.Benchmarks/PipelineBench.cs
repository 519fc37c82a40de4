using System.Diagnostics;
using System.Globalization;
using Alerts.Core.Articles;
using Alerts.Core.Claims;
using Alerts.Core.Topics;
using Alerts.Pipeline.Articles;
using Alerts.Pipeline.Hosting;
using Alerts.Pipeline.Messages;
using Alerts.Pipeline.Storage;
using Alerts.Pipeline.Topics;
using Alerts.Sqlite;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Alerts.Benchmarks;

/// <summary>One article through the real <c>ProcessArticle</c> use case (matching, claims, SQLite store) with 1,000 stored claim clusters.</summary>
[MemoryDiagnoser]
public class PipelineBench
{
    private PipelineStore _store = null!;
    private int _next;

    [GlobalSetup]
    public void Setup() => _store = PipelineStore.Open(1_000);

    [GlobalCleanup]
    public void Cleanup() => _store.Dispose();

    [Benchmark]
    public int ProcessArticle() => _store.ProcessAsync(_next++).GetAwaiter().GetResult();
}

/// <summary>
/// Articles per second through <c>ProcessArticle</c> against a SQLite store holding 1,000 and 1,000,000
/// generated claim clusters, measured in alternating rounds in one run; the ratio shows whether the cost per
/// article stays flat as the store grows. The million-cluster database is generated once and kept in the
/// temp folder (the first run pays for it and reports how long it took); each run measures a fresh copy.
/// </summary>
internal static class PipelineQuick
{
    public static void Measure(IDictionary<string, object> result)
    {
        var watch = Stopwatch.StartNew();
        using var large = PipelineStore.Open(1_000_000);
        result["pipeline_1m_store_open_s"] = Math.Round(watch.Elapsed.TotalSeconds, 1);
        using var small = PipelineStore.Open(1_000);

        double smallRate = 0, largeRate = 0;
        const int Rounds = 3;
        var seed = 0;
        for (var round = 0; round < Rounds; round++)
        {
            smallRate += small.Rate(ref seed, TimeSpan.FromSeconds(1.5)) / Rounds;
            largeRate += large.Rate(ref seed, TimeSpan.FromSeconds(1.5)) / Rounds;
        }

        result["process_article_per_s_1k_clusters"] = Math.Round(smallRate, 1);
        result["process_article_per_s_1m_clusters"] = Math.Round(largeRate, 1);
        result["process_article_flat_ratio"] = Math.Round(largeRate / smallRate, 2);
    }
}

/// <summary>A host over a SQLite file pre-filled with <c>count</c> generated clusters of topic "topic-0".</summary>
internal sealed class PipelineStore : IDisposable
{
    private const string Query = "Estavia OR Norland OR Varnia OR Ostmark OR Kessel OR Dravik OR Tarvia OR Brunsvik OR Orvane OR Pellico";
    private readonly IHost _host;
    private readonly IArticleStore _articles;
    private readonly ProcessArticle _process;
    private readonly string _scratch;

    private PipelineStore(IHost host, string scratch)
    {
        _host = host;
        _scratch = scratch;
        _articles = host.Services.GetRequiredService<IArticleStore>();
        _process = host.Services.GetRequiredService<ProcessArticle>();
    }

    public static PipelineStore Open(int clusters)
    {
        // Generated stores are kept in the temp folder as baselines; each run works on a fresh copy, so the
        // articles a run processes never make the next run's store larger than the other side's.
        var baselines = Path.Combine(Path.GetTempPath(), "alerts-bench");
        Directory.CreateDirectory(baselines);
        var baseline = Path.Combine(baselines, $"claims-{clusters.ToString(CultureInfo.InvariantCulture)}-v2.db");
        if (!File.Exists(baseline))
        {
            var partial = baseline + ".partial";
            File.Delete(partial);
            using (var building = Build(partial))
            {
                Fill(building, clusters);
            }

            SqliteFileSet.Move(partial, baseline);
        }

        var scratch = Path.Combine(Path.GetTempPath(), "alerts-bench-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(scratch);
        var working = Path.Combine(scratch, "claims.db");
        File.Copy(baseline, working);
        return new PipelineStore(Build(working), scratch);
    }

    public double Rate(ref int seed, TimeSpan budget)
    {
        ProcessAsync(seed++).GetAwaiter().GetResult();
        var calls = 0;
        var watch = Stopwatch.StartNew();
        do
        {
            ProcessAsync(seed++).GetAwaiter().GetResult();
            calls++;
        }
        while (watch.Elapsed < budget);

        return calls / watch.Elapsed.TotalSeconds;
    }

    /// <summary>Stores one generated article and runs it through ProcessArticle; returns the events it raised.</summary>
    public async Task<int> ProcessAsync(int seed)
    {
        var input = ClaimsCorpus.Article(seed % 500);
        var article = new Article
        {
            FeedItemId = $"bench-{Guid.NewGuid():N}",
            Title = input.Title,
            Text = input.Text,
            Outlet = input.Outlet,
            Published = input.Published,
            HasFullText = true,
            FetchedAt = input.Published ?? DateTimeOffset.UnixEpoch,
        };
        var stored = await _articles.AddArticleAsync(article, CancellationToken.None);
        var result = await _process.RunAsync(new ProcessArticleMessage(stored.ArticleId), 1, CancellationToken.None);
        return result.Events.Count;
    }

    public void Dispose()
    {
        _host.Dispose();
        Directory.Delete(_scratch, recursive: true);
    }

    private static IHost Build(string path)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Store:Path"] = path, ["Articles:FetchPages"] = "false" });
        builder.Logging.ClearProviders();
        builder.AddAlertsCore();
        builder.AddSqliteStore();
        var host = builder.Build();
        host.Services.GetRequiredService<ManageTopics>().AddAsync(new Topic("topic-0", "Generated", Query), CancellationToken.None).GetAwaiter().GetResult();
        return host;
    }

    /// <summary>The same compact clusters as <see cref="ClaimsCorpus.Index"/>, written through the store's own upsert in large transactions.</summary>
    private static void Fill(IHost host, int count)
    {
        var database = host.Services.GetRequiredService<SqliteDatabase>();
        var source = ClaimsCorpus.Index(Math.Min(count, 50_000));
        var sighting = new SourceSighting("generated", "Generated", AttributionKind.Outlet, Polarity.Asserted, "g", "g", "generated", null, null, null);
        const int Batch = 25_000;
        for (var start = 0; start < count; start += Batch)
        {
            var end = Math.Min(count, start + Batch);
            database.WithTransactionAsync(async (connection, transaction) =>
            {
                for (var i = start; i < end; i++)
                {
                    var id = "c" + i.ToString(CultureInfo.InvariantCulture);
                    var signature = source.Get("c" + (i % 50_000).ToString(CultureInfo.InvariantCulture))!.Representative.Signature;
                    var cluster = new ClaimCluster("topic-0:" + id, "topic-0", [new ClusterMember(id, "g", "generated", Polarity.Asserted, signature)], [sighting]);
                    await SqliteClaimStore.UpsertClusterAsync(connection, transaction, cluster, DateTimeOffset.UnixEpoch, CancellationToken.None);
                }
            }, CancellationToken.None).GetAwaiter().GetResult();
        }
    }
}

/// <summary>Moves a SQLite database with its WAL side files.</summary>
internal static class SqliteFileSet
{
    public static void Move(string from, string to)
    {
        foreach (var suffix in new[] { "-wal", "-shm" })
        {
            if (File.Exists(from + suffix))
            {
                File.Move(from + suffix, to + suffix, overwrite: true);
            }
        }

        File.Move(from, to, overwrite: true);
    }
}
