using Alerts.Pipeline.Feeds;

namespace Alerts.Tests.Pipeline;

public class FeedScheduleTests
{
    private static readonly DateTimeOffset Now = new(2025, 12, 12, 8, 0, 0, TimeSpan.Zero);
    private static readonly PollingOptions Options = new() { DefaultInterval = TimeSpan.FromMinutes(30), MaxBackoff = TimeSpan.FromHours(24) };

    [Fact]
    public void HealthyFeedIsCheckedAfterTheDefaultInterval() =>
        FeedSchedule.AfterSuccess(Now, Options, maxAge: null, retryAfter: null).ShouldBe(Now.AddMinutes(30));

    [Fact]
    public void CacheControlMaxAgeLongerThanTheIntervalIsHonoured() =>
        FeedSchedule.AfterSuccess(Now, Options, maxAge: TimeSpan.FromHours(2), retryAfter: null).ShouldBe(Now.AddHours(2));

    [Fact]
    public void ShortMaxAgeNeverMakesPollingMoreFrequentThanTheInterval() =>
        FeedSchedule.AfterSuccess(Now, Options, maxAge: TimeSpan.FromSeconds(10), retryAfter: null).ShouldBe(Now.AddMinutes(30));

    [Theory]
    [InlineData(1, 30)]
    [InlineData(2, 60)]
    [InlineData(3, 120)]
    [InlineData(6, 960)]
    [InlineData(7, 1440)]
    [InlineData(40, 1440)]
    public void ErrorsDoubleTheWaitUpToTheCap(int consecutiveErrors, int expectedMinutes) =>
        FeedSchedule.AfterError(Now, Options, consecutiveErrors, retryAfter: null).ShouldBe(Now.AddMinutes(expectedMinutes));

    [Fact]
    public void RetryAfterLongerThanTheBackOffIsHonoured() =>
        FeedSchedule.AfterError(Now, Options, 1, retryAfter: TimeSpan.FromHours(3)).ShouldBe(Now.AddHours(3));

    [Fact]
    public void AnIntervalBelowFiveMinutesFailsValidation()
    {
        var options = new PollingOptions { DefaultInterval = TimeSpan.FromMinutes(1) };

        var errors = options.Validate(new System.ComponentModel.DataAnnotations.ValidationContext(options)).ToList();

        errors.ShouldHaveSingleItem().ErrorMessage!.ShouldContain("at least 00:05:00");
    }
}
