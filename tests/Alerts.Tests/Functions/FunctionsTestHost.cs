using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Alerts.Functions;
using Alerts.Pipeline.Hosting;
using Alerts.Tests.Azure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Alerts.Tests.Functions;

/// <summary>
/// The Functions handler wired exactly as Program.cs wires it, on 127.0.0.1 and a free port
/// (FUNCTIONS_CUSTOMHANDLER_PORT=0), over Azure Storage in the collection's Azurite: AzureWebJobsStorage is
/// Azurite's connection string, as the host would set it, and every host gets table and queue names of its
/// own. Mail goes to an outbox folder of its own. Tests post host-shaped invocations to it over real HTTP.
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

    /// <summary>The folder the outbox mail provider writes .eml files to.</summary>
    public string Outbox => Path.Combine(_folder, "outbox");

    public T Get<T>() where T : notnull => _app.Services.GetRequiredService<T>();

    public IReadOnlyList<string> OutboxFiles() =>
        Directory.Exists(Outbox) ? Directory.GetFiles(Outbox, "*.eml").Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal).ToList() : [];

    /// <summary>The app built and mapped but not started (for reading its endpoints).</summary>
    public static WebApplication Build(string folder, IDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = folder });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["FUNCTIONS_CUSTOMHANDLER_PORT"] = "0",
            ["Fetch:AllowedNetworks:0"] = "127.0.0.1/32",
            ["Fetch:Timeout"] = "00:00:10",
            ["Mail:Outbox:Folder"] = Path.Combine(folder, "outbox"),
        });
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }

        builder.Logging.ClearProviders();
        builder.AddAlertsCore();
        builder.AddAlertsFunctionsHost();
        services?.Invoke(builder.Services);
        var app = builder.Build();
        app.MapAlertsFunctions();
        return app;
    }

    /// <summary>A handler over its own tables and queues in <paramref name="azurite"/> (skips when Azurite is missing).</summary>
    public static async Task<FunctionsTestHost> StartAsync(AzuriteFixture azurite, IDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null)
    {
        ArgumentNullException.ThrowIfNull(azurite);
        azurite.CreateAccount();
        var prefix = AzuriteFixture.UniqueName("f");
        var all = new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = azurite.ConnectionString,
            ["AzureStorage:TableNamePrefix"] = prefix,
            ["AzureStorage:QueueNamePrefix"] = prefix + "-",
            ["AzureStorage:RetryDelay"] = "00:00:00.050",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        var folder = Path.Combine(Path.GetTempPath(), "alerts-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var app = Build(folder, all, services);
        await app.StartAsync(TestContext.Current.CancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        var uri = new Uri(address.EndsWith('/') ? address : address + "/");
        uri.Host.ShouldBe("127.0.0.1");
        return new FunctionsTestHost(app, folder, uri);
    }

    /// <summary>POSTs an invocation body to /{function}, as the host does.</summary>
    public Task<InvocationResponse> InvokeAsync(string function, JsonNode body) => PostInvocationAsync(Client, function, body);

    /// <summary>
    /// An HTTP request to <paramref name="function"/> as the host forwards it with enableForwardingHttpRequest
    /// false: the envelope <c>Data.req = {Url, Method, Query, Headers, Params, Body}</c>; returns what the
    /// handler put in the <c>res</c> output binding.
    /// </summary>
    public async Task<HttpOutput> PostHttpAsync(string function, string method, string url, IReadOnlyDictionary<string, string[]>? headers = null, string? body = null)
    {
        var reply = await InvokeAsync(function, HostPayloads.Http(function, method, new Uri(url), headers ?? new Dictionary<string, string[]>(), body));
        reply.Status.ShouldBe(200, reply.Body);
        return HttpOutput.From(reply);
    }

    public static async Task<InvocationResponse> PostInvocationAsync(HttpClient client, string function, JsonNode body)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(body);
        using var content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        using var response = await client.PostAsync(function, content, TestContext.Current.CancellationToken);
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
            // A file still held open is left for the OS temp cleaner.
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

/// <summary>The <c>http</c> output binding of a reply: {statusCode (a string), headers (name → string), body}.</summary>
public sealed record HttpOutput(int StatusCode, IReadOnlyDictionary<string, string> Headers, string Body)
{
    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;

    public static HttpOutput From(InvocationResponse reply)
    {
        ArgumentNullException.ThrowIfNull(reply);
        var res = reply.Json["Outputs"]!["res"].ShouldBeOfType<JsonObject>();
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in res["headers"].ShouldBeOfType<JsonObject>())
        {
            // The host writes each value with ToString(): anything but a string would arrive mangled.
            headers[name] = value.ShouldBeAssignableTo<JsonValue>()!.GetValue<string>();
        }

        return new HttpOutput(
            int.Parse(res["statusCode"]!.GetValue<string>(), CultureInfo.InvariantCulture),
            headers,
            res["body"]!.GetValue<string>());
    }
}

/// <summary>Invocation bodies in the exact shapes the Functions host posts to a custom handler.</summary>
public static class HostPayloads
{
    public static JsonObject Timer(bool isPastDue = false, string method = "Schedule") => new()
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
            ["sys"] = Sys(method),
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
            ["DequeueCount"] = dequeueCount.ToString(CultureInfo.InvariantCulture),
            ["ExpirationTime"] = "\"2025-12-19T08:00:00+00:00\"",
            ["Id"] = "\"8d2c7a4e-0f5b-4b8e-9a51-3c6f0e2d7b10\"",
            ["InsertionTime"] = "\"2025-12-12T08:00:00+00:00\"",
            ["NextVisibleTime"] = "\"2025-12-12T08:00:30+00:00\"",
            ["PopReceipt"] = "\"AgAAAAMAAAAAAAAAx1f0Dh9r2wE=\"",
            ["sys"] = Sys(function),
        },
    };

    /// <summary>
    /// An HTTP-trigger invocation with forwarding off: <c>Data.req</c> holds the request (Query as an object,
    /// Headers as name → string[], Params from the function's route, Body as text), and Metadata repeats Query,
    /// Headers and Params, as the host does.
    /// </summary>
    public static JsonObject Http(string function, string method, Uri url, IReadOnlyDictionary<string, string[]> headers, string? body)
    {
        ArgumentNullException.ThrowIfNull(url);
        ArgumentNullException.ThrowIfNull(headers);
        var query = new JsonObject();
        foreach (var pair in url.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = pair.Split('=', 2);
            query[Uri.UnescapeDataString(parts[0])] = parts.Length == 2 ? Uri.UnescapeDataString(parts[1].Replace('+', ' ')) : "";
        }

        var headerObject = new JsonObject { ["Host"] = new JsonArray(url.Authority) };
        foreach (var (name, values) in headers)
        {
            headerObject[name] = new JsonArray(values.Select(v => (JsonNode?)JsonValue.Create(v)).ToArray());
        }

        var routeParams = RouteParams(function, url.AbsolutePath.TrimStart('/'));
        return new JsonObject
        {
            ["Data"] = new JsonObject
            {
                ["req"] = new JsonObject
                {
                    ["Url"] = url.AbsoluteUri,
                    ["Method"] = method,
                    ["Query"] = query,
                    ["Headers"] = headerObject,
                    ["Params"] = routeParams,
                    ["Identities"] = new JsonArray(),
                    ["Body"] = body,
                },
            },
            ["Metadata"] = new JsonObject
            {
                ["Query"] = query.DeepClone(),
                ["Headers"] = headerObject.DeepClone(),
                ["Params"] = routeParams.DeepClone(),
                ["sys"] = Sys(function),
            },
        };
    }

    /// <summary>The route values the host would bind from functions/&lt;Name&gt;/function.json's route, e.g. <c>api/v1/{*path}</c>.</summary>
    private static JsonObject RouteParams(string function, string path)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(TestEnvironment.RepositoryRoot, "functions", function, "function.json")));
        var route = json.RootElement.GetProperty("bindings").EnumerateArray().Single(b => b.GetProperty("type").GetString() == "httpTrigger").GetProperty("route").GetString()!;
        var open = route.IndexOf('{', StringComparison.Ordinal);
        var literal = route[..open];
        var name = route[(open + 1)..route.IndexOf('}', StringComparison.Ordinal)].Trim('*', '?');
        path.ShouldStartWith(literal, Case.Insensitive, $"{path} does not match the route {route} of {function}");
        var value = path[literal.Length..];
        return value.Length == 0 ? [] : new JsonObject { [name] = value };
    }

    private static JsonObject Sys(string method) => new()
    {
        ["MethodName"] = method,
        ["UtcNow"] = "2025-12-12T08:00:00.0102Z",
        ["RandGuid"] = Guid.NewGuid().ToString(),
    };
}

/// <summary>The functions tests that share one Azurite; they run one after another.</summary>
[CollectionDefinition(Name)]
public sealed class FunctionsAzuriteCollection : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "Functions on Azurite";
}
