using Alerts.Pipeline.Queues;
using Alerts.Pipeline.Storage;
using Alerts.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Alerts.Tests.Store;

public class SqliteHostingTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AddSqliteStoreWiresThePortsToOneDatabaseAtTheConfiguredPath()
    {
        var folder = Directory.CreateTempSubdirectory("alerts-store-").FullName;
        try
        {
            var path = Path.Combine(folder, "db", "alerts.db");
            var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
            builder.Configuration["Store:Path"] = path;
            builder.AddSqliteStore();
            using (var host = builder.Build())
            {
                var queue = host.Services.GetRequiredService<IWorkQueue>();
                queue.ShouldBeSameAs(host.Services.GetRequiredService<SqliteWorkQueue>());
                host.Services.GetRequiredService<SqliteDatabase>().FilePath.ShouldBe(path);

                // No host start: the first use migrates.
                await host.Services.GetRequiredService<IFeedStore>().AddFeedAsync("https://example.org/feed", null, DateTimeOffset.UnixEpoch, Ct);
                (await host.Services.GetRequiredService<IArticleStore>().CountArticlesAsync(Ct)).ShouldBe(0);
                await queue.EnqueueAsync(QueueNames.FeedPoll, "{}", TimeSpan.Zero, Ct);
                (await queue.CountAsync(QueueNames.FeedPoll, Ct)).ShouldBe(1);
            }

            File.Exists(path).ShouldBeTrue();
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData(":memory:")]
    public void APathThatIsNoFileFailsValidation(string path)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration["Store:Path"] = path;
        builder.AddSqliteStore();
        using var host = builder.Build();

        Should.Throw<OptionsValidationException>(() => host.Services.GetRequiredService<IOptions<SqliteOptions>>().Value)
            .Message.ShouldContain("Path");
    }
}
