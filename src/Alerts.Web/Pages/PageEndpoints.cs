using Alerts.Web.Api;
using Alerts.Web.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Alerts.Web.Pages;

/// <summary>
/// The server-rendered subscription pages at the site root. Every page works without JavaScript; every form
/// posts back with a CSRF check; links from emails (confirm, unsubscribe) only show a button, because mail
/// scanners open links and must not confirm or unsubscribe anyone. See docs/pages.md.
/// </summary>
public static class PageEndpoints
{
    public static IHostApplicationBuilder AddAlertsPages(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSingleton<CsrfProtection>();
        return builder;
    }

    /// <summary>Security headers on every response, pages and API alike; error pages outside /api.</summary>
    public static IApplicationBuilder UseAlertsPagesMiddleware(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseSecurityHeaders();
        app.UseMiddleware<PageErrorMiddleware>();
        return app;
    }

    public static IEndpointRouteBuilder MapAlertsPages(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapGetAndHead(StaticAsset.Stylesheet.Path, StaticAsset.Stylesheet.Serve);
        endpoints.MapGetAndHead(StaticAsset.Script.Path, StaticAsset.Script.Serve);

        endpoints.MapGetAndHead("/", SubscribePages.ShowAsync);
        endpoints.MapPost("/", SubscribePages.SubmitAsync);
        endpoints.MapGetAndHead("/check-email", SubscribePages.CheckEmail);
        endpoints.MapGetAndHead("/confirm", SubscribePages.ShowConfirmAsync);
        endpoints.MapPost("/confirm", SubscribePages.ConfirmAsync);
        endpoints.MapGetAndHead("/manage", ManagePages.ShowAsync);
        endpoints.MapPost("/manage", ManagePages.SaveAsync);
        endpoints.MapPost("/manage/pause", ManagePages.PauseAsync);
        endpoints.MapPost("/manage/resume", ManagePages.ResumeAsync);
        endpoints.MapPost("/manage/channel", ChannelPages.SaveAsync);
        endpoints.MapGetAndHead("/unsubscribe", UnsubscribePages.ShowAsync);
        endpoints.MapPost("/unsubscribe", UnsubscribePages.UnsubscribeAsync);
        endpoints.MapPost("/resubscribe", UnsubscribePages.ResubscribeAsync);
        endpoints.MapGetAndHead("/topics/{id}", StoryPages.ShowAsync);
        endpoints.MapGetAndHead("/topics/{id}/feed.atom", StoryPages.TopicFeedAsync);
        endpoints.MapGetAndHead("/feeds/{token}", StoryPages.PrivateFeedAsync);
        endpoints.MapPost("/manage/feed", ManagePages.NewFeedAsync);
        return endpoints;
    }
}
