using Alerts.Pipeline.Queues;
using Alerts.Pipeline.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Alerts.Azure;

public static class AzureStorageHostingExtensions
{
    /// <summary>The named HttpClient the storage clients use (pooled connections renewed every five minutes).</summary>
    public const string HttpClientName = "Alerts.Azure.Storage";

    /// <summary>
    /// The Azure Storage adapters: <see cref="AzureStorageOptions"/> from the section "AzureStorage" (when it
    /// sets neither ConnectionString nor AccountName, from the Functions host's <c>AzureWebJobsStorage</c>
    /// connection string or its <c>AzureWebJobsStorage__accountName</c> / <c>__credential</c> /
    /// <c>__clientId</c> / <c>__queueServiceUri</c> / <c>__tableServiceUri</c> settings), validated at
    /// start-up; the <see cref="StorageAccount"/>, signer and transport; <see cref="AzureQueueClient"/>,
    /// <see cref="AzureTableClient"/>; <see cref="AzureWorkQueue"/> as the <see cref="IWorkQueue"/> and the Azure Table
    /// stores as <see cref="IFeedStore"/>, <see cref="IArticleStore"/>, <see cref="ITopicStore"/>,
    /// <see cref="IClaimStore"/> and <see cref="ISubscriptionStore"/>, each replacing the one registered before (so they win over the SQLite store
    /// whichever is added first).
    /// </summary>
    public static IHostApplicationBuilder AddAzureStorage(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<AzureStorageOptions>()
            .BindConfiguration(AzureStorageOptions.SectionName)
            .Configure<IConfiguration>(ApplyFunctionsHostSettings)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddHttpClient(HttpClientName)
            .ConfigureHttpClient(http => http.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan);
        services.TryAddSingleton(provider => provider.GetRequiredService<IOptions<AzureStorageOptions>>().Value.CreateAccount());
        services.TryAddSingleton<StorageRequestSigner>();
        services.TryAddSingleton(provider =>
        {
            var options = provider.GetRequiredService<IOptions<AzureStorageOptions>>().Value;
            return new StorageTransport(provider.GetRequiredService<IHttpClientFactory>().CreateClient(HttpClientName),
                provider.GetRequiredService<StorageRequestSigner>(), options.MaxRetries, options.RetryDelay, options.RequestTimeout);
        });
        services.TryAddSingleton<AzureQueueClient>();
        services.TryAddSingleton<AzureTableClient>();
        services.TryAddSingleton(provider => new AzureWorkQueue(provider.GetRequiredService<AzureQueueClient>(),
            provider.GetRequiredService<IOptions<AzureStorageOptions>>().Value.QueueNamePrefix,
            provider.GetRequiredService<ILogger<AzureWorkQueue>>()));
        services.TryAddSingleton(provider => new AzureStoreTables(provider.GetRequiredService<AzureTableClient>(),
            provider.GetRequiredService<IOptions<AzureStorageOptions>>().Value.TableNamePrefix));
        services.TryAddSingleton<AzureFeedStore>();
        services.TryAddSingleton<AzureArticleStore>();
        services.TryAddSingleton<AzureTopicStore>();
        services.TryAddSingleton<AzureClaimStore>();
        services.TryAddSingleton<AzureSubscriptionStore>();
        services.RemoveAll<IWorkQueue>();
        services.AddSingleton<IWorkQueue>(provider => provider.GetRequiredService<AzureWorkQueue>());
        services.RemoveAll<IFeedStore>();
        services.AddSingleton<IFeedStore>(provider => provider.GetRequiredService<AzureFeedStore>());
        services.RemoveAll<IArticleStore>();
        services.AddSingleton<IArticleStore>(provider => provider.GetRequiredService<AzureArticleStore>());
        services.RemoveAll<ITopicStore>();
        services.AddSingleton<ITopicStore>(provider => provider.GetRequiredService<AzureTopicStore>());
        services.RemoveAll<IClaimStore>();
        services.AddSingleton<IClaimStore>(provider => provider.GetRequiredService<AzureClaimStore>());
        services.RemoveAll<ISubscriptionStore>();
        services.AddSingleton<ISubscriptionStore>(provider => provider.GetRequiredService<AzureSubscriptionStore>());
        return builder;
    }

    /// <summary>Fills the account from the Functions host's settings when the AzureStorage section names none.</summary>
    private static void ApplyFunctionsHostSettings(AzureStorageOptions options, IConfiguration configuration)
    {
        if (!string.IsNullOrWhiteSpace(options.ConnectionString) || !string.IsNullOrWhiteSpace(options.AccountName))
        {
            return;
        }

        var webJobs = configuration.GetSection("AzureWebJobsStorage");
        if (!string.IsNullOrWhiteSpace(webJobs.Value))
        {
            options.ConnectionString = webJobs.Value;
            return;
        }

        options.AccountName = webJobs["accountName"];
        options.Credential ??= webJobs["credential"];
        options.ClientId ??= webJobs["clientId"];
        if (options.QueueServiceUri is null && Uri.TryCreate(webJobs["queueServiceUri"], UriKind.Absolute, out var queue))
        {
            options.QueueServiceUri = queue;
        }

        if (options.TableServiceUri is null && Uri.TryCreate(webJobs["tableServiceUri"], UriKind.Absolute, out var table))
        {
            options.TableServiceUri = table;
        }
    }
}
