using System.Collections.Concurrent;
using Alerts.Pipeline.Queues;

namespace Alerts.Tests.Contracts;

/// <summary>
/// The behaviour every <see cref="IWorkQueue"/> shares, run against each implementation by a subclass:
/// leases, dequeue counts, stale pop receipts, retry delays, poison moves with their reason, initial
/// visibility and counting. Time is the implementation's business: the SQLite queue runs on a manual clock
/// that <see cref="LetPassAsync"/> advances, Azurite on the real clock (leases of whole seconds) that it
/// waits out. Azure queues are only roughly FIFO, so the order test compares sets unless
/// <see cref="StrictOrder"/> is set.
/// </summary>
public abstract class WorkQueueContract
{
    protected const string Queue = QueueNames.Articles;

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>The lease used throughout; short where time is real.</summary>
    protected abstract TimeSpan Lease { get; }

    /// <summary>A retry delay for the release test; short where time is real.</summary>
    protected abstract TimeSpan RetryDelay { get; }

    /// <summary>Whether messages come out exactly in the order they went in.</summary>
    protected abstract bool StrictOrder { get; }

    /// <summary>How far a reported time may be from the clock (the service reports whole seconds).</summary>
    protected abstract TimeSpan TimeTolerance { get; }

    /// <summary>A fresh queue with no messages in any of its queues.</summary>
    protected abstract Task<IWorkQueue> CreateQueueAsync();

    /// <summary>The queue's clock now.</summary>
    protected abstract DateTimeOffset Now { get; }

    /// <summary>Lets <paramref name="span"/> pass on the queue's clock, so that whatever was due within it is due.</summary>
    protected abstract Task LetPassAsync(TimeSpan span);

    /// <summary>Bodies and poison reasons of the messages in a poison queue.</summary>
    protected abstract Task<IReadOnlyList<(string Body, string? Reason)>> PeekWithReasonsAsync(IWorkQueue queue, string poisonQueue);

    [Fact]
    public async Task AReceivedMessageIsLeasedAndCompletingDeletesIt()
    {
        var queue = await CreateQueueAsync();
        var before = Now;
        await queue.EnqueueAsync(Queue, "{\"articleId\":1}", TimeSpan.Zero, Ct);

        var message = await queue.ReceiveAsync(Queue, Lease, Ct);

        message.ShouldNotBeNull();
        message.Queue.ShouldBe(Queue);
        message.Body.ShouldBe("{\"articleId\":1}");
        message.DequeueCount.ShouldBe(1);
        message.Id.ShouldNotBeNullOrEmpty();
        message.PopReceipt.ShouldNotBeNullOrEmpty();
        message.InsertedAt.ShouldBeInRange(before - TimeTolerance, Now + TimeTolerance);
        message.LeaseUntil.ShouldBeInRange(before + Lease - TimeTolerance, Now + Lease + TimeTolerance);
        (await queue.ReceiveAsync(Queue, Lease, Ct)).ShouldBeNull();
        (await queue.CountAsync(Queue, Ct)).ShouldBe(1);

        (await queue.CompleteAsync(message, Ct)).ShouldBeTrue();

        (await queue.CountAsync(Queue, Ct)).ShouldBe(0);
        (await queue.CompleteAsync(message, Ct)).ShouldBeFalse();
    }

    [Fact]
    public async Task QueuesAreSeparate()
    {
        var queue = await CreateQueueAsync();
        await queue.EnqueueAsync(QueueNames.FeedPoll, "poll", TimeSpan.Zero, Ct);

        (await queue.ReceiveAsync(QueueNames.Digests, Lease, Ct)).ShouldBeNull();
        (await queue.ReceiveAsync(QueueNames.FeedPoll, Lease, Ct))!.Body.ShouldBe("poll");
    }

    [Fact]
    public async Task AnExpiredLeaseMakesTheMessageVisibleAgainWithDequeueCountTwo()
    {
        var queue = await CreateQueueAsync();
        await queue.EnqueueAsync(Queue, "work", TimeSpan.Zero, Ct);
        var first = (await queue.ReceiveAsync(Queue, Lease, Ct))!;
        (await queue.ReceiveAsync(Queue, Lease, Ct)).ShouldBeNull();

        await LetPassAsync(Lease);
        var second = await queue.ReceiveAsync(Queue, Lease, Ct);

        second.ShouldNotBeNull();
        second.Id.ShouldBe(first.Id);
        second.Body.ShouldBe("work");
        second.DequeueCount.ShouldBe(2);
        second.PopReceipt.ShouldNotBe(first.PopReceipt);
    }

