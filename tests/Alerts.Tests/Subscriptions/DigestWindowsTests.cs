using System.Globalization;
using Alerts.Core.Subscriptions;

namespace Alerts.Tests.Subscriptions;

public class DigestWindowsTests
{
    private static Subscription Subscription(DigestFrequency frequency, int hour = 8, DayOfWeek day = DayOfWeek.Monday, string zone = "UTC") => new()
    {
        Id = "s1",
        Email = "reader@example.com",
        Topics = ["s400"],
        Frequency = frequency,
        Hour = hour,
        DayOfWeek = day,
        TimeZone = zone,
        State = SubscriptionState.Active,
        CreatedAt = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero),
    };

    private static DateTimeOffset At(string iso) => DateTimeOffset.Parse(iso, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

    public static TheoryData<DigestFrequency, int, DayOfWeek, string, string, string, string, string> Windows => new()
    {
        // frequency, hour, day, zone, now (UTC), key, start (UTC), end (UTC)
        { DigestFrequency.Immediate, 0, DayOfWeek.Monday, "UTC", "2025-03-30T01:02:03.456Z", "i20250330T010203Z", "2025-03-30T01:02:03Z", "2025-03-30T01:02:03Z" },
        { DigestFrequency.Hourly, 0, DayOfWeek.Monday, "Europe/Berlin", "2025-03-30T01:59:59Z", "h20250330T01Z", "2025-03-30T01:00:00Z", "2025-03-30T02:00:00Z" },
        { DigestFrequency.Hourly, 0, DayOfWeek.Monday, "UTC", "2025-12-31T23:00:00Z", "h20251231T23Z", "2025-12-31T23:00:00Z", "2026-01-01T00:00:00Z" },
        { DigestFrequency.Daily, 0, DayOfWeek.Monday, "UTC", "2025-01-01T00:00:00Z", "d20250101", "2025-01-01T00:00:00Z", "2025-01-02T00:00:00Z" },
        { DigestFrequency.Daily, 8, DayOfWeek.Monday, "UTC", "2025-01-01T07:59:59Z", "d20241231", "2024-12-31T08:00:00Z", "2025-01-01T08:00:00Z" },

        // Berlin, spring forward on 2025-03-30: 02:00 CET becomes 03:00 CEST at 01:00 UTC, so 02:00 never happens.
        { DigestFrequency.Daily, 2, DayOfWeek.Monday, "Europe/Berlin", "2025-03-30T00:59:59Z", "d20250329", "2025-03-29T01:00:00Z", "2025-03-30T01:00:00Z" },
        { DigestFrequency.Daily, 2, DayOfWeek.Monday, "Europe/Berlin", "2025-03-30T01:00:00Z", "d20250330", "2025-03-30T01:00:00Z", "2025-03-31T00:00:00Z" },
        { DigestFrequency.Daily, 8, DayOfWeek.Monday, "Europe/Berlin", "2025-03-30T06:30:00Z", "d20250330", "2025-03-30T06:00:00Z", "2025-03-31T06:00:00Z" },
        { DigestFrequency.Daily, 8, DayOfWeek.Monday, "Europe/Berlin", "2025-03-30T05:59:00Z", "d20250329", "2025-03-29T07:00:00Z", "2025-03-30T06:00:00Z" },

        // Berlin, fall back on 2025-10-26: 03:00 CEST becomes 02:00 CET at 01:00 UTC, so 02:00-03:00 happens twice.
        { DigestFrequency.Daily, 2, DayOfWeek.Monday, "Europe/Berlin", "2025-10-26T00:00:00Z", "d20251026", "2025-10-26T00:00:00Z", "2025-10-27T01:00:00Z" },
        { DigestFrequency.Daily, 2, DayOfWeek.Monday, "Europe/Berlin", "2025-10-26T01:30:00Z", "d20251026", "2025-10-26T00:00:00Z", "2025-10-27T01:00:00Z" },
        { DigestFrequency.Daily, 2, DayOfWeek.Monday, "Europe/Berlin", "2025-10-25T23:59:00Z", "d20251025", "2025-10-25T00:00:00Z", "2025-10-26T00:00:00Z" },
        { DigestFrequency.Daily, 8, DayOfWeek.Monday, "Europe/Berlin", "2025-10-26T07:00:00Z", "d20251026", "2025-10-26T07:00:00Z", "2025-10-27T07:00:00Z" },

        // New York: 2025-03-09 02:00 EST becomes 03:00 EDT at 07:00 UTC; 2025-11-02 02:00 EDT becomes 01:00 EST at 06:00 UTC.
        { DigestFrequency.Daily, 2, DayOfWeek.Monday, "America/New_York", "2025-03-09T07:00:00Z", "d20250309", "2025-03-09T07:00:00Z", "2025-03-10T06:00:00Z" },
        { DigestFrequency.Daily, 2, DayOfWeek.Monday, "America/New_York", "2025-03-09T06:59:00Z", "d20250308", "2025-03-08T07:00:00Z", "2025-03-09T07:00:00Z" },
        { DigestFrequency.Daily, 1, DayOfWeek.Monday, "America/New_York", "2025-11-02T05:00:00Z", "d20251102", "2025-11-02T05:00:00Z", "2025-11-03T06:00:00Z" },
        { DigestFrequency.Daily, 1, DayOfWeek.Monday, "America/New_York", "2025-11-02T06:30:00Z", "d20251102", "2025-11-02T05:00:00Z", "2025-11-03T06:00:00Z" },
        { DigestFrequency.Daily, 20, DayOfWeek.Monday, "America/New_York", "2025-07-01T02:00:00Z", "d20250630", "2025-07-01T00:00:00Z", "2025-07-02T00:00:00Z" },

        // Weekly.
        { DigestFrequency.Weekly, 8, DayOfWeek.Monday, "Europe/Berlin", "2025-03-30T10:00:00Z", "w20250324", "2025-03-24T07:00:00Z", "2025-03-31T06:00:00Z" },
        { DigestFrequency.Weekly, 8, DayOfWeek.Monday, "Europe/Berlin", "2025-03-31T05:59:59Z", "w20250324", "2025-03-24T07:00:00Z", "2025-03-31T06:00:00Z" },
        { DigestFrequency.Weekly, 8, DayOfWeek.Monday, "Europe/Berlin", "2025-03-31T06:00:00Z", "w20250331", "2025-03-31T06:00:00Z", "2025-04-07T06:00:00Z" },
        { DigestFrequency.Weekly, 2, DayOfWeek.Sunday, "Europe/Berlin", "2025-03-30T01:00:00Z", "w20250330", "2025-03-30T01:00:00Z", "2025-04-06T00:00:00Z" },
        { DigestFrequency.Weekly, 2, DayOfWeek.Sunday, "Europe/Berlin", "2025-10-26T01:30:00Z", "w20251026", "2025-10-26T00:00:00Z", "2025-11-02T01:00:00Z" },
        { DigestFrequency.Weekly, 9, DayOfWeek.Friday, "America/New_York", "2025-03-14T12:59:00Z", "w20250307", "2025-03-07T14:00:00Z", "2025-03-14T13:00:00Z" },
    };

    [Theory]
    [MemberData(nameof(Windows))]
    public void TheCurrentWindowIsTheExpectedOne(DigestFrequency frequency, int hour, DayOfWeek day, string zone, string now, string key, string start, string end)
    {
        var window = DigestWindows.Current(Subscription(frequency, hour, day, zone), At(now));

        window.Key.ShouldBe(key);
        window.Start.ShouldBe(At(start));
        window.End.ShouldBe(At(end));
        window.Start.Offset.ShouldBe(TimeSpan.Zero);
    }

    [Theory]
    [InlineData("Europe/Berlin", 2)]
    [InlineData("Europe/Berlin", 8)]
    [InlineData("America/New_York", 1)]
    [InlineData("America/New_York", 2)]
    [InlineData("Australia/Lord_Howe", 2)]
    [InlineData("UTC", 0)]
    public void DailyWindowsTileTheYearWithOneKeyPerLocalDay(string zone, int hour)
    {
        var subscription = Subscription(DigestFrequency.Daily, hour, zone: zone);
        var windows = new List<DigestWindow>();
        for (var now = At("2025-01-02T00:00:00Z"); now < At("2026-01-01T00:00:00Z"); now = now.AddMinutes(30))
        {
            var window = DigestWindows.Current(subscription, now);
            window.Start.ShouldBeLessThanOrEqualTo(now);
            window.End.ShouldBeGreaterThan(now);
            if (windows.Count == 0 || windows[^1].Key != window.Key)
            {
                windows.Add(window);
            }
        }

        windows.Select(w => w.Key).Distinct().Count().ShouldBe(windows.Count);
        windows.Count.ShouldBeInRange(363, 365);
        for (var i = 1; i < windows.Count; i++)
        {
            windows[i].Start.ShouldBe(windows[i - 1].End);
            (windows[i].End - windows[i].Start).ShouldBeInRange(TimeSpan.FromHours(22), TimeSpan.FromHours(26));
        }
    }

    [Fact]
    public void AnAmbiguousAutumnHourIsDueOnlyOnce()
    {
        var subscription = Subscription(DigestFrequency.Daily, 2, zone: "Europe/Berlin");
        var first = At("2025-10-26T00:00:00Z");

        DigestWindows.IsDue(subscription, "d20251025", first).ShouldBeTrue();
        var sent = DigestWindows.Current(subscription, first).Key;
        DigestWindows.IsDue(subscription, sent, At("2025-10-26T01:00:00Z")).ShouldBeFalse();
        DigestWindows.IsDue(subscription, sent, At("2025-10-26T01:59:00Z")).ShouldBeFalse();
        DigestWindows.IsDue(subscription, sent, At("2025-10-27T01:00:00Z")).ShouldBeTrue();
    }

    [Theory]
    [InlineData(SubscriptionState.Active, null, true)]
    [InlineData(SubscriptionState.Active, "d20250301", true)]
    [InlineData(SubscriptionState.Active, "d20250302", false)]
    [InlineData(SubscriptionState.Pending, null, false)]
    [InlineData(SubscriptionState.Unsubscribed, null, false)]
    [InlineData(SubscriptionState.Paused, "d20250301", false)]
    public void OnlyActiveSubscriptionsWithANewWindowAreDue(SubscriptionState state, string? lastSent, bool due)
    {
        var subscription = Subscription(DigestFrequency.Daily) with { State = state };

        DigestWindows.IsDue(subscription, lastSent, At("2025-03-02T09:00:00Z")).ShouldBe(due);
    }

    [Fact]
    public void ImmediateSubscriptionsAreDueAtEveryNewTick()
    {
        var subscription = Subscription(DigestFrequency.Immediate);
        var tick = At("2025-03-02T09:00:00Z");
        var key = DigestWindows.Current(subscription, tick).Key;

        DigestWindows.IsDue(subscription, key, tick).ShouldBeFalse();
        DigestWindows.IsDue(subscription, key, tick.AddMinutes(5)).ShouldBeTrue();
    }

    [Theory]
    [InlineData("Mars/Olympus_Mons", "unknown time zone 'Mars/Olympus_Mons'")]
    [InlineData("", "the time zone is empty")]
    public void AnUnknownTimeZoneIsAClearError(string zone, string error)
    {
        DigestWindows.TryFindTimeZone(zone, out _, out var message).ShouldBeFalse();
        message.ShouldStartWith("subscriptions: ");
        message.ShouldContain(error);

        var ex = Should.Throw<ArgumentException>(() => DigestWindows.Current(Subscription(DigestFrequency.Daily, zone: zone), At("2025-03-02T09:00:00Z")));
        ex.Message.ShouldContain(error);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(24)]
    public void AnHourOutsideTheDayIsAClearError(int hour)
    {
        var ex = Should.Throw<ArgumentException>(() => DigestWindows.Current(Subscription(DigestFrequency.Weekly, hour), At("2025-03-02T09:00:00Z")));

        ex.Message.ShouldStartWith($"subscriptions: hour {hour} is outside 0-23");
    }

    [Fact]
    public void HourlyWindowsIgnoreTheTimeZone()
    {
        var now = At("2025-10-26T01:30:00Z");

        DigestWindows.Current(Subscription(DigestFrequency.Hourly, zone: "Europe/Berlin"), now)
            .ShouldBe(DigestWindows.Current(Subscription(DigestFrequency.Hourly, zone: "America/New_York"), now));
    }
}
