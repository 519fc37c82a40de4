using System.Data.Common;
using System.Globalization;
using System.Net;
using Alerts.Core.Mail;
using Alerts.Core.Subscriptions;
using Alerts.Pipeline.Mail;
using Alerts.Pipeline.Storage;
using Microsoft.Extensions.Options;

namespace Alerts.Pipeline.Subscriptions;

/// <summary>What a person asks for: an address, topic ids and when to get the digest.</summary>
public sealed record SubscriptionRequest(
    string Email,
    IReadOnlyList<string> Topics,
    DigestFrequency Frequency = DigestFrequency.Daily,
    int Hour = 8,
    DayOfWeek DayOfWeek = DayOfWeek.Monday,
    string TimeZone = "UTC");

public enum SubscribeOutcome
{
    /// <summary>
    /// A new (or renewed) pending subscription; the confirmation email went out. Also the outcome when a
    /// pending address asks again after <see cref="ManageSubscriptions.ResendAfter"/>: a fresh email was sent.
    /// </summary>
    ConfirmationSent,

    /// <summary>The address is waiting for a confirmation sent less than <see cref="ManageSubscriptions.ResendAfter"/> ago; nothing changed, nothing sent.</summary>
    AlreadyPending,

    /// <summary>The address is already subscribed; nothing changed, nothing sent (preferences change through a manage link).</summary>
    AlreadyActive,
}

public sealed record SubscribeResult(SubscribeOutcome Outcome, Subscription Subscription);

/// <summary>The outcome of a link: the subscription when the token was good, else the reason.</summary>
public sealed record LinkResult(Subscription? Subscription, string? Error)
{
    public bool Ok => Subscription is not null;

    /// <summary>A fresh manage token, set by <see cref="ManageSubscriptions.ConfirmAsync"/> and the manage operations when they succeed.</summary>
    public string? ManageToken { get; init; }
}

/// <summary>A topic as the public subscribe form shows it: no query, no feeds.</summary>
public sealed record PublicTopic(string Id, string Name, string? Description);

