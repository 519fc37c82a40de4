using Alerts.Azure;
using Alerts.Pipeline.Queues;
using Alerts.Tests.Contracts;
using Azure.Storage.Queues;

namespace Alerts.Tests.Azure;

/// <summary>
/// The work-queue contract on Azure queues in Azurite. Time is real: leases are two seconds (the service counts
/// whole seconds), and letting time pass means waiting it out plus a margin. Each test uses its own queue-name
/// prefix, so tests never see each other's messages.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class AzureWorkQueueContractTests(AzuriteFixture azurite) : WorkQueueContract
{
    private static readonly TimeSpan Margin = TimeSpan.FromMilliseconds(400);

    private AzureWorkQueue? _queue;

    // Two seconds leave room for a busy machine between a receive and the checks that it is still leased.
    protected override TimeSpan Lease => TimeSpan.FromSeconds(2);

    protected override TimeSpan RetryDelay => TimeSpan.FromSeconds(1);

    protected override bool StrictOrder => false;

    protected override TimeSpan TimeTolerance => TimeSpan.FromSeconds(2);

    protected override DateTimeOffset Now => DateTimeOffset.UtcNow;

    protected override Task<IWorkQueue> CreateQueueAsync()
    {
        _queue = new AzureWorkQueue(azurite.CreateQueueService(), AzuriteFixture.UniqueName("w") + "-", QueueMessageEncoding.Base64);
        return Task.FromResult<IWorkQueue>(_queue);
    }

    protected override Task LetPassAsync(TimeSpan span) => Task.Delay(span + Margin, Ct);

    protected override async Task<IReadOnlyList<(string Body, string? Reason)>> PeekWithReasonsAsync(IWorkQueue queue, string poisonQueue) =>
        (await _queue!.PeekDetailedAsync(poisonQueue, 32, Ct)).Select(d => (d.Message.Body, d.LastError)).ToList();
}
