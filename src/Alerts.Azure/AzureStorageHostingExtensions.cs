using Alerts.Pipeline.Queues;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using Alerts.Pipeline.Storage;
using Microsoft.Extensions.Azure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Alerts.Azure;

public static class AzureStorageHostingExtensions
{
    /// <summary>
    /// The Azure Storage adapters: <see cref="AzureStorageOptions"/> from the section "AzureStorage" (when it
    /// sets neither ConnectionString nor AccountName, from the Functions host's <c>AzureWebJobsStorage</c>
    /// connection string or its <c>AzureWebJobsStorage__accountName</c> / <c>__credential</c> /
    /// <c>__clientId</c> / <c>__queueServiceUri</c> / <c>__tableServiceUri</c> settings), validated at
    /// start-up; one <see cref="QueueServiceClient"/> and one <see cref="TableServiceClient"/> registered
    /// through <c>AddAzureClients</c> (the connection string, or the options' token credential, and the
    /// options' retries); <see cref="AzureWorkQueue"/> as the <see cref="IWorkQueue"/> and the Azure Table
    /// stores as <see cref="IFeedStore"/>, <see cref="IArticleStore"/>, <see cref="ITopicStore"/>,
    /// <see cref="IClaimStore"/> and <see cref="ISubscriptionStore"/>, each replacing the one registered before
    /// (so they win over the SQLite store whichever is added first).
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
        services.AddAzureClients(clients =>
        {
            clients.UseCredential(provider => Settings(provider).CreateCredential());
            clients.AddClient<QueueServiceClient, QueueClientOptions>((clientOptions, credential, provider) =>
            {
                var options = Settings(provider);
                options.ApplyRetries(clientOptions);
                // The work queue encodes message text itself, as options.MessageEncoding says.
                clientOptions.MessageEncoding = QueueMessageEncoding.None;
                return options.UsesConnectionString()
                    ? new QueueServiceClient(options.ConnectionString, clientOptions)
                    : new QueueServiceClient(options.QueueEndpoint(), credential, clientOptions);
            });
            clients.AddClient<TableServiceClient, TableClientOptions>((clientOptions, credential, provider) =>
            {
                var options = Settings(provider);
                options.ApplyRetries(clientOptions);
                return options.UsesConnectionString()
                    ? new TableServiceClient(options.ConnectionString, clientOptions)
                    : new TableServiceClient(options.TableEndpoint(), credential, clientOptions);
            });
        });
        services.TryAddSingleton(provider => new AzureWorkQueue(provider.GetRequiredService<QueueServiceClient>(),
            Settings(provider).QueueNamePrefix, Settings(provider).MessageEncoding, provider.GetRequiredService<ILogger<AzureWorkQueue>>()));
        services.TryAddSingleton(provider => new AzureStoreTables(provider.GetRequiredService<TableServiceClient>(), Settings(provider).TableNamePrefix));
        services.TryAddSingleton<AzureFeedStore>();
        services.TryAddSingleton<AzureArticleStore>();
        services.TryAddSingleton<AzureTopicStore>();
        services.TryAddSingleton<AzureClaimStore>();
        services.TryAddSingleton<AzureSubscriptionStore>();
        services.TryAddSingleton<AzureFeedTokenStore>();
        services.TryAddSingleton<AzureChannelStore>();
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
        services.RemoveAll<IFeedTokenStore>();
        services.AddSingleton<IFeedTokenStore>(provider => provider.GetRequiredService<AzureFeedTokenStore>());
        services.RemoveAll<IChannelStore>();
        services.AddSingleton<IChannelStore>(provider => provider.GetRequiredService<AzureChannelStore>());
        return builder;
    }

    private static AzureStorageOptions Settings(IServiceProvider provider) => provider.GetRequiredService<IOptions<AzureStorageOptions>>().Value;

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
