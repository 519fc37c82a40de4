using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Alerts.Functions;
using Alerts.Pipeline.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Alerts.Tests.Functions;

/// <summary>
/// The Functions handler wired exactly as Program.cs wires it, on 127.0.0.1 and a free port
/// (FUNCTIONS_CUSTOMHANDLER_PORT=0), over a fresh SQLite file. Tests post host-shaped invocations to it
/// over real HTTP. Disposing stops it and deletes the database.
/// </summary>
public sealed class FunctionsTestHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly string _folder;

    private FunctionsTestHost(WebApplication app, string folder, Uri baseUri)
    {
        _app = app;
        _folder = folder;
        Client = new HttpClient { BaseAddress = baseUri, Timeout = TimeSpan.FromSeconds(30) };
    }

    public HttpClient Client { get; }

    public IServiceProvider Services => _app.Services;

    public T Get<T>() where T : notnull => _app.Services.GetRequiredService<T>();

    /// <summary>The app built and mapped but not started (for reading its endpoints).</summary>
    public static WebApplication Build(string folder, IDictionary<string, string?>? settings = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = folder });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["FUNCTIONS_CUSTOMHANDLER_PORT"] = "0",
            ["Store:Path"] = Path.Combine(folder, "alerts.db"),
            ["Fetch:AllowedNetworks:0"] = "127.0.0.1/32",
            ["Fetch:Timeout"] = "00:00:10",
        });
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }

        builder.Logging.ClearProviders();
        builder.AddAlertsCore();
        builder.AddAlertsFunctionsHost();
        var app = builder.Build();
        app.MapAlertsFunctions();
        return app;
    }

    public static async Task<FunctionsTestHost> StartAsync(IDictionary<string, string?>? settings = null)
    {
        var folder = Path.Combine(Path.GetTempPath(), "alerts-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var app = Build(folder, settings);
        await app.StartAsync(TestContext.Current.CancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        var uri = new Uri(address.EndsWith('/') ? address : address + "/");
        uri.Host.ShouldBe("127.0.0.1");
        return new FunctionsTestHost(app, folder, uri);
    }

    /// <summary>POSTs an invocation body to /{function}, as the host does.</summary>
    public async Task<InvocationResponse> InvokeAsync(string function, JsonNode body)
    {
        using var content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        using var response = await Client.PostAsync(function, content, TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        return new InvocationResponse((int)response.StatusCode, response.Content.Headers.ContentType, text);
    }

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
}

/// <summary>A handler's reply: status, content type and the parsed {Outputs, Logs, ReturnValue} body.</summary>
public sealed record InvocationResponse(int Status, MediaTypeHeaderValue? ContentType, string Body)
{
    public JsonObject Json => JsonNode.Parse(Body)!.AsObject();

    public IReadOnlyList<string> Logs => Json[nameof(Logs)]!.AsArray().Select(l => l!.GetValue<string>()).ToList();

    /// <summary>An output binding's messages; each must be a JSON object (never a bare string).</summary>
    public IReadOnlyList<JsonObject> Output(string binding) =>
        Json["Outputs"]![binding]!.AsArray().Select(m => m.ShouldBeOfType<JsonObject>()).ToList();
}

/// <summary>Invocation bodies in the exact shapes the Functions host posts to a custom handler.</summary>
public static class HostPayloads
{
    public static JsonObject Timer(bool isPastDue = false) => new()
    {
        ["Data"] = new JsonObject
        {
            ["timer"] = new JsonObject
            {
                ["Schedule"] = new JsonObject { ["AdjustForDST"] = true },
                ["ScheduleStatus"] = new JsonObject
                {
                    ["Last"] = "2025-12-12T07:55:00.0019371+00:00",
                    ["Next"] = "2025-12-12T08:00:00+00:00",
                    ["LastUpdated"] = "2025-12-12T07:55:00.0019371+00:00",
                },
                ["IsPastDue"] = isPastDue,
            },
        },
        ["Metadata"] = new JsonObject
        {
            ["sys"] = new JsonObject { ["MethodName"] = "Schedule", ["UtcNow"] = "2025-12-12T08:00:00.0102Z", ["RandGuid"] = Guid.NewGuid().ToString() },
        },
    };

    /// <summary>
    /// A queue-trigger invocation: Data.message is the message text JSON-encoded as a string (so the
    /// body holds it encoded twice), DequeueCount is a string, and Id/PopReceipt keep their quotes.
    /// </summary>
    public static JsonObject Queue(string function, string messageText, int dequeueCount = 1) => new()
    {
        ["Data"] = new JsonObject { ["message"] = JsonSerializer.Serialize(messageText) },
        ["Metadata"] = new JsonObject
        {
            ["DequeueCount"] = dequeueCount.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["ExpirationTime"] = "\"2025-12-19T08:00:00+00:00\"",
            ["Id"] = "\"8d2c7a4e-0f5b-4b8e-9a51-3c6f0e2d7b10\"",
            ["InsertionTime"] = "\"2025-12-12T08:00:00+00:00\"",
            ["NextVisibleTime"] = "\"2025-12-12T08:00:30+00:00\"",
            ["PopReceipt"] = "\"AgAAAAMAAAAAAAAAx1f0Dh9r2wE=\"",
            ["sys"] = new JsonObject { ["MethodName"] = function, ["UtcNow"] = "2025-12-12T08:00:00.0102Z", ["RandGuid"] = Guid.NewGuid().ToString() },
        },
    };
}
