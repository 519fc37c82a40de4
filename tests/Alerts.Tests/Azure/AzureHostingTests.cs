using Alerts.Azure;
using Alerts.Pipeline.Queues;
using Alerts.Pipeline.Storage;
using Alerts.Sqlite;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Storage.Queues;
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
        var queues = host.Services.GetRequiredService<QueueServiceClient>();
        queues.ShouldBeSameAs(host.Services.GetRequiredService<QueueServiceClient>());
        (await queues.GetQueueClient(prefix + QueueNames.FeedPoll).ExistsAsync(Ct)).Value.ShouldBeTrue();
        var tables = host.Services.GetRequiredService<TableServiceClient>();
        tables.ShouldBeSameAs(host.Services.GetRequiredService<TableServiceClient>());
        (await tables.CreateTableIfNotExistsAsync(AzuriteFixture.UniqueName("h"), Ct)).Value.ShouldNotBeNull();
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
        var tables = host.Services.GetRequiredService<TableServiceClient>();
        (await tables.GetTableClient(prefix + "feeds").GetAsync("feed", AzureStoreTables.IdKey(feed.Id), Ct)).ShouldNotBeNull();
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

        host.Services.GetRequiredService<IOptions<AzureStorageOptions>>().Value.UsesConnectionString().ShouldBeTrue();
        var queues = host.Services.GetRequiredService<QueueServiceClient>();
        queues.AccountName.ShouldBe("devstoreaccount1");
        queues.Uri.ShouldBe(new Uri("http://127.0.0.1:10001/devstoreaccount1"));
        host.Services.GetRequiredService<TableServiceClient>().Uri.ShouldBe(new Uri("http://127.0.0.1:10002/devstoreaccount1"));
    }

    [Fact]
    public void TheFunctionsHostIdentitySettingsAreUsedWhenTheSectionIsAbsent()
    {
        using var host = Build(
            ("AzureWebJobsStorage:accountName", "alertsprod"),
            ("AzureWebJobsStorage:credential", "managedidentity"),
            ("AzureWebJobsStorage:clientId", "00000000-0000-0000-0000-000000000001"));

        var options = host.Services.GetRequiredService<IOptions<AzureStorageOptions>>().Value;

        options.AccountName.ShouldBe("alertsprod");
        options.UsesConnectionString().ShouldBeFalse();
        options.CreateCredential().ShouldBeOfType<ManagedIdentityCredential>();
        host.Services.GetRequiredService<QueueServiceClient>().Uri.ShouldBe(new Uri("https://alertsprod.queue.core.windows.net/"));
        host.Services.GetRequiredService<TableServiceClient>().Uri.ShouldBe(new Uri("https://alertsprod.table.core.windows.net/"));
        host.Services.GetRequiredService<TableServiceClient>().AccountName.ShouldBe("alertsprod");
    }

    [Fact]
    public void GivenServiceUrlsReplaceTheAccountsDefaultEndpoints()
    {
        using var host = Build(
            ("AzureStorage:AccountName", "alertsprod"),
            ("AzureStorage:QueueServiceUri", "https://queues.example.net/"),
            ("AzureStorage:TableServiceUri", "https://tables.example.net/"));

        host.Services.GetRequiredService<QueueServiceClient>().Uri.ShouldBe(new Uri("https://queues.example.net/"));
        host.Services.GetRequiredService<TableServiceClient>().Uri.ShouldBe(new Uri("https://tables.example.net/"));
    }

    [Fact]
    public void TheSectionWinsOverTheFunctionsHostSettings()
    {
        using var host = Build(
            ("AzureStorage:AccountName", "mine"),
            ("AzureWebJobsStorage", "UseDevelopmentStorage=true"));

        var options = host.Services.GetRequiredService<IOptions<AzureStorageOptions>>().Value;

        options.AccountName.ShouldBe("mine");
        options.CreateCredential().ShouldBeOfType<DefaultAzureCredential>();
        host.Services.GetRequiredService<QueueServiceClient>().AccountName.ShouldBe("mine");
    }

    [Fact]
    public void TheRetryAndEncodingSettingsBindFromTheSection()
    {
        using var host = Build(
            ("AzureStorage:ConnectionString", "UseDevelopmentStorage=true"),
            ("AzureStorage:MaxRetries", "2"),
            ("AzureStorage:RetryDelay", "00:00:01"),
            ("AzureStorage:RequestTimeout", "00:00:05"),
            ("AzureStorage:MessageEncoding", "none"));

        var options = host.Services.GetRequiredService<IOptions<AzureStorageOptions>>().Value;
        var clientOptions = new QueueClientOptions();
        options.ApplyRetries(clientOptions);

        options.MessageEncoding.ShouldBe(QueueMessageEncoding.None);
        clientOptions.Retry.MaxRetries.ShouldBe(2);
        clientOptions.Retry.Delay.ShouldBe(TimeSpan.FromSeconds(1));
        clientOptions.Retry.NetworkTimeout.ShouldBe(TimeSpan.FromSeconds(5));
        clientOptions.Retry.Mode.ShouldBe(global::Azure.Core.RetryMode.Exponential);
    }

    [Theory]
    [InlineData(null, null, "exactly one")]
    [InlineData("UseDevelopmentStorage=true", "acct", "exactly one")]
    [InlineData("AccountName=acct", null, "is not a usable storage connection string")]
    [InlineData("AccountName=acct;AccountKey=not base64!", null, "is not a usable storage connection string")]
    [InlineData("no equals sign here", null, "is not a usable storage connection string")]
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
    public void TheAccountKeyNeverAppearsInAValidationError()
    {
        const string key = "c2VjcmV0LWtleS10aGF0LW11c3Qtbm90LWxlYWs=";
        using var host = Build(("AzureStorage:ConnectionString", $"AccountKey={key};DefaultEndpointsProtocol=gopher"));

        var error = Should.Throw<OptionsValidationException>(() => host.Services.GetRequiredService<IOptions<AzureStorageOptions>>().Value);

        error.Message.ShouldContain("AzureStorage:ConnectionString");
        error.Message.ShouldNotContain(key);
    }

    [Fact]
    public void AnUnknownCredentialKindFailsValidation()
    {
        using var host = Build(("AzureStorage:AccountName", "acct"), ("AzureStorage:Credential", "password"));

        Should.Throw<OptionsValidationException>(() => host.Services.GetRequiredService<IOptions<AzureStorageOptions>>().Value)
            .Message.ShouldContain("credential 'password' is not supported");
    }
}
