using Alerts.Core.Subscriptions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Alerts.Pipeline.Mail;

public static class MailHostingExtensions
{
    /// <summary>
    /// Mail delivery: <see cref="MailOptions"/> bound from <c>Mail</c> and validated at start-up (the chosen
    /// provider's settings only), and <see cref="IMailSender"/> as the provider <c>Mail:Provider</c> names
    /// (outbox by default, smtp or sendgrid).
    /// </summary>
    public static IHostApplicationBuilder AddAlertsMail(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<MailOptions>().BindConfiguration(MailOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddLogging();
        services.AddHttpClient(SendGridMailSender.HttpClientName);
        services.TryAddSingleton<OutboxMailSender>();
        services.TryAddSingleton<SmtpMailSender>();
        services.TryAddSingleton<SendGridMailSender>();
        services.TryAddSingleton<IMailSender>(sp => sp.GetRequiredService<IOptions<MailOptions>>().Value.Provider switch
        {
            MailProvider.Smtp => sp.GetRequiredService<SmtpMailSender>(),
            MailProvider.SendGrid => sp.GetRequiredService<SendGridMailSender>(),
            _ => sp.GetRequiredService<OutboxMailSender>(),
        });
        return builder;
    }

    /// <summary>
    /// The signer of confirm, unsubscribe and manage links: <see cref="TokenOptions"/> bound from
    /// <c>Tokens</c> (at least one key, the active one listed) and validated at start-up.
    /// </summary>
    public static IHostApplicationBuilder AddAlertsSubscriptionTokens(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<TokenOptions>().BindConfiguration(TokenOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.TryAddSingleton(sp => new SubscriptionTokens(sp.GetRequiredService<IOptions<TokenOptions>>().Value, sp.GetRequiredService<TimeProvider>()));
        return builder;
    }
}
