using Alerts.Pipeline.Queues;
using Microsoft.Extensions.Logging;

namespace Alerts.Pipeline.Running;

/// <summary>
/// Drives one queue the way the Functions queue trigger does: receive with a lease, handle, complete on
/// success, release on failure (to the poison queue after the fifth attempt, with the reason).
/// </summary>
public sealed partial class QueueWorker(IWorkQueue queue, ILogger<QueueWorker> logger)
{
    /// <summary>The lease a handler gets; a crashed handler's message is visible again after it.</summary>
    public static readonly TimeSpan Lease = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Handles visible messages until none is left, or until <paramref name="stopping"/> is signalled (checked
    /// between messages: the safe point); returns how many succeeded and failed. <paramref name="cancellationToken"/>
    /// aborts the message in hand, which then stays leased until its lease runs out, like a crash.
    /// </summary>
    public async Task<(int Handled, int Failed)> DrainAsync(
        string queueName,
        Func<QueueMessage, CancellationToken, Task> handle,
        TimeSpan retryDelay,
        CancellationToken cancellationToken,
        CancellationToken stopping = default)
    {
        ArgumentNullException.ThrowIfNull(handle);
        var handled = 0;
        var failed = 0;
        while (!stopping.IsCancellationRequested && await queue.ReceiveAsync(queueName, Lease, cancellationToken) is { } message)
        {
            try
            {
                await handle(message, cancellationToken);
                await queue.CompleteAsync(message, cancellationToken);
                handled++;
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                failed++;
                LogFailed(logger, queueName, message.Id, message.DequeueCount, ex.Message);
                LogFailureDetail(logger, ex, queueName, message.Id);
                await queue.ReleaseAsync(message, ex.Message, retryDelay, cancellationToken);
            }
        }

        return (handled, failed);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "worker: {Queue} message {MessageId} failed on attempt {DequeueCount}: {Error}")]
    private static partial void LogFailed(ILogger logger, string queue, string messageId, int dequeueCount, string error);

    /// <summary>The stack trace, for --verbose and for debugging; the error line above is what a person reads.</summary>
    [LoggerMessage(Level = LogLevel.Debug, Message = "worker: {Queue} message {MessageId} failure detail")]
    private static partial void LogFailureDetail(ILogger logger, Exception exception, string queue, string messageId);
}
