using Alerts.Azure;
using Alerts.Pipeline.Queues;
using Alerts.Pipeline.Storage;
using Alerts.Sqlite;
using Azure.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Alerts.Tests.Azure;

[Collection(AzuriteCollection.Name)]
public class AzureHostingTests(AzuriteFixture azurite)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static IHost Build(params (string Key, string Value)[] settings)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        foreach (var (key, value) in settings)
        {
            builder.Configuration[key] = value;
        }

        builder.AddAzureStorage();
        return builder.Build();
    }

    [Fact]
    public async Task AddAzureStorageWiresTheWorkQueueToTheConfiguredAccount()
    {
        azurite.CreateAccount();
        var prefix = AzuriteFixture.UniqueName("h") + "-";
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration["AzureStorage:ConnectionString"] = azurite.ConnectionString;
        builder.Configuration["AzureStorage:QueueNamePrefix"] = prefix;
        builder.Configuration["Store:Path"] = Path.Combine(Path.GetTempPath(), "never-created", "alerts.db");
        builder.AddSqliteStore();
        builder.AddAzureStorage();
        using var host = builder.Build();
        await host.StartAsync(Ct);

        var queue = host.Services.GetRequiredService<IWorkQueue>();
        queue.ShouldBeSameAs(host.Services.GetRequiredService<AzureWorkQueue>());
        await queue.EnqueueAsync(QueueNames.FeedPoll, "{\"v\":1}", TimeSpan.Zero, Ct);
        var message = (await queue.ReceiveAsync(QueueNames.FeedPoll, TimeSpan.FromSeconds(30), Ct))!;
        message.Body.ShouldBe("{\"v\":1}");
        (await queue.CompleteAsync(message, Ct)).ShouldBeTrue();
        var queues = host.Services.GetRequiredService<AzureQueueClient>();
        (await queues.CreateQueueAsync(prefix + QueueNames.FeedPoll, Ct)).ShouldBeFalse();
        (await host.Services.GetRequiredService<AzureTableClient>().CreateTableAsync(AzuriteFixture.UniqueName("h"), Ct)).ShouldBeTrue();
        await host.StopAsync(Ct);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task AddAzureStorageReplacesTheSqliteStoresWhicheverIsAddedFirst(bool azureFirst)
    {
        azurite.CreateAccount();
        var prefix = AzuriteFixture.UniqueName("h");
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration["AzureStorage:ConnectionString"] = azurite.ConnectionString;
        builder.Configuration["AzureStorage:TableNamePrefix"] = prefix;
        builder.Configuration["Store:Path"] = Path.Combine(Path.GetTempPath(), "never-created", "alerts.db");
        if (azureFirst)
        {
            builder.AddAzureStorage();
            builder.AddSqliteStore();
        }
        else
        {
            builder.AddSqliteStore();
            builder.AddAzureStorage();
        }

        using var host = builder.Build();

        host.Services.GetRequiredService<IFeedStore>().ShouldBeSameAs(host.Services.GetRequiredService<AzureFeedStore>());
        host.Services.GetRequiredService<IArticleStore>().ShouldBeSameAs(host.Services.GetRequiredService<AzureArticleStore>());
        host.Services.GetRequiredService<ITopicStore>().ShouldBeSameAs(host.Services.GetRequiredService<AzureTopicStore>());
        host.Services.GetRequiredService<IClaimStore>().ShouldBeSameAs(host.Services.GetRequiredService<AzureClaimStore>());
        host.Services.GetRequiredService<ISubscriptionStore>().ShouldBeSameAs(host.Services.GetRequiredService<AzureSubscriptionStore>());
        host.Services.GetServices<IFeedStore>().ShouldHaveSingleItem();
        host.Services.GetRequiredService<IWorkQueue>().ShouldBeSameAs(host.Services.GetRequiredService<AzureWorkQueue>());
        var feed = await host.Services.GetRequiredService<IFeedStore>().AddFeedAsync("https://example.org/feed", null, DateTimeOffset.UnixEpoch, Ct);
        // The prefix names the tables: the feed is in "<prefix>feeds".
        var tables = host.Services.GetRequiredService<AzureTableClient>();
        (await tables.GetAsync(prefix + "feeds", "feed", AzureStoreTables.IdKey(feed.Id), Ct)).ShouldNotBeNull();
    }

    [Fact]
    public void AnInvalidTableNamePrefixFailsValidation()
    {
        using var host = Build(("AzureStorage:ConnectionString", "UseDevelopmentStorage=true"), ("AzureStorage:TableNamePrefix", "9-bad"));

        Should.Throw<OptionsValidationException>(() => host.Services.GetRequiredService<IOptions<AzureStorageOptions>>().Value)
            .Message.ShouldContain("TableNamePrefix");
    }

    [Fact]
    public void TheFunctionsHostConnectionStringIsUsedWhenTheSectionIsAbsent()
    {
        using var host = Build(("AzureWebJobsStorage", "UseDevelopmentStorage=true"));

        var account = host.Services.GetRequiredService<StorageAccount>();

        account.Name.ShouldBe("devstoreaccount1");
        account.QueueEndpoint.ShouldBe(new Uri("http://127.0.0.1:10001/devstoreaccount1/"));
        account.UsesSharedKey.ShouldBeTrue();
    }

    [Fact]
    public void TheFunctionsHostIdentitySettingsAreUsedWhenTheSectionIsAbsent()
    {
        using var host = Build(
            ("AzureWebJobsStorage:accountName", "alertsprod"),
            ("AzureWebJobsStorage:credential", "managedidentity"),
            ("AzureWebJobsStorage:clientId", "00000000-0000-0000-0000-000000000001"));

        var account = host.Services.GetRequiredService<StorageAccount>();

        account.Name.ShouldBe("alertsprod");
        account.QueueEndpoint.ShouldBe(new Uri("https://alertsprod.queue.core.windows.net/"));
        account.TableEndpoint.ShouldBe(new Uri("https://alertsprod.table.core.windows.net/"));
        account.UsesSharedKey.ShouldBeFalse();
        account.Credential.ShouldBeOfType<ManagedIdentityCredential>();
    }

    [Fact]
    public void TheSectionWinsOverTheFunctionsHostSettings()
    {
        using var host = Build(
            ("AzureStorage:AccountName", "mine"),
            ("AzureWebJobsStorage", "UseDevelopmentStorage=true"));

        var account = host.Services.GetRequiredService<StorageAccount>();

        account.Name.ShouldBe("mine");
        account.Credential.ShouldBeOfType<DefaultAzureCredential>();
    }

    [Theory]
    [InlineData(null, null, "exactly one")]
    [InlineData("UseDevelopmentStorage=true", "acct", "exactly one")]
    [InlineData("AccountName=acct", null, "has no AccountKey")]
    [InlineData("AccountName=acct;AccountKey=not base64!", null, "is not base64")]
    public void SettingsThatNameNoSingleAccountFailValidation(string? connectionString, string? accountName, string expected)
    {
        var settings = new List<(string, string)>();
        if (connectionString is not null)
        {
            settings.Add(("AzureStorage:ConnectionString", connectionString));
        }

        if (accountName is not null)
        {
            settings.Add(("AzureStorage:AccountName", accountName));
        }

        using var host = Build([.. settings]);

        Should.Throw<OptionsValidationException>(() => host.Services.GetRequiredService<IOptions<AzureStorageOptions>>().Value)
            .Message.ShouldContain(expected);
    }

    [Fact]
    public void AnUnknownCredentialKindFailsValidation()
    {
        using var host = Build(("AzureStorage:AccountName", "acct"), ("AzureStorage:Credential", "password"));

        Should.Throw<OptionsValidationException>(() => host.Services.GetRequiredService<IOptions<AzureStorageOptions>>().Value)
            .Message.ShouldContain("credential 'password' is not supported");
    }
}
