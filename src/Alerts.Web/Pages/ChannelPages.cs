using System.Globalization;
using Alerts.Core.Subscriptions;
using Alerts.Core.Webhooks;
using Alerts.Pipeline.Fetching;
using Alerts.Pipeline.Storage;
using Alerts.Pipeline.Subscriptions;
using Alerts.Pipeline.Webhooks;
using Alerts.Web.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Alerts.Web.Pages;

/// <summary>
/// The manage page's "Where digests go" section (email, Slack, Teams or a signed JSON webhook) and its form,
/// POST /manage/channel. A generic webhook's signing secret appears once, in the answer to the change that
/// created it.
/// </summary>
internal static class ChannelPages
{
    /// <summary>What the channel form came back with (its values, errors, a secret just created), for the section.</summary>
    private sealed record ChannelForm(string Kind, string Url, IReadOnlyDictionary<string, string> Errors, string? NewSecret);

    private static readonly object StateKey = new();

    private static readonly (ChannelKind Kind, string Label, string Hint)[] Kinds =
    [
        (ChannelKind.Email, "Email", "Digests come to your address."),
        (ChannelKind.Slack, "Slack", "An incoming webhook URL, https://hooks.slack.com/services/…"),
        (ChannelKind.Teams, "Microsoft Teams", "The URL of a Teams workflow that posts webhook requests to a channel."),
        (ChannelKind.Webhook, "Signed JSON webhook", "Any https endpoint; each digest is signed as Standard Webhooks says, with a secret shown once."),
    ];

    public static async Task<IResult> SaveAsync(HttpContext context, ManageSubscriptions subscriptions, ManageChannels channels, SubscriptionLinks links, CsrfProtection csrf, Throttle throttle)
    {
        var (form, token, refusal) = await ManagePages.ReadAsync(context, links, throttle);
        if (form is null)
        {
            return refusal!;
        }

        var kindText = form["channel"].ToString();
        var url = form["channelUrl"].ToString();
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        string? secret = null;
        if (!EnumNames.TryParse<ChannelKind>(kindText, out var kind))
        {
            errors["channel"] = "Choose where your digests go.";
        }
        else
        {
            try
            {
                var result = await channels.SetAsync(token, kind, kind == ChannelKind.Email ? null : url, form["newSecret"] == "on", context.RequestAborted);
                if (!result.Ok)
                {
                    return ManagePages.Gone(context);
                }

                secret = result.NewSecret;
                context.Items[StateKey] = new ChannelForm(Name(kind), "", errors, secret);
                var saved = kind == ChannelKind.Email ? "Digests come by email." : $"Digests go to your {WebhookDelivery.ChannelName(kind)}.";
                return await ManagePages.FormAsync(context, subscriptions, links, csrf, result.Subscription!, result.ManageToken!,
                    PreferencesInput.From(result.Subscription!), new(StringComparer.Ordinal), null, saved, StatusCodes.Status200OK);
            }
            catch (InvalidSubscriptionException ex)
            {
                errors["channelUrl"] = PageLayout.ForPeople(ex.Message) + ".";
            }
        }

        var found = await subscriptions.GetByManageTokenAsync(token, context.RequestAborted);
        if (!found.Ok)
        {
            return ManagePages.Gone(context);
        }

        context.Items[StateKey] = new ChannelForm(kindText, url, errors, null);
        return await ManagePages.FormAsync(context, subscriptions, links, csrf, found.Subscription!, token,
            PreferencesInput.From(found.Subscription!), new(StringComparer.Ordinal), null, null, StatusCodes.Status400BadRequest);
    }

