using System.ComponentModel.DataAnnotations;

namespace Alerts.Azure;

/// <summary>
/// Settings of the Azure Storage adapters, bound from the section "AzureStorage". Give either
/// <see cref="ConnectionString"/> (SharedKey; <c>UseDevelopmentStorage=true</c> for Azurite) or
/// <see cref="AccountName"/> (bearer tokens from Azure.Identity). When the section sets neither, the
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

    /// <summary>Time limit of one attempt, response body included.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Retries after a 408, 429, 500, 503, a timeout or a connection failure, with exponential back-off and jitter.</summary>
    [Range(0, 10)]
    public int MaxRetries { get; set; } = 4;

    /// <summary>The first back-off delay; each further retry doubles it.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(500);

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
            _ = CreateAccount();
        }
        catch (FormatException ex)
        {
            error = ex.Message;
        }

        if (error is not null)
        {
            yield return new ValidationResult(error, [hasConnectionString ? nameof(ConnectionString) : nameof(Credential)]);
        }
    }

    /// <summary>The account these settings describe.</summary>
    public StorageAccount CreateAccount() =>
        !string.IsNullOrWhiteSpace(ConnectionString)
            ? StorageAccount.Parse(ConnectionString)
            : StorageAccount.FromIdentity(AccountName!, Credential, ClientId, QueueServiceUri, TableServiceUri);
}
