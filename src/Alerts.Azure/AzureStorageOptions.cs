using System.ComponentModel.DataAnnotations;
using Azure.Core;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Storage.Queues;

namespace Alerts.Azure;

/// <summary>
/// Settings of the Azure Storage adapters, bound from the section "AzureStorage". Give either
/// <see cref="ConnectionString"/> (account key; <c>UseDevelopmentStorage=true</c> for Azurite) or
/// <see cref="AccountName"/> (bearer tokens from Azure.Identity: <see cref="DefaultAzureCredential"/>, or only
/// the managed identity). When the section sets neither, the
/// Functions host's own settings are read: <c>AzureWebJobsStorage</c> as a connection string, or
/// <c>AzureWebJobsStorage__accountName</c> with <c>__credential</c>, <c>__clientId</c>,
/// <c>__queueServiceUri</c> and <c>__tableServiceUri</c> (see <see cref="AzureStorageHostingExtensions"/>).
/// </summary>
public sealed class AzureStorageOptions : IValidatableObject
{
    public const string SectionName = "AzureStorage";

    /// <summary>A storage connection string (AccountName + AccountKey, or UseDevelopmentStorage=true).</summary>
    public string? ConnectionString { get; set; }

    /// <summary>The storage account name for identity-based access (no key).</summary>
    public string? AccountName { get; set; }

    /// <summary>"managedidentity" to use only the managed identity; empty for DefaultAzureCredential.</summary>
    public string? Credential { get; set; }

    /// <summary>Client id of a user-assigned managed identity.</summary>
    public string? ClientId { get; set; }

    /// <summary>Queue service URL for the identity form, when not https://{account}.queue.core.windows.net.</summary>
    public Uri? QueueServiceUri { get; set; }

    /// <summary>Table service URL for the identity form, when not https://{account}.table.core.windows.net.</summary>
    public Uri? TableServiceUri { get; set; }

    /// <summary>
    /// Prepended to every work-queue name (lower-case letters, digits, single hyphens), so that several
    /// deployments or test runs can share one account. Empty by default: queue names map 1:1, as the
    /// Functions bindings expect.
    /// </summary>
    [RegularExpression("^[a-z0-9-]{0,40}$")]
    public string QueueNamePrefix { get; set; } = string.Empty;

    /// <summary>
    /// Prepended to every store table name (letters and digits, starting with a letter), so that several
    /// deployments or test runs can share one account. Empty by default.
    /// </summary>
    [RegularExpression("^([A-Za-z][A-Za-z0-9]{0,40})?$")]
    public string TableNamePrefix { get; set; } = string.Empty;

    /// <summary>
    /// How queue message text is encoded on the wire; it must be what the Functions queue trigger reads
    /// (host.json <c>extensions.queues.messageEncoding</c>, "base64" there and here by default).
    /// </summary>
    public QueueMessageEncoding MessageEncoding { get; set; } = QueueMessageEncoding.Base64;

    /// <summary>Time limit of one attempt (the SDK's <c>Retry.NetworkTimeout</c>).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Retries of one request (the SDK's <c>Retry.MaxRetries</c>), exponential with jitter: after a 408, 429,
    /// 500, 502, 503 or 504, a timed-out attempt or a connection failure.
    /// </summary>
    [Range(0, 10)]
    public int MaxRetries { get; set; } = 4;

    /// <summary>The first back-off delay (the SDK's <c>Retry.Delay</c>); each further retry doubles it, up to <see cref="MaxRetryDelay"/>.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The longest back-off delay (the SDK's <c>Retry.MaxDelay</c>).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:05:00")]
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    // Methods, not properties: the configuration binder reads every public property.

    /// <summary>Whether the clients are made from <see cref="ConnectionString"/> (else from <see cref="AccountName"/> and a token credential).</summary>
    public bool UsesConnectionString() => !string.IsNullOrWhiteSpace(ConnectionString);

    /// <summary>The Queue service URL of the identity form.</summary>
    public Uri QueueEndpoint() => QueueServiceUri ?? new Uri($"https://{AccountName}.queue.core.windows.net/");

    /// <summary>The Table service URL of the identity form.</summary>
    public Uri TableEndpoint() => TableServiceUri ?? new Uri($"https://{AccountName}.table.core.windows.net/");

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        var hasConnectionString = !string.IsNullOrWhiteSpace(ConnectionString);
        var hasAccountName = !string.IsNullOrWhiteSpace(AccountName);
        if (hasConnectionString == hasAccountName)
        {
            yield return new ValidationResult(
                "azure: set exactly one of AzureStorage:ConnectionString and AzureStorage:AccountName (or AzureWebJobsStorage / AzureWebJobsStorage__accountName)",
                [nameof(ConnectionString), nameof(AccountName)]);
            yield break;
        }

        string? error = null;
        try
        {
            if (hasConnectionString)
            {
                // The SDK parses the string; a bad one fails here, at start-up, not at the first request.
                _ = new QueueServiceClient(ConnectionString);
                _ = new TableServiceClient(ConnectionString);
            }
            else
            {
                _ = CreateCredential();
            }
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or InvalidOperationException)
        {
            // The SDK's messages name the problem, never the key.
            error = hasConnectionString ? $"azure: AzureStorage:ConnectionString is not a usable storage connection string: {ex.Message}" : ex.Message;
        }

        if (error is not null)
        {
            yield return new ValidationResult(error, [hasConnectionString ? nameof(ConnectionString) : nameof(Credential)]);
        }
    }

    /// <summary>
    /// The credential of the identity form: <see cref="ManagedIdentityCredential"/> when <see cref="Credential"/>
    /// is "managedidentity" (user-assigned with <see cref="ClientId"/>, else system-assigned), otherwise
    /// <see cref="DefaultAzureCredential"/> (which tries the managed identity too, with <see cref="ClientId"/>,
    /// and the developer's az login). Nothing is requested until the first storage call.
    /// </summary>
    public TokenCredential CreateCredential()
    {
        if (string.Equals(Credential, "managedidentity", StringComparison.OrdinalIgnoreCase))
        {
            return string.IsNullOrEmpty(ClientId)
                ? new ManagedIdentityCredential(ManagedIdentityId.SystemAssigned)
                : new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(ClientId));
        }

        if (string.IsNullOrEmpty(Credential))
        {
            return new DefaultAzureCredential(new DefaultAzureCredentialOptions { ManagedIdentityClientId = ClientId });
        }

        throw new FormatException($"azure: credential '{Credential}' is not supported (use managedidentity, or leave it empty for DefaultAzureCredential)");
    }

    /// <summary>The SDK's retry settings from these options (the same for the Queue and the Table client).</summary>
    public void ApplyRetries(global::Azure.Core.ClientOptions clientOptions)
    {
        ArgumentNullException.ThrowIfNull(clientOptions);
        clientOptions.Retry.Mode = RetryMode.Exponential;
        clientOptions.Retry.MaxRetries = MaxRetries;
        clientOptions.Retry.Delay = RetryDelay;
        clientOptions.Retry.MaxDelay = MaxRetryDelay;
        clientOptions.Retry.NetworkTimeout = RequestTimeout;
    }
}