    [Fact]
    public async Task CompletingOrReleasingWithAStalePopReceiptDoesNothing()
    {
        var queue = await CreateQueueAsync();
        await queue.EnqueueAsync(Queue, "work", TimeSpan.Zero, Ct);
        var first = (await queue.ReceiveAsync(Queue, Lease, Ct))!;
        await LetPassAsync(Lease);
        var second = (await queue.ReceiveAsync(Queue, Lease, Ct))!;

        (await queue.CompleteAsync(first, Ct)).ShouldBeFalse();
        await queue.ReleaseAsync(first, "late worker", TimeSpan.Zero, Ct);

        (await queue.ReceiveAsync(Queue, Lease, Ct)).ShouldBeNull();
        (await queue.CompleteAsync(second, Ct)).ShouldBeTrue();
        (await queue.CountAsync(Queue, Ct)).ShouldBe(0);
    }

    [Fact]
    public async Task AReleasedMessageComesBackAfterTheRetryDelay()
    {
        var queue = await CreateQueueAsync();
        await queue.EnqueueAsync(Queue, "work", TimeSpan.Zero, Ct);
        var message = (await queue.ReceiveAsync(Queue, Lease, Ct))!;

        await queue.ReleaseAsync(message, "fetcher: timeout", RetryDelay, Ct);

        (await queue.ReceiveAsync(Queue, Lease, Ct)).ShouldBeNull();
        await LetPassAsync(RetryDelay);
        var again = (await queue.ReceiveAsync(Queue, Lease, Ct))!;
        again.Id.ShouldBe(message.Id);
        again.DequeueCount.ShouldBe(2);
    }

    [Fact]
    public async Task FiveFailedAttemptsMoveTheMessageToThePoisonQueueWithTheReason()
    {
        var queue = await CreateQueueAsync();
        await queue.EnqueueAsync(Queue, "bad", TimeSpan.Zero, Ct);

        for (var attempt = 1; attempt <= QueueNames.MaxDequeueCount; attempt++)
        {
            var message = (await queue.ReceiveAsync(Queue, Lease, Ct))!;
            message.DequeueCount.ShouldBe(attempt);
            await queue.ReleaseAsync(message, $"extract: failure {attempt}", TimeSpan.Zero, Ct);
        }

        (await queue.CountAsync(Queue, Ct)).ShouldBe(0);
        (await queue.ReceiveAsync(Queue, Lease, Ct)).ShouldBeNull();
        var poison = (await PeekWithReasonsAsync(queue, QueueNames.Poison(Queue))).Single();
        poison.Body.ShouldBe("bad");
        poison.Reason.ShouldBe("extract: failure 5");
        var received = (await queue.ReceiveAsync(QueueNames.Poison(Queue), Lease, Ct))!;
        received.Queue.ShouldBe("articles-poison");
        received.Body.ShouldBe("bad");
        received.DequeueCount.ShouldBe(1);
    }

    [Fact]
    public async Task AMessageWhoseLeaseRanOutFiveTimesGoesToPoisonOnTheNextReceive()
    {
        var queue = await CreateQueueAsync();
        await queue.EnqueueAsync(Queue, "crashes the worker", TimeSpan.Zero, Ct);
        for (var attempt = 1; attempt <= QueueNames.MaxDequeueCount; attempt++)
        {
            var message = (await queue.ReceiveAsync(Queue, Lease, Ct))!;
            message.Body.ShouldBe("crashes the worker");
            message.DequeueCount.ShouldBe(attempt);
            if (attempt == QueueNames.MaxDequeueCount)
            {
                // Visible together with the poisoned message: a receive skips the poisoned one and returns this.
                await queue.EnqueueAsync(Queue, "fine", TimeSpan.Zero, Ct);
            }

            await LetPassAsync(Lease);
        }

        var handedOut = new List<string>();
        while (await queue.ReceiveAsync(Queue, Lease, Ct) is { } next)
        {
            handedOut.Add(next.Body);
        }

        handedOut.ShouldBe(["fine"]);
        var poison = (await PeekWithReasonsAsync(queue, QueueNames.Poison(Queue))).Single();
        poison.Body.ShouldBe("crashes the worker");
        poison.Reason.ShouldBe("lease expired after 5 attempts");
        (await queue.CountAsync(Queue, Ct)).ShouldBe(1);
    }

