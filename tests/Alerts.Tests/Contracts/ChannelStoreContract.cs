using Alerts.Azure;
using Alerts.Core.Subscriptions;
using Alerts.Core.Webhooks;
using Alerts.Pipeline.Storage;
using Alerts.Sqlite;
using Alerts.Tests.Azure;
using Alerts.Tests.Store;

namespace Alerts.Tests.Contracts;

/// <summary>The behaviour every <see cref="IChannelStore"/> shares, run against SQLite and Azure tables.</summary>
public abstract class ChannelStoreContract
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Empty stores on fresh storage.</summary>
    protected abstract (ISubscriptionStore Subscriptions, IChannelStore Channels) Create();

    /// <summary>Another channel store on the storage of the last <see cref="Create"/>, as a second process would have.</summary>
    protected abstract IChannelStore OpenAgain();

    private async Task<(IChannelStore Channels, string SubscriptionId)> WithSubscriptionAsync()
    {
        var (subscriptions, channels) = Create();
        var subscription = new Subscription
        {
            Id = Subscription.NewId(),
            Email = "reader@example.org",
            Topics = ["ports"],
            State = SubscriptionState.Active,
            CreatedAt = Now,
        };
        await subscriptions.SaveAsync(subscription, startFromNow: false, Ct);
        return (channels, subscription.Id);
    }

    private static DeliveryChannel Channel(string subscriptionId, ChannelKind kind = ChannelKind.Webhook) => new()
    {
        SubscriptionId = subscriptionId,
        Kind = kind,
        Url = new Uri("https://hooks.example.org/alerts?x=1"),
        Secret = kind == ChannelKind.Webhook ? WebhookSignature.NewSecret() : null,
        UpdatedAt = Now,
    };

    [Fact]
    public async Task AChannelRoundTripsWithEveryFieldAndSavingReplacesIt()
    {
        var (channels, id) = await WithSubscriptionAsync();
        var full = Channel(id) with
        {
            ConsecutiveFailures = 3,
            FirstFailureAt = Now.AddHours(-2),
            LastError = "webhooks: answered 500",
            DisabledAt = Now.AddMinutes(-1),
            NoticeSentAt = Now,
        };

        (await channels.GetAsync(id, Ct)).ShouldBeNull();
        await channels.SaveAsync(full, Ct);
        (await channels.GetAsync(id, Ct)).ShouldBe(full);
        (await OpenAgain().GetAsync(id, Ct)).ShouldBe(full);

        var slack = Channel(id, ChannelKind.Slack);
        await channels.SaveAsync(slack, Ct);
        (await channels.GetAsync(id, Ct)).ShouldBe(slack);
    }

    [Fact]
    public async Task DeletingTheChannelMeansEmail()
    {
        var (channels, id) = await WithSubscriptionAsync();
        await channels.SaveAsync(Channel(id), Ct);

        (await channels.DeleteAsync(id, Ct)).ShouldBeTrue();
        (await channels.DeleteAsync(id, Ct)).ShouldBeFalse();
        (await channels.GetAsync(id, Ct)).ShouldBeNull();
        (await channels.RecordFailureAsync(id, "webhooks: x", Now, Ct)).ShouldBeNull();
        (await channels.DisableAsync(id, Now, Ct)).ShouldBeFalse();
    }

    [Fact]
    public async Task FailuresFromTwoInstancesAddUpAndASuccessResetsThem()
    {
        var (channels, id) = await WithSubscriptionAsync();
        await channels.SaveAsync(Channel(id), Ct);
        var other = OpenAgain();

        await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            (i % 2 == 0 ? channels : other).RecordFailureAsync(id, $"webhooks: failure {i}", Now.AddMinutes(i), Ct)));

        var failed = (await channels.GetAsync(id, Ct))!;
        failed.ConsecutiveFailures.ShouldBe(8);
        failed.FirstFailureAt.ShouldNotBeNull();
        failed.LastError.ShouldStartWith("webhooks: failure ");
        var next = (await channels.RecordFailureAsync(id, "webhooks: ninth", Now.AddHours(1), Ct))!;
        next.ConsecutiveFailures.ShouldBe(9);
        next.FirstFailureAt.ShouldBe(failed.FirstFailureAt);
        next.LastError.ShouldBe("webhooks: ninth");

        await other.RecordSuccessAsync(id, Ct);
        var reset = (await channels.GetAsync(id, Ct))!;
        reset.ConsecutiveFailures.ShouldBe(0);
        reset.FirstFailureAt.ShouldBeNull();
    }

    [Fact]
    public async Task OnlyOneCallerDisablesAChannelAndTheNoticeIsMarkedOnce()
    {
        var (channels, id) = await WithSubscriptionAsync();
        await channels.SaveAsync(Channel(id), Ct);
        var other = OpenAgain();

        var disabled = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => (i % 2 == 0 ? channels : other).DisableAsync(id, Now.AddSeconds(i), Ct)));

        disabled.Count(d => d).ShouldBe(1);
        var channel = (await channels.GetAsync(id, Ct))!;
        channel.IsEnabled.ShouldBeFalse();
        (await channels.MarkNoticeSentAsync(id, channel.DisabledAt!.Value.AddSeconds(30), Now, Ct)).ShouldBeFalse();
        (await channels.MarkNoticeSentAsync(id, channel.DisabledAt.Value, Now, Ct)).ShouldBeTrue();
        (await other.MarkNoticeSentAsync(id, channel.DisabledAt.Value, Now, Ct)).ShouldBeFalse();
        (await channels.GetAsync(id, Ct))!.NoticeSentAt.ShouldBe(Now);

        // A success after the disabling changes nothing: the channel stays off until it is saved again.
        await channels.RecordSuccessAsync(id, Ct);
        (await channels.GetAsync(id, Ct))!.IsEnabled.ShouldBeFalse();
    }
}

public sealed class SqliteChannelStoreContractTests : ChannelStoreContract, IDisposable
{
    private readonly TempStore _temp = new();

    protected override (ISubscriptionStore Subscriptions, IChannelStore Channels) Create() =>
        (new SqliteSubscriptionStore(_temp.Database, TimeProvider.System), new SqliteChannelStore(_temp.Database));

    protected override IChannelStore OpenAgain() => new SqliteChannelStore(_temp.Open());

    public void Dispose() => _temp.Dispose();
}

[Collection(AzuriteCollection.Name)]
public sealed class AzureChannelStoreContractTests(AzuriteFixture azurite) : ChannelStoreContract
{
    private string? _prefix;

    protected override (ISubscriptionStore Subscriptions, IChannelStore Channels) Create()
    {
        _prefix = AzuriteFixture.UniqueName("t");
        var tables = new AzureStoreTables(azurite.CreateTableService(), _prefix);
        return (new AzureSubscriptionStore(tables), new AzureChannelStore(tables));
    }

    protected override IChannelStore OpenAgain() =>
        new AzureChannelStore(new AzureStoreTables(azurite.CreateTableService(), _prefix ?? throw new InvalidOperationException("tests: Create first")));
}
