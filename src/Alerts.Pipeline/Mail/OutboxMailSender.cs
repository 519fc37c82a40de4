using Alerts.Core.Mail;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Alerts.Pipeline.Mail;

/// <summary>
/// Delivers mail as <c>&lt;idempotency key&gt;.eml</c> files in <see cref="OutboxMailOptions.Folder"/>: the
/// embedded default, for trying the app out and for previewing digests.
/// </summary>
/// <remarks>
/// The file is written under a temporary name and then moved into place without overwriting, so a reader
/// never sees half a message and two concurrent sends of the same key produce one file: the loser finds
/// the name taken and reports <see cref="MailSendOutcome.AlreadySent"/>.
/// </remarks>
public sealed partial class OutboxMailSender(IOptions<MailOptions> options, ILogger<OutboxMailSender> logger) : IMailSender
{
    public string Folder => Path.GetFullPath(options.Value.Outbox.Folder);

    public async Task<MailSendResult> SendAsync(MailMessage message, string idempotencyKey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        IdempotencyKeys.Check(idempotencyKey);
        var bytes = MailMime.WriteBytes(message);
        var folder = Folder;
        var path = Path.Combine(folder, idempotencyKey + ".eml");
        if (File.Exists(path))
        {
            LogAlreadySent(logger, idempotencyKey, path);
            return MailSendResult.AlreadySent();
        }

        var temp = Path.Combine(folder, $".{idempotencyKey}.{Guid.NewGuid():N}.tmp");
        try
        {
            Directory.CreateDirectory(folder);
            await File.WriteAllBytesAsync(temp, bytes, cancellationToken);
            if (!ExclusiveFile.TryPublish(temp, path))
            {
                LogAlreadySent(logger, idempotencyKey, path);
                return MailSendResult.AlreadySent();
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new MailTransientException($"mail: could not write {path}: {ex.Message}", ex);
        }
        finally
        {
            if (File.Exists(temp))
            {
                File.Delete(temp);
            }
        }

        LogWritten(logger, idempotencyKey, path);
        return MailSendResult.Sent();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "mail: wrote {Key} to {Path}")]
    private static partial void LogWritten(ILogger logger, string key, string path);

    [LoggerMessage(Level = LogLevel.Information, Message = "mail: {Key} is already in the outbox at {Path}; not written again")]
    private static partial void LogAlreadySent(ILogger logger, string key, string path);
}
