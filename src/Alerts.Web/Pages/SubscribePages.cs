using Alerts.Core.Subscriptions;
using Alerts.Pipeline.Subscriptions;
using Alerts.Web.Security;
using Microsoft.AspNetCore.Http;

namespace Alerts.Web.Pages;

/// <summary>Subscribe (GET and POST /), "check your email", and the confirmation (GET and POST /confirm).</summary>
internal static class SubscribePages
{
    public static async Task<IResult> ShowAsync(HttpContext context, ManageSubscriptions subscriptions, CsrfProtection csrf)
    {
        var list = await subscriptions.ListTopicsAsync(context.RequestAborted);
        return Form(context, await csrf.IssueAsync(context, context.RequestAborted), list, PreferencesInput.Default, new(), null, StatusCodes.Status200OK, fresh: true);
    }

    public static async Task<IResult> SubmitAsync(HttpContext context, ManageSubscriptions subscriptions, CsrfProtection csrf, Throttle throttle)
    {
        var (form, refusal) = await PageForms.ReadAsync(context);
        if (form is null)
        {
            return refusal!;
        }

        var input = PreferencesInput.Read(form);
        var decision = throttle.CheckSubscribe(context, input.Email);
        if (!decision.Allowed)
        {
            return TooMany(context, decision);
        }

        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        var request = input.Check(withEmail: true, errors);
        string? general = null;
        if (request is not null)
        {
            try
            {
                // Whatever the outcome (sent, already pending, already active) the visitor sees the same page,
                // so the form cannot be used to learn whether an address is subscribed.
                await subscriptions.SubscribeAsync(request, context.RequestAborted);
                return SeeOther("/check-email");
            }
            catch (ArgumentException ex)
            {
                general = PreferencesInput.Place(ex, errors);
            }
        }

        var list = await subscriptions.ListTopicsAsync(context.RequestAborted);
        return Form(context, await csrf.IssueAsync(context, context.RequestAborted), list, input, errors, general, StatusCodes.Status400BadRequest, fresh: false);
    }

    public static IResult CheckEmail(HttpContext context) => PageLayout.Page(context, StatusCodes.Status200OK, "Check your email", Html.Of($"""
        <p class="notice">If the address can receive a subscription, a confirmation email is on its way. Open the link in it within 7 days to start your alerts.</p>
        <p>Nothing arrives? Look in your spam folder. If you are already subscribed, no new email is sent: use the manage link at the bottom of any digest to change your topics.</p>
        <p><a href="/">Back to the subscription page</a></p>
        """));

    public static async Task<IResult> ShowConfirmAsync(HttpContext context, SubscriptionLinks links, CsrfProtection csrf, string? token)
    {
        var check = (await links.TokensAsync(context.RequestAborted)).Verify(token, TokenPurpose.Confirm);
        if (!check.IsValid)
        {
            return BadLink(context, check, "confirmation");
        }

        var field = await csrf.IssueAsync(context, context.RequestAborted);
        return PageLayout.Page(context, StatusCodes.Status200OK, "Confirm your subscription", Html.Of($"""
            <p>One step left: press the button to start receiving Alerts digests.</p>
            <form method="post" action="/confirm">
            <input type="hidden" name="{CsrfProtection.FieldName}" value="{field}">
            <input type="hidden" name="token" value="{token}">
            <div class="actions"><button type="submit">Confirm my subscription</button></div>
            </form>
            <p class="hint">Did not ask for this? Close this page: without the button nothing is sent to you.</p>
            """));
    }

    public static async Task<IResult> ConfirmAsync(HttpContext context, SubscriptionLinks links, ManageSubscriptions subscriptions, Throttle throttle)
    {
        var (form, refusal) = await PageForms.ReadAsync(context);
        if (form is null)
        {
            return refusal!;
        }

        var decision = throttle.CheckPublic(context);
        if (!decision.Allowed)
        {
            return TooMany(context, decision);
        }

        var token = form["token"].ToString();
        var check = (await links.TokensAsync(context.RequestAborted)).Verify(token, TokenPurpose.Confirm);
        if (!check.IsValid)
        {
            return BadLink(context, check, "confirmation");
        }

        var result = await subscriptions.ConfirmAsync(token, context.RequestAborted);
        if (!result.Ok)
        {
            return PageLayout.Message(context, StatusCodes.Status404NotFound, "This link has run out",
                PageLayout.ForPeople(result.Error!) + ".", "Subscribe again", "/", problem: true);
        }

        var subscription = result.Subscription!;
        var names = await TopicNamesAsync(subscriptions, subscription, context.RequestAborted);
        var manage = "/manage?token=" + Uri.EscapeDataString(result.ManageToken!);
        return PageLayout.Page(context, StatusCodes.Status200OK, "You are subscribed", Html.Of($"""
            <p class="notice">Digests for {subscription.Email} will arrive when your topics get a new claim or a contradiction.</p>
            {Summary(subscription, names)}
            <p><a href="{manage}">Change your topics or times, or pause</a> (this link works for a while; every digest brings a fresh one, and an unsubscribe link).</p>
            """));
    }

