using System.Globalization;

namespace Alerts.Core.Subscriptions;

/// <summary>
/// One digest period of a subscription: it became due at <see cref="Start"/> and the next one is due at
/// <see cref="End"/>. <see cref="Key"/> names it stably (letters, digits and no separators, so it can be part
/// of a digest id, a file name or a provider idempotency key).
/// </summary>
public readonly record struct DigestWindow(DateTimeOffset Start, DateTimeOffset End, string Key);

/// <summary>
/// When a subscription's digests are due. Pure functions of the subscription and an instant.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>Immediate: every digest tick is its own window; the key is the tick instant (UTC, to the second).</item>
/// <item>Hourly: the UTC hour containing the instant (<c>h20250330T01Z</c>).</item>
/// <item>Daily at hour H in zone Z: the local day whose H:00 has most recently passed (<c>d20250330</c>).</item>
/// <item>Weekly on day D at H: the most recent local day D whose H:00 has passed (<c>w20250330</c>).</item>
/// </list>
/// Daylight saving: when H:00 does not exist on a spring-forward day, the digest is due at the first valid
/// instant after it (the moment the clocks jump); when H:00 happens twice in autumn, it is due at the first
/// occurrence, and because the key is the local date it is sent once.
/// </remarks>
public static class DigestWindows
{
    /// <summary>The window <paramref name="now"/> falls in, for <paramref name="subscription"/>.</summary>
    /// <exception cref="ArgumentException">The time zone is unknown or the hour is outside 0-23.</exception>
    public static DigestWindow Current(Subscription subscription, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(subscription);
        var utc = now.ToUniversalTime();
        switch (subscription.Frequency)
        {
            case DigestFrequency.Immediate:
                var tick = new DateTimeOffset(utc.Ticks - (utc.Ticks % TimeSpan.TicksPerSecond), TimeSpan.Zero);
                return new DigestWindow(tick, tick, "i" + tick.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture));
            case DigestFrequency.Hourly:
                var hour = new DateTimeOffset(utc.Year, utc.Month, utc.Day, utc.Hour, 0, 0, TimeSpan.Zero);
                return new DigestWindow(hour, hour.AddHours(1), "h" + hour.ToString("yyyyMMdd'T'HH'Z'", CultureInfo.InvariantCulture));
            case DigestFrequency.Daily:
                return Local(subscription, utc, stepDays: 1, prefix: "d");
            case DigestFrequency.Weekly:
                return Local(subscription, utc, stepDays: 7, prefix: "w");
            default:
                throw new ArgumentException($"subscriptions: unknown frequency {subscription.Frequency}", nameof(subscription));
        }
    }

    /// <summary>
    /// Whether an active subscription has a digest due at <paramref name="now"/>: its current window is not
    /// the one a digest was last sent for (<paramref name="lastSentWindowKey"/>, null when none was sent).
    /// A subscription confirmed after today's hour is due at once for today's window; whether anything is
    /// sent then depends on there being events, which the caller decides.
    /// </summary>
    public static bool IsDue(Subscription subscription, string? lastSentWindowKey, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(subscription);
        return subscription.State == SubscriptionState.Active
            && !string.Equals(Current(subscription, now).Key, lastSentWindowKey, StringComparison.Ordinal);
    }

    /// <summary>Finds an IANA (or Windows) time zone id, with a clear error when it is unknown.</summary>
    public static bool TryFindTimeZone(string? id, out TimeZoneInfo zone, out string error)
    {
        zone = TimeZoneInfo.Utc;
        error = "";
        if (string.IsNullOrWhiteSpace(id))
        {
            error = "subscriptions: the time zone is empty (use an IANA id such as Europe/Berlin)";
            return false;
        }

        try
        {
            zone = TimeZoneInfo.FindSystemTimeZoneById(id.Trim());
            return true;
        }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            error = $"subscriptions: unknown time zone '{id}' (use an IANA id such as Europe/Berlin)";
            return false;
        }
    }

    /// <summary>
    /// The UTC instant at which local <paramref name="hour"/>:00 happens on <paramref name="date"/> in
    /// <paramref name="zone"/>: the first valid instant after it inside a spring-forward gap, the first
    /// occurrence when it is ambiguous.
    /// </summary>
    public static DateTimeOffset SendInstant(DateOnly date, int hour, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        var local = date.ToDateTime(new TimeOnly(hour, 0), DateTimeKind.Unspecified);

        // Gaps are at most a few hours; walking minute by minute finds where the clocks landed.
        for (var guard = 0; zone.IsInvalidTime(local) && guard < 24 * 60; guard++)
        {
            local = local.AddMinutes(1);
        }

        var offset = zone.IsAmbiguousTime(local)
            ? zone.GetAmbiguousTimeOffsets(local).Max()
            : zone.GetUtcOffset(local);
        return new DateTimeOffset(local, offset).ToUniversalTime();
    }

    private static DigestWindow Local(Subscription subscription, DateTimeOffset utc, int stepDays, string prefix)
    {
        if (subscription.Hour is < 0 or > 23)
        {
            throw new ArgumentException($"subscriptions: hour {subscription.Hour} is outside 0-23", nameof(subscription));
        }

        if (!TryFindTimeZone(subscription.TimeZone, out var zone, out var error))
        {
            throw new ArgumentException(error, nameof(subscription));
        }

        var localToday = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(utc, zone).DateTime);
        var day = localToday;
        if (stepDays == 7)
        {
            day = day.AddDays(-(((int)day.DayOfWeek - (int)subscription.DayOfWeek + 7) % 7));
        }

        if (SendInstant(day, subscription.Hour, zone) > utc)
        {
            day = day.AddDays(-stepDays);
        }

        return new DigestWindow(
            SendInstant(day, subscription.Hour, zone),
            SendInstant(day.AddDays(stepDays), subscription.Hour, zone),
            prefix + day.ToString("yyyyMMdd", CultureInfo.InvariantCulture));
    }
}
