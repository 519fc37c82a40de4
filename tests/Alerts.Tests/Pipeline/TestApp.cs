using Alerts.Pipeline.Hosting;
using Alerts.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Alerts.Tests.Pipeline;

/// <summary>
/// The real pipeline wiring over a fresh SQLite file and a manual clock, with loopback allowed so tests
/// can serve feeds from <see cref="Fetching.LoopbackServer"/>. Disposing deletes the database.
/// </summary>
public sealed class TestApp : IAsyncDisposable
{
    private readonly IHost _host;
    private readonly string _folder;

    private TestApp(IHost host, string folder, ManualTimeProvider clock)
    {
        _host = host;
        _folder = folder;
        Clock = clock;
    }

    public ManualTimeProvider Clock { get; }

    public IServiceProvider Services => _host.Services;

    public T Get<T>() where T : notnull => _host.Services.GetRequiredService<T>();

    /// <param name="settings">Configuration on top of the defaults.</param>
    /// <param name="services">Registrations made before the real ones (which are TryAdd), so they replace them: decorators for fault injection.</param>
    public static async Task<TestApp> StartAsync(IDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null)
    {
        var folder = Path.Combine(Path.GetTempPath(), "alerts-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Store:Path"] = Path.Combine(folder, "alerts.db"),
            ["Fetch:AllowedNetworks:0"] = "127.0.0.1/32",
            ["Fetch:Timeout"] = "00:00:10",
        });
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }

        var clock = new ManualTimeProvider(new DateTimeOffset(2025, 12, 12, 8, 0, 0, TimeSpan.Zero));
        builder.Services.AddSingleton<TimeProvider>(clock);
        builder.Logging.ClearProviders();
        services?.Invoke(builder.Services);
        builder.AddAlertsCore();
        builder.AddSqliteStore();
        var host = builder.Build();
        await host.StartAsync();
        return new TestApp(host, folder, clock);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open by a finalizer-bound connection is left for the OS temp cleaner.
        }
    }
}
