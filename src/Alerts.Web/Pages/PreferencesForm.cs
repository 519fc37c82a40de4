using System.Globalization;
using Alerts.Core.Subscriptions;
using Alerts.Pipeline.Subscriptions;
using Microsoft.AspNetCore.Http;

namespace Alerts.Web.Pages;

/// <summary>
/// What the subscribe and manage forms send, exactly as typed, so a form with a mistake comes back with the
/// visitor's values. <see cref="Check"/> turns it into a request or into messages per field.
/// </summary>
internal sealed record PreferencesInput(
    string Email,
    IReadOnlyList<string> Topics,
    string Frequency,
    string Hour,
    string Weekday,
    string TimeZone)
{
    public static readonly PreferencesInput Default = new("", [], "daily", "8", "monday", "UTC");

    public static PreferencesInput From(Subscription subscription) => new(
        subscription.Email,
        subscription.Topics,
        subscription.Frequency.ToString().ToLowerInvariant(),
        subscription.Hour.ToString(CultureInfo.InvariantCulture),
        subscription.DayOfWeek.ToString().ToLowerInvariant(),
        subscription.TimeZone);

    public static PreferencesInput Read(IFormCollection form) => new(
        form["email"].ToString(),
        form["topic"].Where(t => !string.IsNullOrEmpty(t)).Select(t => t!).ToList(),
        form["frequency"].ToString(),
        form["hour"].ToString(),
        form["weekday"].ToString(),
        form["zone"].ToString());

    /// <summary>
    /// The request when every field is well formed, else the messages keyed by field. Whether the topics
    /// exist and the rest of the rules are the use case's; this only checks what the form can get wrong.
    /// </summary>
    public SubscriptionRequest? Check(bool withEmail, Dictionary<string, string> errors)
    {
        var email = "";
        if (withEmail && !EmailAddress.TryNormalize(Email, out email, out var emailError))
        {
            errors["email"] = Email.Trim().Length == 0
                ? "Enter your email address."
                : "Enter an email address like name@example.org (" + PageLayout.WithoutComponent(emailError) + ").";
        }

        if (Topics.Count == 0)
        {
            errors["topics"] = "Choose at least one topic.";
        }

        if (!EnumNames.TryParse<DigestFrequency>(Frequency, out var frequency))
        {
            errors["frequency"] = "Choose how often you want a digest.";
        }

        if (!int.TryParse(Hour, NumberStyles.None, CultureInfo.InvariantCulture, out var hour) || hour > 23)
        {
            errors["hour"] = "Choose an hour between 00:00 and 23:00.";
        }

        if (!EnumNames.TryParse<DayOfWeek>(Weekday, out var weekday))
        {
            errors["weekday"] = "Choose a day of the week.";
        }

        if (!DigestWindows.TryFindTimeZone(TimeZone, out _, out _))
        {
            errors["zone"] = "Choose a time zone from the list.";
        }

        return errors.Count == 0 ? new SubscriptionRequest(email, Topics, frequency, hour, weekday, TimeZone.Trim()) : null;
    }

    /// <summary>
    /// Puts the use case's refusal beside the field it names; a refusal without a known field is returned to
    /// show above the form.
    /// </summary>
    public static string? Place(ArgumentException refusal, Dictionary<string, string> errors)
    {
        ArgumentNullException.ThrowIfNull(refusal);
        var field = (refusal as InvalidSubscriptionException)?.Field switch
        {
            "email" => "email",
            "topics" => "topics",
            "frequency" => "frequency",
            "hour" => "hour",
            "dayOfWeek" => "weekday",
            "timeZone" => "zone",
            _ => null,
        };
        if (field is null)
        {
            return PageLayout.ForPeople(refusal.Message);
        }

        // The use case's messages end with a hint for the operator's CLI ("(see 'alerts topics list')"), not for visitors.
        var message = PageLayout.ForPeople(refusal.Message);
        var cliHint = message.IndexOf(" (see 'alerts ", StringComparison.Ordinal);
        message = cliHint > 0 ? message[..cliHint] : message;
        errors[field] = message.EndsWith('.') ? message : message + ".";
        return null;
    }
}