/// <summary>
/// Subscribing with double opt-in, confirming, unsubscribing and listing; the operator's own subscribers from
/// the configuration file. The CLI and the HTTP API call these.
/// </summary>
/// <remarks>
/// A self-service subscription starts pending and gets one email, the confirmation; nothing else is sent
/// until it is confirmed, and it is deleted when it stays pending for <see cref="PendingLifetime"/>. Subscribing
/// an address again is idempotent: an active subscription is left as it is (so nobody can change another
/// person's preferences by subscribing their address). A pending one is left as it is too, unless its
/// confirmation went out more than <see cref="ResendAfter"/> ago: then the pending period starts again with the
/// new request's preferences and a fresh confirmation (so a person who lost the email is not stuck for a
/// week, while nobody can make the app mail an address more than once per <see cref="ResendAfter"/>); only the
/// newest confirmation link works. An unsubscribed address that subscribes again is pending again and needs a
/// new confirmation; a confirmation link issued before that does not count.
/// Preferences change, and digests pause and resume, only through a manage token: the link in every digest
/// and the one shown after confirming.
/// </remarks>
public sealed class ManageSubscriptions(
    ISubscriptionStore store,
    ITopicStore topics,
    IMailSender mail,
    SubscriptionLinks links,
    IOptions<MailOptions> mailOptions,
    TimeProvider clock)
{
    public static readonly TimeSpan PendingLifetime = TimeSpan.FromDays(7);

    /// <summary>How long a pending address waits before asking again sends another confirmation.</summary>
    public static readonly TimeSpan ResendAfter = TimeSpan.FromMinutes(15);

    /// <summary>The most topics one subscription may follow.</summary>
    public const int MaxTopics = 50;

    /// <exception cref="InvalidSubscriptionException">The address, a topic, the time zone or the hour is not valid; the message and the field say which.</exception>
    public async Task<SubscribeResult> SubscribeAsync(SubscriptionRequest request, CancellationToken cancellationToken)
    {
        var checkedRequest = await CheckAsync(request, cancellationToken);
        var now = clock.GetUtcNow();
        var existing = await store.FindByEmailAsync(checkedRequest.Email, cancellationToken);
        if (existing is { State: SubscriptionState.Pending } && existing.CreatedAt + PendingLifetime > now && existing.CreatedAt + ResendAfter > now)
        {
            return new SubscribeResult(SubscribeOutcome.AlreadyPending, existing);
        }

        if (existing is { State: SubscriptionState.Active or SubscriptionState.Paused })
        {
            return new SubscribeResult(SubscribeOutcome.AlreadyActive, existing);
        }

        var subscription = Build(existing?.Id ?? Subscription.NewId(), checkedRequest, SubscriptionState.Pending, now);
        await store.SaveAsync(subscription, startFromNow: false, cancellationToken);
        await SendConfirmationAsync(subscription, cancellationToken);
        return new SubscribeResult(SubscribeOutcome.ConfirmationSent, subscription);
    }

    /// <summary>
    /// An operator's subscriber (from the configuration file): active at once, no confirmation. Its preferences
    /// follow the file; an address that unsubscribed stays unsubscribed.
    /// </summary>
    public async Task<Subscription> EnsureOperatorSubscriberAsync(SubscriptionRequest request, CancellationToken cancellationToken)
    {
        var checkedRequest = await CheckAsync(request, cancellationToken);
        var now = clock.GetUtcNow();
        var existing = await store.FindByEmailAsync(checkedRequest.Email, cancellationToken);
        if (existing is { State: SubscriptionState.Unsubscribed or SubscriptionState.Paused })
        {
            return existing;
        }

        var wanted = Build(existing?.Id ?? Subscription.NewId(), checkedRequest, SubscriptionState.Active, existing?.CreatedAt ?? now)
            with { ConfirmedAt = existing?.ConfirmedAt ?? now };
        if (existing is not null && SamePreferences(existing, wanted) && existing.State == SubscriptionState.Active)
        {
            return existing;
        }

        // A new subscriber (or a pending one the operator now lists) starts with what happens from now on.
        try
        {
            await store.SaveAsync(wanted, startFromNow: existing is not { State: SubscriptionState.Active }, cancellationToken);
        }
        catch (DbException) when (existing is null)
        {
            // Another process may have added the same address between our look-up and our insert (two commands
            // starting on a fresh store): converge on its row instead of failing on the unique address.
            if (await store.FindByEmailAsync(checkedRequest.Email, cancellationToken) is null)
            {
                throw;
            }

            return await EnsureOperatorSubscriberAsync(request, cancellationToken);
        }

        return wanted;
    }

    public async Task<LinkResult> ConfirmAsync(string token, CancellationToken cancellationToken)
    {
        var check = (await links.TokensAsync(cancellationToken)).Verify(token, TokenPurpose.Confirm);
        if (!check.IsValid)
        {
            return new LinkResult(null, check.Error);
        }

        var subscription = await store.GetAsync(check.SubscriptionId!, cancellationToken);
        if (subscription is null)
        {
            return new LinkResult(null, "subscriptions: this subscription no longer exists (a pending one expires after 7 days); please subscribe again");
        }

        if (subscription.State == SubscriptionState.Active)
        {
            return await WithManageTokenAsync(subscription, cancellationToken);
        }

        // The token must belong to the current pending period: seconds, because tokens carry unix seconds.
        var now = clock.GetUtcNow();
        if (subscription.State != SubscriptionState.Pending
            || check.IssuedAt < DateTimeOffset.FromUnixTimeSeconds(subscription.CreatedAt.ToUnixTimeSeconds())
            || subscription.CreatedAt + PendingLifetime <= now)
        {
            return new LinkResult(null, "subscriptions: this confirmation link is no longer valid; please subscribe again");
        }

        var active = subscription with { State = SubscriptionState.Active, ConfirmedAt = now, UnsubscribedAt = null };
        await store.SaveAsync(active, startFromNow: true, cancellationToken);
        return await WithManageTokenAsync(active, cancellationToken);
    }

    /// <summary>The subscription a manage link names, in whatever state it is (an unsubscribed one can be shown, not changed).</summary>
    public async Task<LinkResult> GetByManageTokenAsync(string token, CancellationToken cancellationToken)
    {
        var check = (await links.TokensAsync(cancellationToken)).Verify(token, TokenPurpose.Manage);
        if (!check.IsValid)
        {
            return new LinkResult(null, check.Error);
        }

        var subscription = await store.GetAsync(check.SubscriptionId!, cancellationToken);
        return subscription is null or { State: SubscriptionState.Pending }
            ? new LinkResult(null, "subscriptions: this subscription no longer exists")
            : new LinkResult(subscription, null);
    }

    /// <summary>
    /// Changes what and when a subscription receives. A topic not followed before starts with what happens from
    /// now on, and so do the others then: events not yet sent are skipped rather than the new topic bringing
    /// everything since the subscription began.
    /// </summary>
    /// <exception cref="InvalidSubscriptionException">A topic, the frequency, the day, the hour or the time zone is not valid; the message and the field say which (as for <see cref="SubscribeAsync"/>).</exception>
    public async Task<LinkResult> UpdatePreferencesAsync(
        string manageToken,
        IReadOnlyList<string> topics,
        DigestFrequency frequency,
        int hour,
        DayOfWeek dayOfWeek,
        string timeZone,
        CancellationToken cancellationToken)
    {
        var found = await ChangeableAsync(manageToken, cancellationToken);
        if (!found.Ok)
        {
            return found;
        }

        var current = found.Subscription!;
        var wanted = await CheckAsync(new SubscriptionRequest(current.Email, topics, frequency, hour, dayOfWeek, timeZone), cancellationToken);
        var updated = current with
        {
            Topics = wanted.Topics,
            Frequency = wanted.Frequency,
            Hour = wanted.Hour,
            DayOfWeek = wanted.DayOfWeek,
            TimeZone = wanted.TimeZone,
        };
        if (SamePreferences(current, updated))
        {
            return await WithManageTokenAsync(current, cancellationToken);
        }

        var addsTopic = updated.Topics.Except(current.Topics, StringComparer.Ordinal).Any();
        await store.SaveAsync(updated, startFromNow: addsTopic && updated.State == SubscriptionState.Active, cancellationToken);
        return await WithManageTokenAsync(updated, cancellationToken);
    }

    /// <summary>Stops digests without unsubscribing; repeating it changes nothing.</summary>
    public async Task<LinkResult> PauseAsync(string manageToken, CancellationToken cancellationToken)
    {
        var found = await ChangeableAsync(manageToken, cancellationToken);
        if (!found.Ok || found.Subscription!.State == SubscriptionState.Paused)
        {
            return found.Ok ? await WithManageTokenAsync(found.Subscription!, cancellationToken) : found;
        }

        var paused = found.Subscription with { State = SubscriptionState.Paused };
        await store.SaveAsync(paused, startFromNow: false, cancellationToken);
        return await WithManageTokenAsync(paused, cancellationToken);
    }

    /// <summary>Sends digests again, starting with what happens from now on (nothing saved up during the pause); repeating it changes nothing.</summary>
    public async Task<LinkResult> ResumeAsync(string manageToken, CancellationToken cancellationToken)
    {
        var found = await ChangeableAsync(manageToken, cancellationToken);
        if (!found.Ok || found.Subscription!.State == SubscriptionState.Active)
        {
            return found.Ok ? await WithManageTokenAsync(found.Subscription!, cancellationToken) : found;
        }

        var active = found.Subscription with { State = SubscriptionState.Active };
        await store.SaveAsync(active, startFromNow: true, cancellationToken);
        return await WithManageTokenAsync(active, cancellationToken);
    }

    /// <summary>Every topic, for the subscribe form's picker, ordered by name.</summary>
    public async Task<IReadOnlyList<PublicTopic>> ListTopicsAsync(CancellationToken cancellationToken) =>
        (await topics.ListTopicsAsync(cancellationToken))
            .Select(t => new PublicTopic(t.Id, t.Name, t.Description))
            .OrderBy(t => t.Name, StringComparer.OrdinalIgnoreCase)
            .ThenBy(t => t.Id, StringComparer.Ordinal)
            .ToList();

    /// <summary>The one-click and mailto unsubscribe: always works for a genuine token, however old; repeating it changes nothing.</summary>
    public async Task<LinkResult> UnsubscribeByTokenAsync(string token, CancellationToken cancellationToken)
    {
        var check = (await links.TokensAsync(cancellationToken)).Verify(token, TokenPurpose.Unsubscribe);
        if (!check.IsValid)
        {
            return new LinkResult(null, check.Error);
        }

        var subscription = await UnsubscribeAsync(check.SubscriptionId!, cancellationToken);
        return subscription is null
            ? new LinkResult(null, "subscriptions: this subscription no longer exists")
            : new LinkResult(subscription, null);
    }

    /// <summary>Unsubscribes by subscription id or address (the operator's way); null when there is no such subscription.</summary>
    public async Task<Subscription?> UnsubscribeAsync(string idOrEmail, CancellationToken cancellationToken)
    {
        var subscription = await FindAsync(idOrEmail, cancellationToken);
        if (subscription is null || subscription.State == SubscriptionState.Unsubscribed)
        {
            return subscription;
        }

        var unsubscribed = subscription with { State = SubscriptionState.Unsubscribed, UnsubscribedAt = clock.GetUtcNow() };
        await store.SaveAsync(unsubscribed, startFromNow: false, cancellationToken);
        return unsubscribed;
    }

    /// <summary>A subscription by id, or by address (normalised first).</summary>
    public async Task<Subscription?> FindAsync(string idOrEmail, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(idOrEmail);
        if (idOrEmail.Contains('@', StringComparison.Ordinal))
        {
            return EmailAddress.TryNormalize(idOrEmail, out var email, out _) ? await store.FindByEmailAsync(email, cancellationToken) : null;
        }

        return await store.GetAsync(idOrEmail.Trim(), cancellationToken);
    }

    public Task<IReadOnlyList<Subscription>> ListAsync(CancellationToken cancellationToken) => store.ListAsync(cancellationToken);

    /// <summary>Deletes subscriptions left pending longer than <see cref="PendingLifetime"/>; returns how many.</summary>
    public Task<int> ExpirePendingAsync(CancellationToken cancellationToken) =>
        store.DeleteExpiredPendingAsync(clock.GetUtcNow() - PendingLifetime, cancellationToken);

    /// <summary>A manage token's subscription when it may be changed (active or paused), else the reason.</summary>
    private async Task<LinkResult> ChangeableAsync(string manageToken, CancellationToken cancellationToken)
    {
        var found = await GetByManageTokenAsync(manageToken, cancellationToken);
        return found.Subscription is { State: SubscriptionState.Unsubscribed }
            ? new LinkResult(null, "subscriptions: this subscription was unsubscribed; subscribe again to receive digests")
            : found;
    }

    private async Task<LinkResult> WithManageTokenAsync(Subscription subscription, CancellationToken cancellationToken) =>
        new(subscription, null) { ManageToken = await links.ManageTokenAsync(subscription.Id, cancellationToken) };

    private async Task<SubscriptionRequest> CheckAsync(SubscriptionRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(request.Topics);
        if (!EmailAddress.TryNormalize(request.Email, out var email, out var error))
        {
            throw new InvalidSubscriptionException("email", error);
        }

        var topicIds = request.Topics.Select(t => (t ?? "").Trim()).Where(t => t.Length > 0).Distinct(StringComparer.Ordinal).ToList();
        if (topicIds.Count == 0)
        {
            throw new InvalidSubscriptionException("topics", "subscriptions: name at least one topic");
        }

        if (topicIds.Count > MaxTopics)
        {
            throw new InvalidSubscriptionException("topics", $"subscriptions: at most {MaxTopics} topics per subscription");
        }

        foreach (var id in topicIds)
        {
            if (await topics.GetTopicAsync(id, cancellationToken) is null)
            {
                throw new InvalidSubscriptionException("topics", $"subscriptions: there is no topic '{Quote(id)}' (see 'alerts topics list')");
            }
        }

        if (!Enum.IsDefined(request.Frequency))
        {
            throw new InvalidSubscriptionException("frequency", "subscriptions: the frequency must be immediate, hourly, daily or weekly");
        }

        if (!Enum.IsDefined(request.DayOfWeek))
        {
            throw new InvalidSubscriptionException("dayOfWeek", "subscriptions: the day must be one of Monday to Sunday");
        }

        if (request.Hour is < 0 or > 23)
        {
            throw new InvalidSubscriptionException("hour", $"subscriptions: hour {request.Hour} is outside 0-23");
        }

        // Only the characters of IANA ids reach the time zone lookup, which reads files named after the id.
        var zoneId = (request.TimeZone ?? "").Trim();
        if (zoneId.Length > 64 || zoneId.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '/' or '_' or '-' or '+')))
        {
            throw new InvalidSubscriptionException("timeZone", $"subscriptions: unknown time zone '{Quote(zoneId)}' (use an IANA id such as Europe/Berlin)");
        }

        if (!DigestWindows.TryFindTimeZone(zoneId, out _, out var zoneError))
        {
            throw new InvalidSubscriptionException("timeZone", zoneError);
        }

        return request with { Email = email, Topics = topicIds, TimeZone = zoneId };
    }

    /// <summary>A value as an error message may echo it: one line, at most 64 characters.</summary>
    private static string Quote(string? value)
    {
        var line = new string((value ?? "").Select(c => char.IsControl(c) ? ' ' : c).ToArray()).Trim();
        return line.Length <= 64 ? line : line[..64] + "...";
    }

    private static Subscription Build(string id, SubscriptionRequest request, SubscriptionState state, DateTimeOffset createdAt) => new()
    {
        Id = id,
        Email = request.Email,
        Topics = request.Topics,
        Frequency = request.Frequency,
        Hour = request.Hour,
        DayOfWeek = request.DayOfWeek,
        TimeZone = request.TimeZone,
        State = state,
        CreatedAt = createdAt,
    };

    private static bool SamePreferences(Subscription a, Subscription b) =>
        a.Topics.SequenceEqual(b.Topics, StringComparer.Ordinal) && a.Frequency == b.Frequency && a.Hour == b.Hour
        && a.DayOfWeek == b.DayOfWeek && a.TimeZone == b.TimeZone;

    private async Task SendConfirmationAsync(Subscription subscription, CancellationToken cancellationToken)
    {
        var url = await links.ConfirmUrlAsync(subscription.Id, cancellationToken);
        var names = new List<string>();
        foreach (var id in subscription.Topics)
        {
            names.Add((await topics.GetTopicAsync(id, cancellationToken))?.Name ?? id);
        }

        var topicList = string.Join(", ", names);
        var text = $"""
            Someone (hopefully you) asked to receive Alerts digests at {subscription.Email} for: {topicList}.

            To confirm, open this link within 7 days:
            {url}

            If you did not ask for this, ignore this email: nothing else will be sent to you.
            """;
        var html = $"""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="color-scheme" content="light dark"><title>Confirm your subscription</title></head>
            <body style="margin:0;padding:16px;font-family:-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;word-break:break-word;overflow-wrap:anywhere;">
            <p>Someone (hopefully you) asked to receive Alerts digests at {WebUtility.HtmlEncode(subscription.Email)} for: <strong>{WebUtility.HtmlEncode(topicList)}</strong>.</p>
            <p><a href="{WebUtility.HtmlEncode(url)}">Confirm the subscription</a> (the link works for 7 days).</p>
            <p>If you did not ask for this, ignore this email: nothing else will be sent to you.</p>
            </body></html>
            """;
        // One key per pending period: a repeated send of the same confirmation is de-duplicated by the provider.
        var key = "confirm-" + subscription.Id + "-" + subscription.CreatedAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var message = new MailMessage
        {
            From = mailOptions.Value.SenderAddress(),
            To = new MailboxAddress(subscription.Email),
            Subject = "Confirm your Alerts subscription: " + topicList,
            Date = clock.GetUtcNow(),
            MessageId = MailMessage.MessageIdFor(key, links.MailDomain),
            TextBody = text,
            HtmlBody = html,
        };
        var result = await mail.SendAsync(message, key, cancellationToken);
        if (result.Outcome == MailSendOutcome.PermanentFailure)
        {
            throw new InvalidOperationException($"subscriptions: the confirmation email to {subscription.Email} was refused: {result.Reason}");
        }
    }
}
