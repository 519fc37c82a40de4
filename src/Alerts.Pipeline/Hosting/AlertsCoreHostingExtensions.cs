using Alerts.Core.Subscriptions;
using Alerts.Pipeline.Articles;
using Alerts.Pipeline.Claims;
using Alerts.Pipeline.Digests;
using Alerts.Pipeline.Feeds;
using Alerts.Pipeline.Fetching;
using Alerts.Pipeline.Mail;
using Alerts.Pipeline.Running;
using Alerts.Pipeline.Subscriptions;
using Alerts.Pipeline.Topics;
using Alerts.Pipeline.Webhooks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Alerts.Pipeline.Hosting;

public static class AlertsCoreHostingExtensions
{
    /// <summary>
    /// The pipeline both hosts share: typed options bound from configuration and validated at start-up,
    /// the clock, the guarded HTTP client, mail delivery (<c>AddAlertsMail()</c>), signed subscription links and
    /// one use case per function. A store and a queue come from
    /// <c>AddSqliteStore()</c> or <c>AddAzureStorage()</c>.
    /// </summary>
    public static IHostApplicationBuilder AddAlertsCore(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<PollingOptions>().BindConfiguration(PollingOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<ArticleOptions>().BindConfiguration(ArticleOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<SiteOptions>().BindConfiguration(SiteOptions.Section).ValidateDataAnnotations().ValidateOnStart();

        // No Tokens:Keys is valid: SubscriptionLinks then signs with a key the store generates and keeps.
        builder.Services.AddOptions<TokenOptions>().BindConfiguration(TokenOptions.Section).ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TokenOptions>, TokenOptionsValidator>());
        builder.AddAlertsMail();

        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddGuardedHttpClient();

        builder.Services.AddSingleton<TopicMatcher>();
        builder.Services.AddTransient<ManageFeeds>();
        builder.Services.AddTransient<FeedDiscovery>();
        builder.Services.AddTransient<ManageTopics>();
        builder.Services.AddTransient<ScheduleFeedPolls>();
        builder.Services.AddTransient<PollFeed>();
        builder.Services.AddTransient<RecordTopicClaims>();
        builder.Services.AddTransient<ProcessArticle>();
        builder.Services.AddSingleton<SubscriptionLinks>();
        builder.Services.AddTransient<ManageSubscriptions>();
        builder.Services.AddTransient<DigestComposer>();
        builder.Services.AddTransient<Stories.TopicStories>();
        builder.Services.AddTransient<Stories.StoryFeeds>();
        builder.Services.AddTransient<DigestSchedule>();
        builder.Services.AddTransient<SendDigest>();
        builder.AddAlertsWebhooks();
        builder.Services.AddTransient<PipelineStages>();
        builder.Services.AddTransient<QueueWorker>();
        builder.Services.AddTransient<LocalPipeline>();
        return builder;
    }
}