/// <summary>The fields both forms share: topics, frequency, hour, weekday and time zone.</summary>
internal static class PreferencesFields
{
    private static readonly (DigestFrequency Value, string Label, string Hint)[] Frequencies =
    [
        (DigestFrequency.Immediate, "As it happens", "A digest soon after a new claim or a contradiction."),
        (DigestFrequency.Hourly, "Hourly", "At most one digest an hour."),
        (DigestFrequency.Daily, "Daily", "One digest a day at the hour you choose."),
        (DigestFrequency.Weekly, "Weekly", "One digest a week on the day and at the hour you choose."),
    ];

    private static readonly DayOfWeek[] Weekdays =
        [DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday, DayOfWeek.Saturday, DayOfWeek.Sunday];

    /// <summary>IANA zone ids, UTC first; on Windows the system's ids are converted.</summary>
    private static readonly Lazy<IReadOnlyList<string>> Zones = new(() =>
    {
        var ids = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var zone in TimeZoneInfo.GetSystemTimeZones())
        {
            if (zone.HasIanaId)
            {
                ids.Add(zone.Id);
            }
            else if (TimeZoneInfo.TryConvertWindowsIdToIanaId(zone.Id, out var iana))
            {
                ids.Add(iana);
            }
        }

        ids.Remove("UTC");
        return ["UTC", .. ids];
    });

    public static HtmlContent Render(PreferencesInput input, IReadOnlyList<PublicTopic> topics, IReadOnlyDictionary<string, string> errors, bool detectZone)
    {
        var topicChoices = Html.Join(topics.Select((topic, index) =>
        {
            var id = "topic-" + index.ToString(CultureInfo.InvariantCulture);
            var hint = string.IsNullOrWhiteSpace(topic.Description)
                ? HtmlContent.Empty
                : Html.Of($"""<span class="hint" id="{id}-hint">{topic.Description}</span>""");
            var describedBy = string.IsNullOrWhiteSpace(topic.Description) ? HtmlContent.Empty : Html.Of($""" aria-describedby="{id}-hint" """);
            return Html.Of($"""
                <div class="choice"><input type="checkbox" id="{id}" name="topic" value="{topic.Id}"{describedBy}{Html.Flag(input.Topics.Contains(topic.Id), "checked")}><div><label for="{id}">{topic.Name}</label>{hint}</div></div>
                """);
        }));
        if (topics.Count == 0)
        {
            topicChoices = Html.Of($"""<p>There are no topics to follow yet.</p>""");
        }

        var frequencyChoices = Html.Join(Frequencies.Select(f =>
        {
            var value = f.Value.ToString().ToLowerInvariant();
            var id = "frequency-" + value;
            return Html.Of($"""
                <div class="choice"><input type="radio" id="{id}" name="frequency" value="{value}" aria-describedby="{id}-hint"{Html.Flag(string.Equals(input.Frequency, value, StringComparison.OrdinalIgnoreCase), "checked")}><div><label for="{id}">{f.Label}</label><span class="hint" id="{id}-hint">{f.Hint}</span></div></div>
                """);
        }));

        var hours = Html.Join(Enumerable.Range(0, 24).Select(h =>
        {
            var value = h.ToString(CultureInfo.InvariantCulture);
            return Html.Of($"""<option value="{value}"{Html.Flag(input.Hour == value, "selected")}>{h.ToString("00", CultureInfo.InvariantCulture)}:00</option>""");
        }));
        var weekdays = Html.Join(Weekdays.Select(d =>
        {
            var value = d.ToString().ToLowerInvariant();
            return Html.Of($"""<option value="{value}"{Html.Flag(string.Equals(input.Weekday, value, StringComparison.OrdinalIgnoreCase), "selected")}>{d.ToString()}</option>""");
        }));

        // A zone the form came back with that is not in the list (an alias, say) stays selectable.
        var zoneIds = Zones.Value.Contains(input.TimeZone, StringComparer.Ordinal) || !DigestWindows.TryFindTimeZone(input.TimeZone, out _, out _)
            ? Zones.Value
            : [input.TimeZone, .. Zones.Value];
        var zones = Html.Join(zoneIds.Select(z =>
            Html.Of($"""<option value="{z}"{Html.Flag(z == input.TimeZone, "selected")}>{z.Replace('_', ' ')}</option>""")));
        var detect = Html.Flag(detectZone, "data-detect-zone");

        return Html.Of($"""
            <fieldset id="topics"{Invalid(errors, "topics")}{DescribedBy(errors, "topics", null)}>
            <legend>Topics</legend>
            {Error(errors, "topics")}
            {topicChoices}
            </fieldset>
            <fieldset id="frequency"{Invalid(errors, "frequency")}{DescribedBy(errors, "frequency", null)}>
            <legend>How often</legend>
            {Error(errors, "frequency")}
            {frequencyChoices}
            </fieldset>
            <div class="row">
            <div class="field{Html.If(errors.ContainsKey("hour"), Html.Trusted(" invalid"))}" data-for-frequency="hour">
            <label for="hour">Hour</label>
            <span class="hint" id="hour-hint">For daily and weekly digests, in your time zone.</span>
            {Error(errors, "hour")}
            <select id="hour" name="hour"{DescribedBy(errors, "hour", "hour-hint")}{Invalid(errors, "hour")}>{hours}</select>
            </div>
            <div class="field{Html.If(errors.ContainsKey("weekday"), Html.Trusted(" invalid"))}" data-for-frequency="weekday">
            <label for="weekday">Day of the week</label>
            <span class="hint" id="weekday-hint">For weekly digests.</span>
            {Error(errors, "weekday")}
            <select id="weekday" name="weekday"{DescribedBy(errors, "weekday", "weekday-hint")}{Invalid(errors, "weekday")}>{weekdays}</select>
            </div>
            </div>
            <div class="field{Html.If(errors.ContainsKey("zone"), Html.Trusted(" invalid"))}">
            <label for="zone">Time zone</label>
            <span class="hint" id="zone-hint">Daily and weekly digests arrive at the hour you chose in this zone.</span>
            {Error(errors, "zone")}
            <select id="zone" name="zone"{detect}{DescribedBy(errors, "zone", "zone-hint")}{Invalid(errors, "zone")}>{zones}</select>
            </div>
            """);
    }

    /// <summary>The message beside a field, with the id its aria-describedby names.</summary>
    public static HtmlContent Error(IReadOnlyDictionary<string, string> errors, string field) =>
        errors.TryGetValue(field, out var message)
            ? Html.Of($"""<span class="error" id="{field}-error">{message}</span>""")
            : HtmlContent.Empty;

    public static HtmlContent Invalid(IReadOnlyDictionary<string, string> errors, string field) =>
        Html.If(errors.ContainsKey(field), Html.Trusted(" aria-invalid=\"true\""));

    public static HtmlContent DescribedBy(IReadOnlyDictionary<string, string> errors, string field, string? hintId)
    {
        var ids = string.Join(' ', new[] { hintId, errors.ContainsKey(field) ? field + "-error" : null }.Where(i => i is not null));
        return ids.Length == 0 ? HtmlContent.Empty : Html.Of($""" aria-describedby="{ids}" """);
    }

    /// <summary>A list of the problems at the top of a form, each linking to its field.</summary>
    public static HtmlContent Summary(IReadOnlyDictionary<string, string> errors, string? general)
    {
        if (errors.Count == 0 && general is null)
        {
            return HtmlContent.Empty;
        }

        var items = Html.Join(errors.Select(e => Html.Of($"""<li><a href="#{e.Key}">{e.Value}</a></li>""")));
        var generalLine = general is null ? HtmlContent.Empty : Html.Of($"""<p>{general}</p>""");
        return Html.Of($"""
            <div class="notice problem" role="alert" id="problems">
            <p><strong>Please check the form.</strong></p>
            {generalLine}
            {Html.If(errors.Count > 0, Html.Of($"<ul>{items}</ul>"))}
            </div>
            """);
    }
}
