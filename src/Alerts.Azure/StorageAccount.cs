using Azure.Core;
using Azure.Identity;

namespace Alerts.Azure;

/// <summary>
/// Where a storage account's Queue and Table services are and how requests to them are authorised: either
/// an account key (SharedKey, from a connection string or <c>UseDevelopmentStorage=true</c>) or a
/// <see cref="TokenCredential"/> (bearer tokens for https://storage.azure.com/.default, the identity form
/// that Functions calls <c>AzureWebJobsStorage__accountName</c>).
/// </summary>
public sealed class StorageAccount
{
    /// <summary>Azurite's well-known development account (public, documented in Azurite's README).</summary>
    public const string DevelopmentAccountName = "devstoreaccount1";

    /// <summary>Azurite's well-known development key (public, documented in Azurite's README).</summary>
    public const string DevelopmentAccountKey =
        "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    /// <summary>The OAuth scope of Azure Storage's data plane.</summary>
    public const string TokenScope = "https://storage.azure.com/.default";

    private StorageAccount(string name, Uri queueEndpoint, Uri tableEndpoint, byte[]? key, TokenCredential? credential)
    {
        Name = name;
        QueueEndpoint = queueEndpoint;
        TableEndpoint = tableEndpoint;
        Key = key;
        Credential = credential;
    }

    public string Name { get; }

    /// <summary>The Queue service root, e.g. https://acct.queue.core.windows.net/ or http://127.0.0.1:10001/devstoreaccount1/ (always ends with '/').</summary>
    public Uri QueueEndpoint { get; }

    /// <summary>The Table service root (always ends with '/').</summary>
    public Uri TableEndpoint { get; }

    /// <summary>The decoded account key when requests are signed with SharedKey; null with a token credential.</summary>
    internal byte[]? Key { get; }

    /// <summary>The credential for bearer tokens; null with an account key.</summary>
    public TokenCredential? Credential { get; }

    public bool UsesSharedKey => Key is not null;

    /// <summary>
    /// Parses a storage connection string: <c>UseDevelopmentStorage=true</c> (Azurite on 127.0.0.1:10001 and
    /// :10002), or <c>AccountName</c> and <c>AccountKey</c> with <c>DefaultEndpointsProtocol</c> (https when
    /// absent), <c>EndpointSuffix</c> (core.windows.net when absent) and optional explicit
    /// <c>QueueEndpoint</c>/<c>TableEndpoint</c>. Other keys (BlobEndpoint, ...) are ignored.
    /// </summary>
    public static StorageAccount Parse(string connectionString)
    {
        ArgumentNullException.ThrowIfNull(connectionString);
        var parts = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var segment in connectionString.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var equals = segment.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new FormatException($"azure: connection string segment '{Redact(segment)}' is not key=value");
            }

            // Keys end in '=' padding, so only the first '=' separates name and value.
            parts[segment[..equals].Trim()] = segment[(equals + 1)..].Trim();
        }

        if (parts.TryGetValue("UseDevelopmentStorage", out var development) && bool.TryParse(development, out var useDevelopment) && useDevelopment)
        {
            var proxy = parts.TryGetValue("DevelopmentStorageProxyUri", out var proxyUri) ? new Uri(proxyUri) : new Uri("http://127.0.0.1");
            return new StorageAccount(DevelopmentAccountName,
                new Uri($"{proxy.Scheme}://{proxy.Host}:10001/{DevelopmentAccountName}/"),
                new Uri($"{proxy.Scheme}://{proxy.Host}:10002/{DevelopmentAccountName}/"),
                Convert.FromBase64String(DevelopmentAccountKey), null);
        }

        if (!parts.TryGetValue("AccountName", out var name) || name.Length == 0)
        {
            throw new FormatException("azure: connection string has no AccountName (nor UseDevelopmentStorage=true)");
        }

        if (!parts.TryGetValue("AccountKey", out var keyText) || keyText.Length == 0)
        {
            throw new FormatException($"azure: connection string for account '{name}' has no AccountKey (use the AccountName setting for managed identity)");
        }

        byte[] key;
        try
        {
            key = Convert.FromBase64String(keyText);
        }
        catch (FormatException)
        {
            throw new FormatException($"azure: AccountKey of account '{name}' is not base64");
        }

        var protocol = parts.TryGetValue("DefaultEndpointsProtocol", out var p) ? p.ToLowerInvariant() : "https";
        if (protocol is not ("https" or "http"))
        {
            throw new FormatException($"azure: DefaultEndpointsProtocol must be https or http, not '{protocol}'");
        }

        var suffix = parts.TryGetValue("EndpointSuffix", out var s) ? s : "core.windows.net";
        var queue = parts.TryGetValue("QueueEndpoint", out var q) ? Endpoint(q) : new Uri($"{protocol}://{name}.queue.{suffix}/");
        var table = parts.TryGetValue("TableEndpoint", out var t) ? Endpoint(t) : new Uri($"{protocol}://{name}.table.{suffix}/");
        return new StorageAccount(name, queue, table, key, null);
    }

    /// <summary>
    /// The identity form: endpoints https://{account}.queue.core.windows.net and .table. (unless given), bearer
    /// tokens from <see cref="ManagedIdentityCredential"/> when <paramref name="credential"/> is
    /// "managedidentity" (with <paramref name="clientId"/> for a user-assigned identity), otherwise from
    /// <see cref="DefaultAzureCredential"/> (which also tries the managed identity, and the developer's az login).
    /// </summary>
    public static StorageAccount FromIdentity(string accountName, string? credential = null, string? clientId = null,
        Uri? queueEndpoint = null, Uri? tableEndpoint = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(accountName);
        TokenCredential tokenCredential;
        if (string.Equals(credential, "managedidentity", StringComparison.OrdinalIgnoreCase))
        {
            tokenCredential = string.IsNullOrEmpty(clientId)
                ? new ManagedIdentityCredential(ManagedIdentityId.SystemAssigned)
                : new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(clientId));
        }
        else if (string.IsNullOrEmpty(credential))
        {
            tokenCredential = new DefaultAzureCredential(new DefaultAzureCredentialOptions { ManagedIdentityClientId = clientId });
        }
        else
        {
            throw new FormatException($"azure: credential '{credential}' is not supported (use managedidentity, or leave it empty for DefaultAzureCredential)");
        }

        return FromToken(accountName, tokenCredential, queueEndpoint, tableEndpoint);
    }

    /// <summary>An account reached with bearer tokens from <paramref name="credential"/>.</summary>
    public static StorageAccount FromToken(string accountName, TokenCredential credential, Uri? queueEndpoint = null, Uri? tableEndpoint = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(accountName);
        ArgumentNullException.ThrowIfNull(credential);
        return new StorageAccount(accountName,
            queueEndpoint is null ? new Uri($"https://{accountName}.queue.core.windows.net/") : Endpoint(queueEndpoint.ToString()),
            tableEndpoint is null ? new Uri($"https://{accountName}.table.core.windows.net/") : Endpoint(tableEndpoint.ToString()),
            null, credential);
    }

    private static Uri Endpoint(string value)
    {
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            throw new FormatException($"azure: endpoint '{value}' is not an absolute http(s) URL");
        }

        return uri.AbsoluteUri.EndsWith('/') ? uri : new Uri(uri.AbsoluteUri + "/");
    }

    private static string Redact(string segment) =>
        segment.StartsWith("AccountKey", StringComparison.OrdinalIgnoreCase) ? "AccountKey=***" : segment;
}
