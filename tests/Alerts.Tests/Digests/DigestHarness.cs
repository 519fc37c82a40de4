using Alerts.Core.Subscriptions;
using Alerts.Core.Topics;
using Alerts.Pipeline.Storage;
using Alerts.Tests.Mail;
using Alerts.Tests.Pipeline;

namespace Alerts.Tests.Digests;

/// <summary>The real pipeline over a fresh store with the outbox in a temporary folder, a topic "ports", and helpers.</summary>
public sealed class DigestHarness : IAsyncDisposable
{
    private readonly string _folder;

    private DigestHarness(TestApp app, string folder)
    {
        App = app;
        _folder = folder;
    }

    public TestApp App { get; }

    public string Outbox => Path.Combine(_folder, "outbox");

    public static async Task<DigestHarness> StartAsync(IDictionary<string, string?>? settings = null)
    {
        var folder = Path.Combine(Path.GetTempPath(), "alerts-tests", "digests-" + Guid.NewGuid().ToString("N"));
        var all = new Dictionary<string, string?> { ["Mail:Outbox:Folder"] = Path.Combine(folder, "outbox") };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        var harness = new DigestHarness(await TestApp.StartAsync(all), folder);
        await harness.App.Get<ITopicStore>().UpsertTopicAsync(new Topic("ports", "Velmar port", "velmar"), TestContext.Current.CancellationToken);
        return harness;
    }

    public T Get<T>() where T : notnull => App.Get<T>();

    /// <summary>An active subscription to "ports" that receives events from the start of the store.</summary>
    public async Task<Subscription> AddActiveAsync(string email, DigestFrequency frequency = DigestFrequency.Immediate)
    {
        var subscription = new Subscription
        {
            Id = Subscription.NewId(),
            Email = email,
            Topics = ["ports"],
            Frequency = frequency,
            State = SubscriptionState.Active,
            CreatedAt = App.Clock.GetUtcNow(),
            ConfirmedAt = App.Clock.GetUtcNow(),
        };
        await Get<ISubscriptionStore>().SaveAsync(subscription, startFromNow: false, TestContext.Current.CancellationToken);
        return subscription;
    }

    public IReadOnlyList<string> OutboxFiles() =>
        Directory.Exists(Outbox) ? Directory.GetFiles(Outbox, "*.eml").Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal).ToList() : [];

    public MimeEntity ReadOutbox(string fileName) => MimeEntity.Parse(File.ReadAllText(Path.Combine(Outbox, fileName)));

    public async ValueTask DisposeAsync()
    {
        await App.DisposeAsync();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
            // Nothing was written.
        }
    }
}
