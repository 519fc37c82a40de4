using Alerts.Core.Subscriptions;
using Alerts.Pipeline.Subscriptions;
using Alerts.Web.Security;
using Microsoft.AspNetCore.Http;

namespace Alerts.Web.Pages;

/// <summary>Unsubscribe (GET and POST /unsubscribe) and resubscribe (POST /resubscribe).</summary>
internal static class UnsubscribePages
{
    public static async Task<IResult> ShowAsync(HttpContext context, SubscriptionLinks links, CsrfProtection csrf, string? token)
    {
        var check = (await links.TokensAsync(context.RequestAborted)).Verify(token, TokenPurpose.Unsubscribe);
        if (!check.IsValid)
        {
            return SubscribePages.BadLink(context, check, "unsubscribe");
        }

        var field = await csrf.IssueAsync(context, context.RequestAborted);
        return PageLayout.Page(context, StatusCodes.Status200OK, "Unsubscribe", Html.Of($"""
            <p>Press the button to stop all Alerts digests to this address.</p>
            <form method="post" action="/unsubscribe">
            <input type="hidden" name="{CsrfProtection.FieldName}" value="{field}">
            <input type="hidden" name="token" value="{token}">
            <div class="actions"><button type="submit" class="danger">Unsubscribe</button></div>
            </form>
            """));
    }

    public static async Task<IResult> UnsubscribeAsync(HttpContext context, SubscriptionLinks links, ManageSubscriptions subscriptions, CsrfProtection csrf, Throttle throttle)
    {
        var (form, refusal) = await PageForms.ReadAsync(context);
        if (form is null)
        {
            return refusal!;
        }

        var decision = throttle.CheckPublic(context);
        if (!decision.Allowed)
        {
            return SubscribePages.TooMany(context, decision);
        }

        var token = form["token"].ToString();
        var check = (await links.TokensAsync(context.RequestAborted)).Verify(token, TokenPurpose.Unsubscribe);
        if (!check.IsValid)
        {
            return SubscribePages.BadLink(context, check, "unsubscribe");
        }

        var result = await subscriptions.UnsubscribeByTokenAsync(token, context.RequestAborted);
        if (!result.Ok)
        {
            return PageLayout.Message(context, StatusCodes.Status404NotFound, "Nothing to unsubscribe",
                "This subscription no longer exists, so nothing will be sent to you.", "Go to the subscription page", "/", problem: true);
        }

        var field = await csrf.IssueAsync(context, context.RequestAborted);
        return PageLayout.Page(context, StatusCodes.Status200OK, "You are unsubscribed", Html.Of($"""
            <p class="notice">No more digests will be sent to {result.Subscription!.Email}.</p>
            <p>Changed your mind? Subscribe again with the same topics and times; we will send a new confirmation email first.</p>
            <form method="post" action="/resubscribe">
            <input type="hidden" name="{CsrfProtection.FieldName}" value="{field}">
            <input type="hidden" name="token" value="{token}">
            <div class="actions"><button type="submit" class="secondary">Subscribe again</button></div>
            </form>
            """));
    }

    public static async Task<IResult> ResubscribeAsync(HttpContext context, SubscriptionLinks links, ManageSubscriptions subscriptions, CsrfProtection csrf, Throttle throttle)
    {
        var (form, refusal) = await PageForms.ReadAsync(context);
        if (form is null)
        {
            return refusal!;
        }

        var check = (await links.TokensAsync(context.RequestAborted)).Verify(form["token"].ToString(), TokenPurpose.Unsubscribe);
        if (!check.IsValid)
        {
            return SubscribePages.BadLink(context, check, "unsubscribe");
        }

        var subscription = await subscriptions.FindAsync(check.SubscriptionId!, context.RequestAborted);
        if (subscription is null)
        {
            return PageLayout.Message(context, StatusCodes.Status404NotFound, "This subscription no longer exists",
                "Use the subscription page to start a new one.", "Go to the subscription page", "/", problem: true);
        }

        // It sends a confirmation email, so it counts like the subscribe form.
        var decision = throttle.CheckSubscribe(context, subscription.Email);
        if (!decision.Allowed)
        {
            return SubscribePages.TooMany(context, decision);
        }

        var input = PreferencesInput.From(subscription);
        var request = new SubscriptionRequest(subscription.Email, subscription.Topics, subscription.Frequency, subscription.Hour, subscription.DayOfWeek, subscription.TimeZone);
        try
        {
            // A new double opt-in, like the subscribe form: the same page whatever the address's state.
            await subscriptions.SubscribeAsync(request, context.RequestAborted);
            return SubscribePages.SeeOther("/check-email");
        }
        catch (ArgumentException ex)
        {
            // A topic was removed since, say: the form comes back filled in so the visitor can choose again.
            var errors = new Dictionary<string, string>(StringComparer.Ordinal);
            var general = PreferencesInput.Place(ex, errors);
            var list = await subscriptions.ListTopicsAsync(context.RequestAborted);
            return SubscribePages.Form(context, await csrf.IssueAsync(context, context.RequestAborted), list, input, errors,
                general, StatusCodes.Status400BadRequest, fresh: false);
        }
    }
}
