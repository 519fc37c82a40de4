using System.Collections.Concurrent;
using System.Text;
using Alerts.Core.Articles;
using Alerts.Pipeline.Feeds;
using Alerts.Pipeline.Messages;
using Alerts.Pipeline.Queues;
using Alerts.Pipeline.Running;
using Alerts.Pipeline.Storage;
using Alerts.Sqlite;
using Alerts.Tests.Fetching;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Alerts.Tests.Pipeline;

/// <summary>
/// Issue 15, defect 1: the process dies at each write of a polling cycle in turn (scheduling the poll, storing
/// each article, writing the feed's validators, queueing each article, completing the poll message), as
/// <c>kill -9</c> would: nothing after that instruction runs and the leased message keeps its lease. The next
/// process starts after the lease ran out and runs cycles until the feed has been fetched again; every article
/// stored must then have been processed.
/// </summary>
public class PollCrashTests
{
    private const int Items = 6;

    private static string Rss()
    {
        var builder = new StringBuilder("<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Crash Desk</title><link>http://news.test/</link>");
        for (var i = 0; i < Items; i++)
        {
            builder.Append($"<item><guid isPermaLink=\"false\">item-{i}</guid><title>Council vote {i} on the tram line</title>")
                .Append($"<link>http://news.test/item-{i}</link><pubDate>Fri, 12 Dec 2025 0{i}:00:00 GMT</pubDate>")
                .Append($"<description><![CDATA[The city council voted {i + 3} times on the tram line extension, the mayor's office said on Thursday.]]></description></item>");
        }

        return builder.Append("</channel></rss>").ToString();
    }

    [Fact]
    public async Task ACrashAtAnyWriteOfAPollLeavesNoStoredArticleUnprocessed()
    {
        await using var server = await LoopbackServer.StartAsync(ctx =>
        {
            if (ctx.Request.Headers.IfNoneMatch == "\"v1\"")
            {
                ctx.Response.StatusCode = 304;
                return Task.CompletedTask;
            }

            ctx.Response.Headers.ETag = "\"v1\"";
            ctx.Response.ContentType = "application/rss+xml";
            return ctx.Response.WriteAsync(Rss());
        });

        // A clean cycle counts the writes a crash can fall before.
        var clean = await RunAsync(server, crashBefore: int.MaxValue);
        clean.Lost.ShouldBe(0);
        clean.Writes.ShouldBe(1 + 1 + Items + 1 + Items + 1);

        var outcomes = new List<CrashOutcome>();
        for (var step = 1; step <= clean.Writes; step++)
        {
            outcomes.Add(await RunAsync(server, step));
        }

        foreach (var outcome in outcomes)
        {
            TestContext.Current.TestOutputHelper?.WriteLine(
                $"crash before write {outcome.CrashBefore} ({outcome.CrashedAt}): stored={outcome.Stored} processed={outcome.Processed} lost={outcome.Lost}");
        }

        TestContext.Current.TestOutputHelper?.WriteLine(
            $"crash points={outcomes.Count} articles stored={outcomes.Sum(o => o.Stored)} processed={outcomes.Sum(o => o.Processed)} lost={outcomes.Sum(o => o.Lost)}");
        outcomes.ShouldAllBe(o => o.CrashedAt != "none");
        outcomes.ShouldAllBe(o => o.Stored == Items);
        outcomes.Where(o => o.Lost > 0).Select(o => $"{o.CrashedAt}: {o.Lost} lost").ShouldBeEmpty();
    }

    private sealed record CrashOutcome(int CrashBefore, string CrashedAt, int Writes, long Stored, int Processed)
    {
        public long Lost => Stored - Processed;
    }

    private static async Task<CrashOutcome> RunAsync(LoopbackServer server, int crashBefore)
    {
        var ct = TestContext.Current.CancellationToken;
        var crash = new Crash(crashBefore);
        await using var app = await TestApp.StartAsync(
            new Dictionary<string, string?> { ["Articles:FetchPages"] = "false" },
            services =>
            {
                services.AddSingleton<IFeedStore>(p => new CrashingFeedStore(p.GetRequiredService<SqliteFeedStore>(), crash));
                services.AddSingleton<IArticleStore>(p => new CrashingArticleStore(p.GetRequiredService<SqliteArticleStore>(), crash));
                services.AddSingleton<IWorkQueue>(p => new CrashingQueue(p.GetRequiredService<SqliteWorkQueue>(), crash));
            });
        await app.Get<ManageFeeds>().AddAsync(server.Url("/feed.xml").AbsoluteUri, null, allowFile: false, ct);

        using (var process = CancellationTokenSource.CreateLinkedTokenSource(ct))
        {
            crash.Process = process;
            try
            {
                await app.Get<LocalPipeline>().RunOnceAsync(TimeSpan.Zero, null, process.Token);
            }
            catch (OperationCanceledException) when (crash.CrashedAt is not null && !ct.IsCancellationRequested)
            {
                // The process died here; what it leased stays leased.
            }
        }

        // The next process: after the dead one's leases ran out, then at each later check of the feed.
        crash.Process = null;
        app.Clock.Advance(QueueWorker.Lease + TimeSpan.FromMinutes(1));
        await app.Get<LocalPipeline>().RunOnceAsync(TimeSpan.Zero, null, ct);
        for (var i = 0; i < 2; i++)
        {
            app.Clock.Advance(TimeSpan.FromMinutes(31));
            await app.Get<LocalPipeline>().RunOnceAsync(TimeSpan.Zero, null, ct);
        }

        var stored = await app.Get<IArticleStore>().CountArticlesAsync(ct);
        return new CrashOutcome(crashBefore, crash.CrashedAt ?? "none", crash.Writes, stored, crash.Processed.Count);
    }

