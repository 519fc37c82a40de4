using Alerts.Pipeline.Queues;
using Alerts.Tests.Store;

namespace Alerts.Tests.Contracts;

/// <summary>The work-queue contract on the SQLite queue, with a manual clock and a five-minute lease.</summary>
public sealed class SqliteWorkQueueContractTests : WorkQueueContract, IDisposable
{
    private readonly TempStore _store = new();

    protected override TimeSpan Lease => TimeSpan.FromMinutes(5);

    protected override TimeSpan RetryDelay => TimeSpan.FromSeconds(30);

    protected override bool StrictOrder => true;

    protected override TimeSpan TimeTolerance => TimeSpan.Zero;

    protected override DateTimeOffset Now => _store.Time.GetUtcNow();

    protected override Task<IWorkQueue> CreateQueueAsync() => Task.FromResult<IWorkQueue>(_store.Queue);

    protected override Task LetPassAsync(TimeSpan span)
    {
        _store.Time.Advance(span);
        return Task.CompletedTask;
    }

    protected override async Task<IReadOnlyList<(string Body, string? Reason)>> PeekWithReasonsAsync(IWorkQueue queue, string poisonQueue) =>
        (await _store.Queue.PeekDetailedAsync(poisonQueue, 100, Ct)).Select(d => (d.Message.Body, d.LastError)).ToList();

    public void Dispose() => _store.Dispose();
}
