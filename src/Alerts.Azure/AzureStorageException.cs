using System.Net;

namespace Alerts.Azure;

/// <summary>
/// A Queue or Table service request that failed after its retries: the operation, the HTTP status and the
/// service's error code (the <c>x-ms-error-code</c> header, e.g. AuthenticationFailed, QueueNotFound), and the
/// first line of the service's message.
/// </summary>
public sealed class AzureStorageException : Exception
{
    public AzureStorageException(string operation, HttpStatusCode status, string? errorCode, string? serviceMessage)
        : base($"azure: {operation} failed: {(int)status} {errorCode ?? status.ToString()}{(string.IsNullOrEmpty(serviceMessage) ? string.Empty : " " + serviceMessage)}")
    {
        Operation = operation;
        Status = status;
        ErrorCode = errorCode;
    }

    private AzureStorageException(string operation, string message, Exception innerException)
        : base(message, innerException)
    {
        Operation = operation;
    }

    public AzureStorageException()
    {
        Operation = string.Empty;
    }

    public AzureStorageException(string message)
        : base(message)
    {
        Operation = string.Empty;
    }

    public AzureStorageException(string message, Exception innerException)
        : base(message, innerException)
    {
        Operation = string.Empty;
    }

    /// <summary>A request that got no usable response (timeout, connection refused) after its retries.</summary>
    public static AzureStorageException NoResponse(string operation, Exception innerException)
    {
        ArgumentNullException.ThrowIfNull(innerException);
        return new AzureStorageException(operation, $"azure: {operation} failed: {innerException.Message}", innerException);
    }

    /// <summary>What was attempted, e.g. "queue put" or "table insert".</summary>
    public string Operation { get; }

    /// <summary>The response status; null when no response came (timeouts, connection failures).</summary>
    public HttpStatusCode? Status { get; }

    /// <summary>The service's error code from x-ms-error-code (or the body), when it sent one.</summary>
    public string? ErrorCode { get; }
}
