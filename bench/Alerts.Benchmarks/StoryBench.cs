using System.Diagnostics;
using System.Globalization;
using System.Net;
using Alerts.Core.Claims;
using Alerts.Core.Topics;
using Alerts.Pipeline.Hosting;
using Alerts.Pipeline.Storage;
using Alerts.Sqlite;
using Alerts.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Alerts.Benchmarks;

/// <summary>
/// The story page's time over real HTTP (Kestrel on loopback, the pages as <c>alerts serve</c> maps them, a SQLite
/// store) for a public topic with 10,000 claim clusters, beside the same page at 100 clusters: the first page, a
/// page deep in the topic (its cursor after 9,975 clusters) and the JSON twin. Clusters come from generated
/// articles through the real extractor and engine, each with its NewClaim event, saved through the store's
/// own <c>SaveArticleResultAsync</c>. Median milliseconds of 25 requests after 3 warm-up requests.
/// </summary>
internal static class StoryQuick
{
    private const string TopicId = "story";
    private const int Requests = 25;

    public static void Measure(IDictionary<string, object> result)
    {
        using var large = StorySite.Start(10_000);
        result["story_10k_build_s"] = Math.Round(large.BuildSeconds, 1);
        using var small = StorySite.Start(100);
        var deep = large.CursorAfter(9_975);
        result["story_10k_clusters_stored"] = large.Clusters();
        result["story_clusters_on_page"] = large.ClustersOn($"/topics/{TopicId}");
        result["story_clusters_on_deep_page"] = large.ClustersOn($"/topics/{TopicId}?cursor={Uri.EscapeDataString(deep)}");

        result["story_page_ms_100_clusters"] = small.MedianMs($"/topics/{TopicId}");
        result["story_page_ms_10k_clusters"] = large.MedianMs($"/topics/{TopicId}");
        result["story_page_ms_10k_clusters_deep"] = large.MedianMs($"/topics/{TopicId}?cursor={Uri.EscapeDataString(deep)}");
        result["story_json_ms_10k_clusters"] = large.MedianMs($"/api/v1/topics/{TopicId}/claims");
        result["story_feed_ms_10k_clusters"] = large.MedianMs($"/topics/{TopicId}/feed.atom");
        result["story_page_flat_ratio"] = Math.Round((double)result["story_page_ms_10k_clusters"] / (double)result["story_page_ms_100_clusters"], 2);
    }

    private sealed class StorySite : IDisposable
    {
        private readonly WebApplication _app;
        private readonly HttpClient _client;
        private readonly string _folder;

        private StorySite(WebApplication app, HttpClient client, string folder, double buildSeconds)
        {
            _app = app;
            _client = client;
            _folder = folder;
            BuildSeconds = buildSeconds;
        }

        public double BuildSeconds { get; }

        public static StorySite Start(int clusters)
        {
            var folder = Path.Combine(Path.GetTempPath(), "alerts-bench-story-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(folder);
            var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ContentRootPath = folder });
            builder.WebHost.UseKestrelCore().UseUrls("http://127.0.0.1:0");
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Store:Path"] = Path.Combine(folder, "alerts.db"),
                ["Mail:Outbox:Folder"] = Path.Combine(folder, "outbox"),
            });
            builder.Logging.ClearProviders();
            builder.AddAlertsCore();
            builder.AddSqliteStore();
            builder.AddAlertsWeb();
            var app = builder.Build();
            app.UseAlertsWeb();
            app.MapAlertsWeb();

            var watch = Stopwatch.StartNew();
            FillAsync(app.Services, clusters).GetAwaiter().GetResult();
            var built = watch.Elapsed.TotalSeconds;
            app.StartAsync().GetAwaiter().GetResult();
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            var client = new HttpClient { BaseAddress = new Uri(address) };
            return new StorySite(app, client, folder, built);
        }

        public string CursorAfter(int count) =>
            _app.Services.GetRequiredService<IClaimStore>().ListClustersByChangeAsync(TopicId, null, count, CancellationToken.None).GetAwaiter().GetResult().NextCursor
            ?? throw new InvalidOperationException("bench: fewer clusters than expected");

        public long Clusters() => _app.Services.GetRequiredService<IClaimStore>().CountClustersAsync(CancellationToken.None).GetAwaiter().GetResult();

        /// <summary>How many clusters the page shows: what the time is the time of.</summary>
        public int ClustersOn(string path)
        {
            var html = _client.GetStringAsync(path).GetAwaiter().GetResult();
            return html.Split("<li class=\"cluster\"").Length - 1;
        }

        public double MedianMs(string path)
        {
            var times = new List<double>();
            for (var i = 0; i < Requests + 3; i++)
            {
                var watch = Stopwatch.StartNew();
                using var response = _client.GetAsync(path).GetAwaiter().GetResult();
                var body = response.Content.ReadAsStringAsync().GetAwaiter().GetResult();
                watch.Stop();
                if (response.StatusCode != HttpStatusCode.OK || body.Length < 1000)
                {
                    throw new InvalidOperationException($"bench: {path} answered {(int)response.StatusCode}");
                }

                if (i >= 3)
                {
                    times.Add(watch.Elapsed.TotalMilliseconds);
                }
            }

            times.Sort();
            return Math.Round(times[times.Count / 2], 1);
        }

        public void Dispose()
        {
            _client.Dispose();
            _app.StopAsync().GetAwaiter().GetResult();
            _app.DisposeAsync().AsTask().GetAwaiter().GetResult();
            Directory.Delete(_folder, recursive: true);
        }

        /// <summary>Generated articles, each a fresh set of clusters with their NewClaim events, saved 20 articles per store call.</summary>
        private static async Task FillAsync(IServiceProvider services, int count)
        {
            await services.GetRequiredService<ITopicStore>().UpsertTopicAsync(new Topic(TopicId, "Generated story", "estavia") { Public = true }, CancellationToken.None);
            var store = services.GetRequiredService<IClaimStore>();
            var start = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
            var stored = 0;
            for (var batch = 0; stored < count; batch++)
            {
                var events = new List<TopicEvent>();
                var clusters = new List<ClaimCluster>();
                for (var a = 0; a < 20 && stored + clusters.Count < count; a++)
                {
                    var seed = (batch * 20) + a;
                    var input = ClaimsCorpus.Article(seed % 500);
                    var article = input with { Key = "https://generated.example/" + seed.ToString(CultureInfo.InvariantCulture), Url = "https://generated.example/" + seed.ToString(CultureInfo.InvariantCulture) };
                    var outcome = TopicClaimEngine.Process(TopicId, ClaimExtractor.Extract(article), new InMemoryClaimIndex());
                    var take = outcome.Clusters.Take(count - stored - clusters.Count).ToList();
                    clusters.AddRange(take);
                    events.AddRange(outcome.Events.Where(e => take.Any(c => c.Id == e.ClusterId)));
                }

                await store.SaveArticleResultAsync(batch + 1, TopicId, new TopicProcessResult(events, clusters, []), start.AddMinutes(batch), CancellationToken.None);
                stored += clusters.Count;
            }
        }
    }
}
