using Alerts.Core.Subscriptions;
using Alerts.Pipeline.Storage;
using Alerts.Pipeline.Stories;
using Alerts.Pipeline.Subscriptions;
using Alerts.Web.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Alerts.Web.Pages;

/// <summary>
/// The manage page (GET and POST /manage, POST /manage/pause and /manage/resume): change topics, frequency and
/// time, pause or resume. Every answer carries a fresh manage token in its forms, so a page left open keeps working.
/// </summary>
internal static class ManagePages
{
    public static async Task<IResult> ShowAsync(HttpContext context, ManageSubscriptions subscriptions, SubscriptionLinks links, CsrfProtection csrf, string? token)
    {
        var check = (await links.TokensAsync(context.RequestAborted)).Verify(token, TokenPurpose.Manage);
        if (!check.IsValid)
        {
            return BadManageLink(context, check);
        }

        var found = await subscriptions.GetByManageTokenAsync(token!, context.RequestAborted);
        if (!found.Ok)
        {
            return Gone(context);
        }

        if (found.Subscription!.State == SubscriptionState.Unsubscribed)
        {
            return Unsubscribed(context, found.Subscription);
        }

        return await FormAsync(context, subscriptions, links, csrf, found.Subscription, token!, PreferencesInput.From(found.Subscription), new(StringComparer.Ordinal), null, null, StatusCodes.Status200OK);
    }

    public static async Task<IResult> SaveAsync(HttpContext context, ManageSubscriptions subscriptions, SubscriptionLinks links, CsrfProtection csrf, Throttle throttle)
    {
        var (form, token, subscription, refusal) = await ReadWithSubscriptionAsync(context, subscriptions, links, throttle);
        if (form is null || subscription is null)
        {
            return refusal!;
        }

        var input = PreferencesInput.Read(form) with { Email = subscription.Email };
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        var request = input.Check(withEmail: false, errors);
        string? general = null;
        if (request is not null)
        {
            try
            {
                var result = await subscriptions.UpdatePreferencesAsync(
                    token, request.Topics, request.Frequency, request.Hour, request.DayOfWeek, request.TimeZone, context.RequestAborted);
                if (!result.Ok)
                {
                    return subscription.State == SubscriptionState.Unsubscribed ? Unsubscribed(context, subscription) : Gone(context);
                }

                return await FormAsync(context, subscriptions, links, csrf, result.Subscription!, result.ManageToken!, PreferencesInput.From(result.Subscription!),
                    errors, null, "Your changes are saved.", StatusCodes.Status200OK);
            }
            catch (ArgumentException ex)
            {
                general = PreferencesInput.Place(ex, errors);
            }
        }

        return await FormAsync(context, subscriptions, links, csrf, subscription, token, input, errors, general, null, StatusCodes.Status400BadRequest);
    }

    public static Task<IResult> PauseAsync(HttpContext context, ManageSubscriptions subscriptions, SubscriptionLinks links, CsrfProtection csrf, Throttle throttle) =>
        ChangeStateAsync(context, subscriptions, links, csrf, throttle, pause: true);

    public static Task<IResult> ResumeAsync(HttpContext context, ManageSubscriptions subscriptions, SubscriptionLinks links, CsrfProtection csrf, Throttle throttle) =>
        ChangeStateAsync(context, subscriptions, links, csrf, throttle, pause: false);

    private static async Task<IResult> ChangeStateAsync(HttpContext context, ManageSubscriptions subscriptions, SubscriptionLinks links, CsrfProtection csrf, Throttle throttle, bool pause)
    {
        var (form, token, refusal) = await ReadAsync(context, links, throttle);
        if (form is null)
        {
            return refusal!;
        }

        var result = pause
            ? await subscriptions.PauseAsync(token, context.RequestAborted)
            : await subscriptions.ResumeAsync(token, context.RequestAborted);
        if (!result.Ok)
        {
            var found = await subscriptions.GetByManageTokenAsync(token, context.RequestAborted);
            return found.Subscription is { State: SubscriptionState.Unsubscribed } ? Unsubscribed(context, found.Subscription) : Gone(context);
        }

        var saved = pause ? "Digests are paused. Nothing is sent until you resume." : "Digests are on again, starting with what happens from now on.";
        return await FormAsync(context, subscriptions, links, csrf, result.Subscription!, result.ManageToken!, PreferencesInput.From(result.Subscription!),
            new(StringComparer.Ordinal), null, saved, StatusCodes.Status200OK);
    }

    /// <summary>A manage post's form and its (genuine) token, or the page to answer with.</summary>
    internal static async Task<(IFormCollection? Form, string Token, IResult? Refusal)> ReadAsync(HttpContext context, SubscriptionLinks links, Throttle throttle)
    {
        var (form, refusal) = await PageForms.ReadAsync(context);
        if (form is null)
        {
            return (null, "", refusal);
        }

        var decision = throttle.CheckPublic(context);
        if (!decision.Allowed)
        {
            return (null, "", SubscribePages.TooMany(context, decision));
        }

        var token = form["token"].ToString();
        var check = (await links.TokensAsync(context.RequestAborted)).Verify(token, TokenPurpose.Manage);
        return check.IsValid ? (form, token, null) : (null, "", BadManageLink(context, check));
    }

    /// <summary>A manage post's form, token and subscription, or the page to answer with (the link's subscription is gone).</summary>
    private static async Task<(IFormCollection? Form, string Token, Subscription? Subscription, IResult? Refusal)> ReadWithSubscriptionAsync(
        HttpContext context, ManageSubscriptions subscriptions, SubscriptionLinks links, Throttle throttle)
    {
        var (form, token, refusal) = await ReadAsync(context, links, throttle);
        if (form is null)
        {
            return (null, "", null, refusal);
        }

        var found = await subscriptions.GetByManageTokenAsync(token, context.RequestAborted);
        return found.Ok ? (form, token, found.Subscription!, null) : (null, "", null, Gone(context));
    }