    /// <summary>Counts the writes and kills the "process" (cancels its token and throws) before the chosen one.</summary>
    private sealed class Crash(int before)
    {
        private int _writes;

        public CancellationTokenSource? Process { get; set; }

        public string? CrashedAt { get; private set; }

        public int Writes => _writes;

        /// <summary>Article ids whose processing message completed.</summary>
        public ConcurrentDictionary<long, bool> Processed { get; } = new();

        public void Before(string write)
        {
            if (Process is null)
            {
                return;
            }

            if (Interlocked.Increment(ref _writes) == before)
            {
                CrashedAt = write;
                Process.Cancel();
                Process.Token.ThrowIfCancellationRequested();
            }
        }
    }

    private sealed class CrashingFeedStore(IFeedStore inner, Crash crash) : IFeedStore
    {
        public Task<FeedRecord> AddFeedAsync(string url, string? title, DateTimeOffset nextCheckAt, CancellationToken cancellationToken) =>
            inner.AddFeedAsync(url, title, nextCheckAt, cancellationToken);

        public Task<FeedRecord?> GetFeedAsync(long id, CancellationToken cancellationToken) => inner.GetFeedAsync(id, cancellationToken);

        public Task<IReadOnlyList<FeedRecord>> ListFeedsAsync(CancellationToken cancellationToken) => inner.ListFeedsAsync(cancellationToken);

        public Task<IReadOnlyList<FeedRecord>> ListDueFeedsAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken) =>
            inner.ListDueFeedsAsync(now, limit, cancellationToken);

        public Task UpdateFeedAsync(FeedRecord feed, CancellationToken cancellationToken)
        {
            crash.Before(feed.ETag is null ? "update feed (schedule)" : "update feed (validators)");
            return inner.UpdateFeedAsync(feed, cancellationToken);
        }

        public Task<bool> SetFeedGroupAsync(long id, string? group, CancellationToken cancellationToken) =>
            inner.SetFeedGroupAsync(id, group, cancellationToken);

        public Task<bool> RemoveFeedAsync(string url, CancellationToken cancellationToken) => inner.RemoveFeedAsync(url, cancellationToken);
    }

    private sealed class CrashingArticleStore(IArticleStore inner, Crash crash) : IArticleStore
    {
        public Task<ArticleInsertResult> AddArticleAsync(Article article, CancellationToken cancellationToken)
        {
            crash.Before($"store article {article.FeedItemId}");
            return inner.AddArticleAsync(article, cancellationToken);
        }

        public Task<Article?> GetArticleAsync(long id, CancellationToken cancellationToken) => inner.GetArticleAsync(id, cancellationToken);

        public Task UpdateArticleAsync(Article article, CancellationToken cancellationToken) => inner.UpdateArticleAsync(article, cancellationToken);

        public Task<IReadOnlyList<Article>> FindNearDuplicatesAsync(ulong fingerprint, int maxDistance, long excludeId, CancellationToken cancellationToken) =>
            inner.FindNearDuplicatesAsync(fingerprint, maxDistance, excludeId, cancellationToken);

        public Task<long> CountArticlesAsync(CancellationToken cancellationToken) => inner.CountArticlesAsync(cancellationToken);

        public Task<IReadOnlyList<Article>> ListRecentArticlesAsync(int limit, CancellationToken cancellationToken) =>
            inner.ListRecentArticlesAsync(limit, cancellationToken);
    }

    private sealed class CrashingQueue(IWorkQueue inner, Crash crash) : IWorkQueue
    {
        public Task EnqueueAsync(string queue, string body, TimeSpan initialVisibilityDelay, CancellationToken cancellationToken)
        {
            crash.Before($"queue {queue} message {body}");
            return inner.EnqueueAsync(queue, body, initialVisibilityDelay, cancellationToken);
        }

        public Task<QueueMessage?> ReceiveAsync(string queue, TimeSpan lease, CancellationToken cancellationToken) =>
            inner.ReceiveAsync(queue, lease, cancellationToken);

        public async Task<bool> CompleteAsync(QueueMessage message, CancellationToken cancellationToken)
        {
            if (message.Queue == QueueNames.FeedPoll)
            {
                crash.Before("complete the poll message");
            }

            var completed = await inner.CompleteAsync(message, cancellationToken);
            if (completed && message.Queue == QueueNames.Articles)
            {
                crash.Processed[PipelineMessage.Deserialize(message.Body, PipelineJsonContext.Default.ProcessArticleMessage).ArticleId] = true;
            }

            return completed;
        }

        public Task ReleaseAsync(QueueMessage message, string reason, TimeSpan retryDelay, CancellationToken cancellationToken) =>
            inner.ReleaseAsync(message, reason, retryDelay, cancellationToken);

        public Task<int> CountAsync(string queue, CancellationToken cancellationToken) => inner.CountAsync(queue, cancellationToken);

        public Task<IReadOnlyList<QueueMessage>> PeekAsync(string queue, int max, CancellationToken cancellationToken) =>
            inner.PeekAsync(queue, max, cancellationToken);
    }
}
