namespace Alerts.Pipeline.Feeds;

/// <summary>When a feed is checked next: pure rules, so they are tested without a clock.</summary>
public static class FeedSchedule
{
    /// <summary>
    /// After a successful fetch (including 304): the default interval, stretched to the server's
    /// Cache-Control max-age or Retry-After when those ask for longer, never below the 5-minute floor.
    /// </summary>
    public static DateTimeOffset AfterSuccess(DateTimeOffset now, PollingOptions options, TimeSpan? maxAge, TimeSpan? retryAfter)
    {
        ArgumentNullException.ThrowIfNull(options);
        var wait = Max(options.DefaultInterval, PollingOptions.Floor);
        wait = Max(wait, maxAge ?? TimeSpan.Zero);
        wait = Max(wait, retryAfter ?? TimeSpan.Zero);
        return now + Min(wait, options.MaxBackoff);
    }

    /// <summary>After the n-th consecutive error (n ≥ 1): the interval doubled per error, capped, and never earlier than Retry-After.</summary>
    public static DateTimeOffset AfterError(DateTimeOffset now, PollingOptions options, int consecutiveErrors, TimeSpan? retryAfter)
    {
        ArgumentNullException.ThrowIfNull(options);
        var exponent = Math.Clamp(consecutiveErrors - 1, 0, 20);
        var wait = TimeSpan.FromTicks((long)Math.Min(options.DefaultInterval.Ticks * Math.Pow(2, exponent), options.MaxBackoff.Ticks));
        wait = Max(Max(wait, PollingOptions.Floor), retryAfter ?? TimeSpan.Zero);
        return now + Min(wait, options.MaxBackoff);
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