    internal static async Task<IResult> FormAsync(HttpContext context, ManageSubscriptions subscriptions, SubscriptionLinks links, CsrfProtection csrf, Subscription subscription, string token,
        PreferencesInput input, Dictionary<string, string> errors, string? general, string? saved, int status)
    {
        var field = await csrf.IssueAsync(context, context.RequestAborted);
        var topics = await subscriptions.ListTopicsAsync(context.RequestAborted);
        var unsubscribe = "/unsubscribe?token=" + Uri.EscapeDataString(await links.UnsubscribeTokenAsync(subscription.Id, context.RequestAborted));
        var paused = subscription.State == SubscriptionState.Paused;
        var summary = SubscribePages.Summary(subscription, await SubscribePages.TopicNamesAsync(subscriptions, subscription, context.RequestAborted));
        var savedNotice = saved is null
            ? HtmlContent.Empty
            : Html.Of($"""<div class="notice" role="status" id="saved"><p><strong>{saved}</strong></p>{summary}</div>""");
        var channel = await context.RequestServices.GetRequiredService<IChannelStore>().GetAsync(subscription.Id, context.RequestAborted);
        var state = ChannelPages.State(subscription, channel, paused);
        var hidden = Html.Of($"""
            <input type="hidden" name="{CsrfProtection.FieldName}" value="{field}">
            <input type="hidden" name="token" value="{token}">
            """);
        var pauseForm = paused
            ? Html.Of($"""<form method="post" action="/manage/resume">{hidden}<div class="actions"><button type="submit" class="secondary">Resume digests</button></div></form>""")
            : Html.Of($"""<form method="post" action="/manage/pause">{hidden}<div class="actions"><button type="submit" class="secondary">Pause digests</button></div></form>""");
        var feedSection = await FeedSectionAsync(context, subscription, hidden);
        var channelSection = ChannelPages.Section(context, channel, hidden);
        return PageLayout.Page(context, status, "Manage your subscription", Html.Of($"""
            {savedNotice}
            {PreferencesFields.Summary(errors, general)}
            {state}
            <form method="post" action="/manage" novalidate data-frequency-form>
            {hidden}
            {PreferencesFields.Render(input, topics, errors, detectZone: false)}
            <div class="actions"><button type="submit">Save changes</button></div>
            </form>
            {feedSection}
            {channelSection}
            <h2>Pause or stop</h2>
            <p>Pausing keeps your choices; nothing is sent until you resume.</p>
            {pauseForm}
            <p>To stop for good: <a href="{unsubscribe}">unsubscribe</a>.</p>
            """));
    }

    // The private Atom feed (issue 14): its secret address, and a button that replaces it.

    /// <summary>POST /manage/feed: a new private feed address; the old one answers 404 from now on.</summary>
    public static async Task<IResult> NewFeedAsync(HttpContext context, ManageSubscriptions subscriptions, SubscriptionLinks links, CsrfProtection csrf, Throttle throttle, StoryFeeds feeds)
    {
        var (form, token, subscription, refusal) = await ReadWithSubscriptionAsync(context, subscriptions, links, throttle);
        if (form is null || subscription is null)
        {
            return refusal!;
        }

        if (subscription.State == SubscriptionState.Unsubscribed)
        {
            return Unsubscribed(context, subscription);
        }

        await feeds.ReplaceFeedUrlAsync(subscription.Id, context.RequestAborted);
        return await FormAsync(context, subscriptions, links, csrf, subscription, token, PreferencesInput.From(subscription),
            new(StringComparer.Ordinal), null, "Your feed has a new address. The old one no longer works: use the new one in your feed reader.", StatusCodes.Status200OK);
    }

    private static async Task<HtmlContent> FeedSectionAsync(HttpContext context, Subscription subscription, HtmlContent hidden)
    {
        var url = await context.RequestServices.GetRequiredService<StoryFeeds>().FeedUrlAsync(subscription.Id, context.RequestAborted);
        return Html.Of($"""
            <h2>Your feed</h2>
            <p>Your digests are also an Atom feed, for a feed reader. The address is secret: anyone who has it can read your digests.</p>
            <p class="feed-url"><a href="{url}" id="feed-url">{url}</a></p>
            <form method="post" action="/manage/feed">{hidden}<div class="actions"><button type="submit" class="secondary">New feed address</button></div></form>
            <p class="hint">A new address stops the old one at once.</p>
            """);
    }

    private static IResult BadManageLink(HttpContext context, TokenCheck check)
    {
        var text = check.Status == TokenStatus.Expired
            ? "Manage links work for a limited time. Open the link in your latest digest: every digest brings a fresh one."
            : "It may have been cut off when copied. Open the link in your latest digest again.";
        return PageLayout.Message(context, StatusCodes.Status400BadRequest,
            check.Status == TokenStatus.Expired ? "This manage link has expired" : "This manage link is not valid", text, "Go to the subscription page", "/", problem: true);
    }

    internal static IResult Gone(HttpContext context) =>
        PageLayout.Message(context, StatusCodes.Status404NotFound, "This subscription no longer exists",
            "Nothing is sent to you. Use the subscription page to start a new one.", "Go to the subscription page", "/", problem: true);

    private static IResult Unsubscribed(HttpContext context, Subscription subscription) =>
        PageLayout.Message(context, StatusCodes.Status404NotFound, "This subscription was unsubscribed",
            $"No digests are sent to {subscription.Email}. To receive them again, subscribe on the subscription page; a confirmation email comes first.",
            "Go to the subscription page", "/", problem: true);
}