    /// <summary>What a subscription is set to, as a definition list.</summary>
    public static HtmlContent Summary(Subscription subscription, IReadOnlyList<string> topicNames)
    {
        var when = subscription.Frequency switch
        {
            DigestFrequency.Immediate => "As it happens",
            DigestFrequency.Hourly => "Hourly",
            DigestFrequency.Daily => $"Daily at {subscription.Hour:00}:00",
            _ => $"Weekly on {subscription.DayOfWeek} at {subscription.Hour:00}:00",
        };
        var zone = subscription.Frequency is DigestFrequency.Daily or DigestFrequency.Weekly ? $" ({subscription.TimeZone})" : "";
        var items = Html.Join(topicNames.Select(n => Html.Of($"<li>{n}</li>")));
        return Html.Of($"""
            <dl class="summary">
            <dt>Topics</dt><dd><ul>{items}</ul></dd>
            <dt>How often</dt><dd>{when + zone}</dd>
            </dl>
            """);
    }

    /// <summary>The names of the subscription's topics (the id of one that no longer exists).</summary>
    public static async Task<IReadOnlyList<string>> TopicNamesAsync(ManageSubscriptions subscriptions, Subscription subscription, CancellationToken cancellationToken)
    {
        var names = (await subscriptions.ListTopicsAsync(cancellationToken)).ToDictionary(t => t.Id, t => t.Name, StringComparer.Ordinal);
        return subscription.Topics.Select(id => names.GetValueOrDefault(id, id)).ToList();
    }

    /// <summary>The page for a token that is not genuine, not for this page, or expired: 400 and what to do next.</summary>
    public static IResult BadLink(HttpContext context, TokenCheck check, string kind)
    {
        var (title, next) = check.Status switch
        {
            TokenStatus.Expired => ($"This {kind} link has expired", "Subscribe again to get a new link."),
            TokenStatus.WrongPurpose => ($"This is not a {kind} link", "Use the link from the right email, or subscribe again."),
            _ => ($"This {kind} link is not valid", "It may have been cut off when copied: open it again from the email, or subscribe again."),
        };
        return PageLayout.Message(context, StatusCodes.Status400BadRequest, title, next, "Go to the subscription page", "/", problem: true);
    }

    /// <summary>After a post, a GET of <paramref name="location"/> (303), so reloading does not post again.</summary>
    public static IResult SeeOther(string location) => new SeeOtherResult(location);

    /// <summary>The 429 page: the visitor asked too often; Retry-After says when to try again.</summary>
    public static IResult TooMany(HttpContext context, ThrottleDecision decision)
    {
        context.Response.Headers.RetryAfter = decision.RetryAfterHeader();
        var minutes = Math.Max(1, (decision.RetryAfterSeconds + 59) / 60);
        return PageLayout.Message(context, StatusCodes.Status429TooManyRequests, "Please wait a moment",
            $"There were too many requests from your connection or for this address. Try again in {minutes} minute{(minutes == 1 ? "" : "s")}.",
            "Back to the subscription page", "/", problem: true);
    }

    public static IResult Form(HttpContext context, string csrfField, IReadOnlyList<PublicTopic> topics, PreferencesInput input,
        Dictionary<string, string> errors, string? general, int status, bool fresh)
    {
        var emailClass = errors.ContainsKey("email") ? " invalid" : "";
        return PageLayout.Page(context, status, "Subscribe to topic alerts", Html.Of($"""
            <p>Get an email when a topic you follow gets a new factual claim or a contradiction, never a pile of near-identical articles.</p>
            {PreferencesFields.Summary(errors, general)}
            <form method="post" action="/" novalidate data-frequency-form>
            <input type="hidden" name="{CsrfProtection.FieldName}" value="{csrfField}">
            <div class="field{emailClass}">
            <label for="email">Email address</label>
            <span class="hint" id="email-hint">We send a confirmation link first; nothing else until you confirm.</span>
            {PreferencesFields.Error(errors, "email")}
            <input type="email" id="email" name="email" value="{input.Email}" autocomplete="email" spellcheck="false" required maxlength="254"{PreferencesFields.DescribedBy(errors, "email", "email-hint")}{PreferencesFields.Invalid(errors, "email")}>
            </div>
            {PreferencesFields.Render(input, topics, errors, detectZone: fresh)}
            <div class="actions"><button type="submit">Subscribe</button></div>
            </form>
            """));
    }

    private sealed class SeeOtherResult(string location) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = StatusCodes.Status303SeeOther;
            httpContext.Response.Headers.Location = location;
            return Task.CompletedTask;
        }
    }
}
