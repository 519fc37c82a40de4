namespace Alerts.Azure;

/// <summary>
/// A store operation that could not finish although every request succeeded: it lost the optimistic
/// concurrency race (a 409 or 412) more often than its attempt limit allows. Failures of the service
/// itself stay the SDK's <see cref="global::Azure.RequestFailedException"/>.
/// </summary>
public sealed class AzureStorageException : Exception
{
    public AzureStorageException()
    {
    }

    public AzureStorageException(string message)
        : base(message)
    {
    }

    public AzureStorageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
