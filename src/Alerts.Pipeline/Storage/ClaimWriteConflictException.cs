namespace Alerts.Pipeline.Storage;

/// <summary>
/// Another writer changed a cluster between the read and the write of one article's result for a topic. Nothing
/// was written; reading the clusters again and recomputing is always safe.
/// </summary>
public sealed class ClaimWriteConflictException : Exception
{
    public ClaimWriteConflictException()
    {
    }

    public ClaimWriteConflictException(string message)
        : base(message)
    {
    }

    public ClaimWriteConflictException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
