using System.Net;
using System.Net.Sockets;
using Alerts.Core.Topics;
using Alerts.Pipeline.Hosting;
using Alerts.Pipeline.Storage;
using Alerts.Sqlite;
using Alerts.Tests.Mail;
using Alerts.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Alerts.Tests.Web;

/// <summary>
/// The pages and the API on a real Kestrel at 127.0.0.1 and a free port, wired as <c>alerts serve</c> wires
/// them (AddAlertsCore, AddSqliteStore, AddAlertsWeb, UseAlertsWeb, MapAlertsWeb) over a fresh SQLite file,
/// with mail going to an outbox folder and Site:PublicBaseUrl set to the served address, so links in emails
/// point at this server. Disposing stops it and deletes its folder.
/// </summary>
public sealed class WebTestServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly string _folder;

    private WebTestServer(WebApplication app, string folder, Uri baseAddress, TimeProvider clock)
    {
        _app = app;
        _folder = folder;
        BaseAddress = baseAddress;
        Clock = clock;
        Client = CreateClient();
    }

    /// <summary>The served address, ending in '/': <c>http://127.0.0.1:PORT/</c>.</summary>
    public Uri BaseAddress { get; }

    public IServiceProvider Services => _app.Services;

    /// <summary>The clock the server uses: the <see cref="ManualTimeProvider"/> the test passed, else the system clock.</summary>
    public TimeProvider Clock { get; }

    /// <summary>Where the outbox mail provider writes one .eml file per message.</summary>
    public string OutboxFolder => Path.Combine(_folder, "outbox");

    /// <summary>A client for <see cref="BaseAddress"/> that keeps cookies and does not follow redirects.</summary>
    public HttpClient Client { get; }

    public T Get<T>() where T : notnull => _app.Services.GetRequiredService<T>();

    /// <param name="clock">A <see cref="ManualTimeProvider"/> for deterministic windows and expiries; null for the system clock.</param>
    /// <param name="settings">Extra configuration (e.g. <c>Web:RateLimits:...</c>), applied last.</param>
    /// <param name="services">Last changes to the services (e.g. a store that fails), applied after the app's own.</param>
    public static async Task<WebTestServer> StartAsync(
        TimeProvider? clock = null, IDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null)
    {
        // The public base URL must be known before start (options are validated then), so the port is chosen
        // first; another process grabbing it in between is retried with a new one.
        for (var attempt = 1; ; attempt++)
        {
            var folder = Path.Combine(Path.GetTempPath(), "alerts-tests", "web-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(folder);
            var baseAddress = new Uri($"http://127.0.0.1:{FreePort()}/");
            var app = Build(folder, baseAddress, clock ?? TimeProvider.System, settings, services);
            try
            {
                await app.StartAsync(TestContext.Current.CancellationToken);
                return new WebTestServer(app, folder, baseAddress, clock ?? TimeProvider.System);
            }
            catch (IOException) when (attempt < 3)
            {
                await app.DisposeAsync();
                Directory.Delete(folder, recursive: true);
            }
        }
    }

    /// <summary>Another client for the server: with or without a cookie jar, never following redirects.</summary>
    public HttpClient CreateClient(bool useCookies = true) =>
        new(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = useCookies })
        {
            BaseAddress = BaseAddress,
            Timeout = TimeSpan.FromSeconds(30),
        };

    /// <summary>A topic people can subscribe to.</summary>
    public async Task<Topic> AddTopicAsync(string id, string name, string? description = null)
    {
        var topic = new Topic(id, name, "velmar") { Description = description };
        await Get<ITopicStore>().UpsertTopicAsync(topic, TestContext.Current.CancellationToken);
        return topic;
    }

    /// <summary>The outbox's messages, oldest file name first (names start with the message's idempotency key, e.g. <c>confirm-</c>).</summary>
    public IReadOnlyList<string> OutboxFiles() =>
        Directory.Exists(OutboxFolder) ? Directory.GetFiles(OutboxFolder, "*.eml").Order(StringComparer.Ordinal).ToList() : [];

    public static MimeEntity ReadMail(string path) => MimeEntity.Parse(File.ReadAllText(path));

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _app.StopAsync(stop.Token);
        await _app.DisposeAsync();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open by a finalizer-bound connection is left for the OS temp cleaner.
        }
    }

    private static WebApplication Build(
        string folder, Uri baseAddress, TimeProvider clock, IDictionary<string, string?>? settings, Action<IServiceCollection>? services)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = folder, EnvironmentName = "Production" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Store:Path"] = Path.Combine(folder, "alerts.db"),
            ["Mail:Provider"] = "Outbox",
            ["Mail:Outbox:Folder"] = Path.Combine(folder, "outbox"),
            ["Site:PublicBaseUrl"] = baseAddress.AbsoluteUri.TrimEnd('/'),
        });
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }

        builder.WebHost.UseUrls(baseAddress.AbsoluteUri.TrimEnd('/'));
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(clock);
        builder.AddAlertsCore();
        builder.AddSqliteStore();
        builder.AddAlertsWeb();
        services?.Invoke(builder.Services);
        var app = builder.Build();
        app.UseAlertsWeb();
        app.MapAlertsWeb();
        return app;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
