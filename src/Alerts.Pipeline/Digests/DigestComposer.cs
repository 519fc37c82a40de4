using System.Globalization;
using Alerts.Core.Claims;
using Alerts.Core.Digests;
using Alerts.Core.Mail;
using Alerts.Core.Subscriptions;
using Alerts.Pipeline.Mail;
using Alerts.Pipeline.Storage;
using Alerts.Pipeline.Subscriptions;
using Microsoft.Extensions.Options;

namespace Alerts.Pipeline.Digests;

/// <summary>
/// Turns a digest's event ranges into the email: topic sections built by <see cref="DigestBuilder"/>, the
/// HTML and plain-text bodies, and the headers (subject with topic names and counts, Message-ID from the
/// digest id, List-Id, List-Unsubscribe with the one-click URL when the site is https and a mailto always);
/// the footer links to the manage page (a fresh manage token per digest) and to unsubscribe; each item links to
/// its cluster on the story page (<see cref="StoryLinks"/>).
/// </summary>
public sealed class DigestComposer(
    ISubscriptionStore subscriptions,
    IClaimStore claims,
    ITopicStore topics,
    SubscriptionLinks links,
    IOptions<MailOptions> mailOptions,
    IOptions<SiteOptions> siteOptions,
    TimeProvider clock)
{
    private const int PageSize = 500;

    /// <summary>
    /// The next digest of <paramref name="subscription"/> as it would be sent now, without claiming or marking
    /// anything; null when there is nothing to send.
    /// </summary>
    public async Task<MailMessage?> PreviewAsync(Subscription subscription, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(subscription);
        var sections = await BuildAsync(await subscriptions.PeekUnsentAsync(subscription.Id, cancellationToken), cancellationToken);
        if (sections.Count == 0)
        {
            return null;
        }

        var digestId = DigestRecord.IdFor(subscription.Id, DigestWindows.Current(subscription, clock.GetUtcNow()).Key);
        return await ComposeAsync(subscription, digestId, sections, cancellationToken);
    }

    /// <summary>The topic sections for the events in <paramref name="ranges"/>, topics without items left out.</summary>
    public async Task<IReadOnlyList<DigestTopic>> BuildAsync(IReadOnlyList<DigestEventRange> ranges, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ranges);
        var sections = new List<DigestTopic>();
        foreach (var range in ranges)
        {
            var events = new List<TopicEvent>();
            var after = range.AfterSeq;
            while (after < range.ThroughSeq)
            {
                var page = await claims.ListEventsAsync(range.TopicId, after, PageSize, cancellationToken);
                events.AddRange(page.Where(e => e.Seq <= range.ThroughSeq).Select(e => e.Event));
                if (page.Count < PageSize)
                {
                    break;
                }

                after = page[^1].Seq;
            }

            var clusters = new Dictionary<string, ClaimCluster?>(StringComparer.Ordinal);
            foreach (var id in events.Select(e => e.ClusterId).Distinct(StringComparer.Ordinal))
            {
                clusters[id] = await claims.GetClusterAsync(id, cancellationToken);
            }

            // Topic names head sections in both bodies and go in the subject: one line, whatever was stored.
            var name = MailHeaders.SingleLine((await topics.GetTopicAsync(range.TopicId, cancellationToken))?.Name ?? range.TopicId);
            var section = DigestBuilder.Build(range.TopicId, name, events, id => clusters.GetValueOrDefault(id));
            if (section.Items.Count > 0)
            {
                sections.Add(section);
            }
        }

        // Every item links to its cluster on the story page (email, feeds and webhooks alike).
        return StoryLinks.WithLinks(sections, siteOptions.Value.PublicBaseUrl);
    }

    /// <summary>The email of digest <paramref name="digestId"/> to <paramref name="subscription"/>.</summary>
    public async Task<MailMessage> ComposeAsync(Subscription subscription, string digestId, IReadOnlyList<DigestTopic> sections, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(subscription);
        ArgumentNullException.ThrowIfNull(sections);
        var token = await links.UnsubscribeTokenAsync(subscription.Id, cancellationToken);
        var unsubscribeUrl = links.UnsubscribeUrl(token);
        var manageUrl = links.ManageUrl(await links.ManageTokenAsync(subscription.Id, cancellationToken));
        var subject = Subject(sections);
        var note = $"You receive this because {subscription.Email} subscribed to Alerts for {string.Join(", ", sections.Select(s => s.TopicName))} ({Describe(subscription)}).";
        var text = PlainTextDigest.Render(sections) + $"-- \n{note}\nChange topics or frequency, or pause: {manageUrl}\nUnsubscribe: {unsubscribeUrl}\n";
        var html = HtmlDigest.Render(sections, new HtmlDigestFrame(subject, note, unsubscribeUrl) { ManageUrl = manageUrl });
        var domain = links.MailDomain;
        return new MailMessage
        {
            From = mailOptions.Value.SenderAddress(),
            To = new MailboxAddress(subscription.Email),
            Subject = subject,
            Date = clock.GetUtcNow(),
            MessageId = MailMessage.MessageIdFor(digestId, domain),
            ListId = "digests." + domain,
            ListUnsubscribeUrl = links.OneClickAllowed ? unsubscribeUrl : null,
            ListUnsubscribePost = links.OneClickAllowed,
            ListUnsubscribeMailto = links.UnsubscribeMailto(token),
            Headers = [new("X-Alerts-Digest", digestId)],
            TextBody = text,
            HtmlBody = html,
        };
    }

    /// <summary>One line: <c>Alerts: Turkey S-400: 2 disputed, 1 new; City trams: 1 new claim</c>.</summary>
    public static string Subject(IReadOnlyList<DigestTopic> sections)
    {
        ArgumentNullException.ThrowIfNull(sections);
        var parts = sections.Select(s => $"{MailHeaders.SingleLine(s.TopicName)}: {PlainTextDigest.Counts(s)}");
        return MailHeaders.SingleLine("Alerts: " + string.Join("; ", parts));
    }

    private static string Describe(Subscription subscription) => subscription.Frequency switch
    {
        DigestFrequency.Immediate => "as things happen",
        DigestFrequency.Hourly => "hourly",
        DigestFrequency.Daily => string.Create(CultureInfo.InvariantCulture, $"daily at {subscription.Hour:00}:00 {subscription.TimeZone}"),
        _ => string.Create(CultureInfo.InvariantCulture, $"weekly on {subscription.DayOfWeek} at {subscription.Hour:00}:00 {subscription.TimeZone}"),
    };
}
