using System.Collections.Concurrent;
using Alerts.Pipeline.Queues;
using Alerts.Sqlite;

namespace Alerts.Tests.Store;

/// <summary>
/// What only the SQLite queue can promise (exact clock times, millisecond lease ends, the reason of every
/// release, peeking at leased messages, separate processes); the behaviour both queues share is in
/// <see cref="Contracts.WorkQueueContract"/>.
/// </summary>
public class SqliteWorkQueueTests
{
    private const string Queue = QueueNames.Articles;
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(5);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AReceivedMessageCarriesExactClockTimesAndAGuidId()
    {
        using var store = new TempStore();
        var now = store.Time.GetUtcNow();
        await store.Queue.EnqueueAsync(Queue, "{\"articleId\":1}", TimeSpan.Zero, Ct);

        var message = await store.Queue.ReceiveAsync(Queue, Lease, Ct);

        message.ShouldNotBeNull();
        message.Queue.ShouldBe(Queue);
        message.Body.ShouldBe("{\"articleId\":1}");
        message.DequeueCount.ShouldBe(1);
        message.InsertedAt.ShouldBe(now);
        message.LeaseUntil.ShouldBe(now + Lease);
        Guid.TryParse(message.Id, out _).ShouldBeTrue();
        (await store.Queue.ReceiveAsync(Queue, Lease, Ct)).ShouldBeNull();
        (await store.Queue.CountAsync(Queue, Ct)).ShouldBe(1);

        (await store.Queue.CompleteAsync(message, Ct)).ShouldBeTrue();

        (await store.Queue.CountAsync(Queue, Ct)).ShouldBe(0);
        (await store.Queue.CompleteAsync(message, Ct)).ShouldBeFalse();
    }

    [Fact]
    public async Task ALeaseEndsExactlyWhenItsTimeIsUp()
    {
        using var store = new TempStore();
        await store.Queue.EnqueueAsync(Queue, "work", TimeSpan.Zero, Ct);
        var first = (await store.Queue.ReceiveAsync(Queue, Lease, Ct))!;

        store.Time.Advance(Lease - TimeSpan.FromMilliseconds(1));
        (await store.Queue.ReceiveAsync(Queue, Lease, Ct)).ShouldBeNull();
        store.Time.Advance(TimeSpan.FromMilliseconds(1));
        var second = await store.Queue.ReceiveAsync(Queue, Lease, Ct);

        second.ShouldNotBeNull();
        second.Id.ShouldBe(first.Id);
        second.DequeueCount.ShouldBe(2);
        second.PopReceipt.ShouldNotBe(first.PopReceipt);
    }

    [Fact]
    public async Task AReleasedMessageComesBackAfterTheRetryDelayWithTheReason()
    {
        using var store = new TempStore();
        await store.Queue.EnqueueAsync(Queue, "work", TimeSpan.Zero, Ct);
        var message = (await store.Queue.ReceiveAsync(Queue, Lease, Ct))!;

        await store.Queue.ReleaseAsync(message, "fetcher: timeout", TimeSpan.FromSeconds(30), Ct);

        (await store.Queue.PeekDetailedAsync(Queue, 10, Ct)).Single().LastError.ShouldBe("fetcher: timeout");
        store.Time.Advance(TimeSpan.FromSeconds(29));
        (await store.Queue.ReceiveAsync(Queue, Lease, Ct)).ShouldBeNull();
        store.Time.Advance(TimeSpan.FromSeconds(1));
        (await store.Queue.ReceiveAsync(Queue, Lease, Ct))!.DequeueCount.ShouldBe(2);
    }

    [Fact]
    public async Task ReceiversWithTheirOwnConnectionsNeverGetTheSameMessage()
    {
        using var store = new TempStore();
        const int Messages = 60;
        for (var i = 0; i < Messages; i++)
        {
            await store.Queue.EnqueueAsync(Queue, $"m{i}", TimeSpan.Zero, Ct);
        }

        // Each receiver has its own database instance, hence its own connections, as separate processes would.
        var receivers = Enumerable.Range(0, 6).Select(_ => new SqliteWorkQueue(store.Open(), store.Time)).ToList();
        var received = new ConcurrentBag<QueueMessage>();
        await Task.WhenAll(receivers.Select(receiver => Task.Run(async () =>
        {
            while (await receiver.ReceiveAsync(Queue, Lease, Ct) is { } message)
            {
                received.Add(message);
            }
        }, Ct)));

        received.Count.ShouldBe(Messages);
        received.Select(m => m.Id).Distinct().Count().ShouldBe(Messages);
        received.ShouldAllBe(m => m.DequeueCount == 1);
    }

    [Fact]
    public async Task PeekAlsoShowsLeasedAndDelayedMessagesInVisibilityOrder()
    {
        using var store = new TempStore();
        var now = store.Time.GetUtcNow();
        await store.Queue.EnqueueAsync(Queue, "a", TimeSpan.Zero, Ct);
        await store.Queue.EnqueueAsync(Queue, "b", TimeSpan.FromMinutes(1), Ct);
        await store.Queue.EnqueueAsync(Queue, "c", TimeSpan.Zero, Ct);

        var peeked = await store.Queue.PeekAsync(Queue, 2, Ct);

        peeked.Select(m => m.Body).ShouldBe(["a", "c"]);
        peeked.ShouldAllBe(m => m.DequeueCount == 0 && m.PopReceipt == string.Empty && m.LeaseUntil == now);
        (await store.Queue.ReceiveAsync(Queue, Lease, Ct))!.Body.ShouldBe("a");
        (await store.Queue.PeekAsync(Queue, 10, Ct)).Select(m => m.Body).ShouldBe(["c", "b", "a"]);
        (await store.Queue.CountAsync(Queue, Ct)).ShouldBe(3);
        (await store.Queue.CountAsync(QueueNames.Digests, Ct)).ShouldBe(0);
    }

    [Fact]
    public async Task AMessageReceivedByACrashedProcessIsReceivedAgainAfterItsLease()
    {
        using var store = new TempStore();
        var crashed = store.Open();
        var crashedQueue = new SqliteWorkQueue(crashed, store.Time);
        await crashedQueue.EnqueueAsync(Queue, "survives", TimeSpan.Zero, Ct);
        var lost = (await crashedQueue.ReceiveAsync(Queue, Lease, Ct))!;
        crashed.Dispose();

        store.Time.Advance(Lease);
        var restarted = new SqliteWorkQueue(store.Open(), store.Time);
        var again = await restarted.ReceiveAsync(Queue, Lease, Ct);

        again.ShouldNotBeNull();
        again.Id.ShouldBe(lost.Id);
        again.Body.ShouldBe("survives");
        again.DequeueCount.ShouldBe(2);
        (await restarted.CompleteAsync(again, Ct)).ShouldBeTrue();
    }
}
