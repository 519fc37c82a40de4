using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Alerts.Pipeline.Webhooks;

public static class WebhookHostingExtensions
{
    /// <summary>
    /// Webhook channels: <see cref="WebhookOptions"/> from section "Webhooks", validated at start-up, the sender, the
    /// delivery step <c>SendDigest</c> uses and the manage use case. The channel store comes with the store.
    /// </summary>
    public static IHostApplicationBuilder AddAlertsWebhooks(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<WebhookOptions>().BindConfiguration(WebhookOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<WebhookSender>();
        builder.Services.AddTransient<WebhookDelivery>();
        builder.Services.AddTransient<ManageChannels>();
        return builder;
    }
}
