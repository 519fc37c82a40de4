using Alerts.Core.Subscriptions;

namespace Alerts.Tests.Subscriptions;

public class SubscriptionTests
{
    [Fact]
    public void NewIdsAreSixteenBase32CharactersAndDoNotRepeat()
    {
        var ids = Enumerable.Range(0, 1000).Select(_ => Subscription.NewId()).ToList();

        ids.ShouldAllBe(id => id.Length == 16 && id.All(c => (c >= 'a' && c <= 'z') || (c >= '2' && c <= '7')));
        ids.Distinct().Count().ShouldBe(ids.Count);
    }

    [Fact]
    public void ANewSubscriptionIsPendingDailyAtEightUtc()
    {
        var subscription = new Subscription { Id = "s1", Email = "a@example.org", Topics = ["t1"], CreatedAt = DateTimeOffset.UnixEpoch };

        subscription.State.ShouldBe(SubscriptionState.Pending);
        subscription.Frequency.ShouldBe(DigestFrequency.Daily);
        subscription.Hour.ShouldBe(8);
        subscription.TimeZone.ShouldBe("UTC");
        subscription.ConfirmedAt.ShouldBeNull();
    }
}