    [Fact]
    public async Task MessagesAreReceivedInTheOrderTheyWereEnqueued()
    {
        var queue = await CreateQueueAsync();
        var sent = Enumerable.Range(0, 10).Select(i => $"m{i}").ToList();
        foreach (var body in sent)
        {
            await queue.EnqueueAsync(Queue, body, TimeSpan.Zero, Ct);
        }

        var bodies = new List<string>();
        while (await queue.ReceiveAsync(Queue, Lease, Ct) is { } message)
        {
            bodies.Add(message.Body);
        }

        if (StrictOrder)
        {
            bodies.ShouldBe(sent);
        }
        else
        {
            bodies.ShouldBe(sent, ignoreOrder: true);
        }
    }

    [Fact]
    public async Task AnInitialVisibilityDelayHoldsTheMessageBack()
    {
        var queue = await CreateQueueAsync();
        await queue.EnqueueAsync(Queue, "later", 2 * Lease, Ct);
        await queue.EnqueueAsync(Queue, "now", TimeSpan.Zero, Ct);

        (await queue.ReceiveAsync(Queue, 10 * Lease, Ct))!.Body.ShouldBe("now");
        (await queue.ReceiveAsync(Queue, 10 * Lease, Ct)).ShouldBeNull();
        (await queue.CountAsync(Queue, Ct)).ShouldBe(2);
        await LetPassAsync(2 * Lease);
        (await queue.ReceiveAsync(Queue, 10 * Lease, Ct))!.Body.ShouldBe("later");
    }

    [Fact]
    public async Task ConcurrentReceiversNeverGetTheSameMessage()
    {
        var queue = await CreateQueueAsync();
        const int Messages = 24;
        for (var i = 0; i < Messages; i++)
        {
            await queue.EnqueueAsync(Queue, $"m{i}", TimeSpan.Zero, Ct);
        }

        var received = new ConcurrentBag<QueueMessage>();
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            while (await queue.ReceiveAsync(Queue, 30 * Lease, Ct) is { } message)
            {
                received.Add(message);
            }
        }, Ct)));

        received.Count.ShouldBe(Messages);
        received.Select(m => m.Id).Distinct().Count().ShouldBe(Messages);
        received.ShouldAllBe(m => m.DequeueCount == 1);
    }

    [Fact]
    public async Task PeekShowsVisibleMessagesWithoutReceivingThemAndCountIncludesLeasedOnes()
    {
        var queue = await CreateQueueAsync();
        await queue.EnqueueAsync(Queue, "a", TimeSpan.Zero, Ct);
        await queue.EnqueueAsync(Queue, "b", 10 * Lease, Ct);
        await queue.EnqueueAsync(Queue, "c", TimeSpan.Zero, Ct);

        var peeked = await queue.PeekAsync(Queue, 2, Ct);

        // Visible messages come first (Azure peeks only those; SQLite shows the others after them).
        peeked.Select(m => m.Body).ShouldBe(["a", "c"], ignoreOrder: !StrictOrder);
        peeked.ShouldAllBe(m => m.DequeueCount == 0 && m.PopReceipt == string.Empty && m.Queue == Queue);
        var received = (await queue.ReceiveAsync(Queue, Lease, Ct))!;
        received.DequeueCount.ShouldBe(1);
        (await queue.CountAsync(Queue, Ct)).ShouldBe(3);
        var other = received.Body == "a" ? "c" : "a";
        (await queue.PeekAsync(Queue, 1, Ct)).Single().Body.ShouldBe(other);
        (await queue.CountAsync(QueueNames.Digests, Ct)).ShouldBe(0);
        (await queue.PeekAsync(QueueNames.Digests, 10, Ct)).ShouldBeEmpty();
    }
}