    /// <summary>The section, with its own form, inside the manage page.</summary>
    public static HtmlContent Section(HttpContext context, DeliveryChannel? channel, HtmlContent hidden)
    {
        var form = context.Items[StateKey] as ChannelForm
            ?? new ChannelForm(Name(channel?.Kind ?? ChannelKind.Email), "", new Dictionary<string, string>(), null);
        var choices = Html.Join(Kinds.Select(k =>
        {
            var value = Name(k.Kind);
            var id = "channel-" + value;
            return Html.Of($"""
                <div class="choice"><input type="radio" id="{id}" name="channel" value="{value}" aria-describedby="{id}-hint"{Html.Flag(string.Equals(form.Kind, value, StringComparison.OrdinalIgnoreCase), "checked")}><div><label for="{id}">{k.Label}</label><span class="hint" id="{id}-hint">{k.Hint}</span></div></div>
                """);
        }));
        var secretNotice = form.NewSecret is null ? HtmlContent.Empty : Html.Of($"""
            <div class="notice" role="status" id="secret-notice">
            <p><strong>Your signing secret, shown only this once:</strong></p>
            <p><code id="webhook-secret">{form.NewSecret}</code></p>
            <p>Copy it into your receiver now. It is never shown again; to get another, save the webhook with "New signing secret" ticked.</p>
            </div>
            """);
        var errors = form.Errors;
        return Html.Of($"""
            <h2 id="channel-heading">Where digests go</h2>
            {secretNotice}
            {Disabled(channel)}
            <form method="post" action="/manage/channel" novalidate>
            {hidden}
            <fieldset id="channel"{PreferencesFields.Invalid(errors, "channel")}{PreferencesFields.DescribedBy(errors, "channel", null)}>
            <legend>Channel</legend>
            {PreferencesFields.Error(errors, "channel")}
            {choices}
            </fieldset>
            <div class="field{Html.If(errors.ContainsKey("channelUrl"), Html.Trusted(" invalid"))}">
            <label for="channelUrl">Webhook URL</label>
            <span class="hint" id="channelUrl-hint">For Slack, Teams and signed JSON: the https address to post digests to. It works like a password, so it is never shown again; leave it empty to keep the current one.</span>
            {PreferencesFields.Error(errors, "channelUrl")}
            <input type="url" id="channelUrl" name="channelUrl" value="{form.Url}" autocomplete="off" spellcheck="false"{PreferencesFields.DescribedBy(errors, "channelUrl", "channelUrl-hint")}{PreferencesFields.Invalid(errors, "channelUrl")}>
            </div>
            <div class="choice"><input type="checkbox" id="newSecret" name="newSecret" aria-describedby="newSecret-hint"><div><label for="newSecret">New signing secret</label><span class="hint" id="newSecret-hint">Signed JSON only: replace the secret (the old one stops working).</span></div></div>
            <div class="actions"><button type="submit">Save channel</button></div>
            </form>
            """);
    }

    /// <summary>
    /// The manage page's opening line: where digests go now. A webhook that is on is named with its host (the URL
    /// itself works like a password); otherwise, a turned-off webhook included, digests go to the email address.
    /// </summary>
    public static HtmlContent State(Subscription subscription, DeliveryChannel? channel, bool paused)
    {
        if (channel is null || channel.DisabledAt is not null)
        {
            return paused
                ? Html.Of($"""<p id="channel-state">Digests to <strong>{subscription.Email}</strong> are <strong>paused</strong>.</p>""")
                : Html.Of($"""<p id="channel-state">Digests go to <strong>{subscription.Email}</strong>.</p>""");
        }

        var name = WebhookDelivery.ChannelName(channel.Kind);
        var host = GuardedHttpClient.HostOnly(channel.Url).ToString();
        return paused
            ? Html.Of($"""<p id="channel-state">Digests to your <strong>{name}</strong> at {host} are <strong>paused</strong>.</p>""")
            : Html.Of($"""<p id="channel-state">Digests go to your <strong>{name}</strong> at {host}.</p>""");
    }

    private static HtmlContent Disabled(DeliveryChannel? channel)
    {
        if (channel?.DisabledAt is not { } disabled)
        {
            return HtmlContent.Empty;
        }

        var name = WebhookDelivery.ChannelName(channel.Kind);
        var host = GuardedHttpClient.HostOnly(channel.Url).ToString();
        var when = disabled.UtcDateTime.ToString("d MMM yyyy HH:mm 'UTC'", CultureInfo.InvariantCulture);
        return Html.Of($"""
            <div class="notice problem" role="status" id="channel-disabled">
            <p><strong>Your {name} at {host} was turned off on {when}</strong> after {channel.ConsecutiveFailures} failed deliveries in a row. Digests come by email.</p>
            <p>Last error: {channel.LastError ?? "unknown"}</p>
            <p>Fix the webhook, then save it below to turn it on again.</p>
            </div>
            """);
    }

    private static string Name(ChannelKind kind) => kind.ToString().ToLowerInvariant();
}
