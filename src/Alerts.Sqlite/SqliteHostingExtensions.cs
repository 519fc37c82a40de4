using Alerts.Pipeline.Queues;
using Alerts.Pipeline.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Alerts.Sqlite;

public static class SqliteHostingExtensions
{
    /// <summary>
    /// The embedded store: <see cref="SqliteOptions"/> from section "Store", one <see cref="SqliteDatabase"/>
    /// (migrated on its first connection, so commands that never start the host work too) and the feed,
    /// article, topic, claim and work-queue ports, each also resolvable by its concrete type.
    /// </summary>
    public static IHostApplicationBuilder AddSqliteStore(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<SqliteOptions>()
            .BindConfiguration(SqliteOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<SqliteDatabase>();
        services.TryAddSingleton<SqliteFeedStore>();
        services.TryAddSingleton<SqliteArticleStore>();
        services.TryAddSingleton<SqliteWorkQueue>();
        services.TryAddSingleton<SqliteTopicStore>();
        services.TryAddSingleton<SqliteClaimStore>();
        services.TryAddSingleton<SqliteSubscriptionStore>();
        services.TryAddSingleton<IFeedStore>(provider => provider.GetRequiredService<SqliteFeedStore>());
        services.TryAddSingleton<IArticleStore>(provider => provider.GetRequiredService<SqliteArticleStore>());
        services.TryAddSingleton<IWorkQueue>(provider => provider.GetRequiredService<SqliteWorkQueue>());
        services.TryAddSingleton<ITopicStore>(provider => provider.GetRequiredService<SqliteTopicStore>());
        services.TryAddSingleton<IClaimStore>(provider => provider.GetRequiredService<SqliteClaimStore>());
        services.TryAddSingleton<ISubscriptionStore>(provider => provider.GetRequiredService<SqliteSubscriptionStore>());
        services.TryAddSingleton<SqliteFeedTokenStore>();
        services.TryAddSingleton<IFeedTokenStore>(provider => provider.GetRequiredService<SqliteFeedTokenStore>());
        services.TryAddSingleton<SqliteChannelStore>();
        services.TryAddSingleton<IChannelStore>(provider => provider.GetRequiredService<SqliteChannelStore>());
        return builder;
    }
}
