using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Alerts.Tests.Functions.Rpc;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;

namespace Alerts.Tests.Functions;

/// <summary>The host.json settings the host's bindings follow (queues and HTTP), with app-setting overrides applied.</summary>
public sealed record HostSettings(int BatchSize, int MaxDequeueCount, TimeSpan VisibilityTimeout, string MessageEncoding, string RoutePrefix)
{
    /// <summary>
    /// host.json of the app folder; an app setting <c>AzureFunctionsJobHost__extensions__queues__visibilityTimeout</c>
    /// (or another key under it) wins over the file, as it does in the real host.
    /// </summary>
    public static HostSettings Read(string hostJsonPath, IReadOnlyDictionary<string, string> settings)
    {
        var root = JsonNode.Parse(File.ReadAllText(hostJsonPath))!;
        var queues = root["extensions"]?["queues"];
        string? Setting(string section, string key, JsonNode? node) =>
            settings.TryGetValue($"AzureFunctionsJobHost__extensions__{section}__{key}", out var value) ? value : node?[key]?.ToString();

        return new HostSettings(
            int.Parse(Setting("queues", "batchSize", queues) ?? "16", CultureInfo.InvariantCulture),
            int.Parse(Setting("queues", "maxDequeueCount", queues) ?? "5", CultureInfo.InvariantCulture),
            TimeSpan.Parse(Setting("queues", "visibilityTimeout", queues) ?? "00:00:00", CultureInfo.InvariantCulture),
            Setting("queues", "messageEncoding", queues) ?? "base64",
            Setting("http", "routePrefix", root["extensions"]?["http"]) ?? "api");
    }
}

/// <summary>What the host did with the messages of one queue until it was empty.</summary>
public sealed record QueueDrain(int Succeeded, int Failed, int Poisoned, IReadOnlyList<InvocationResponse> Responses);

/// <summary>
/// The host's bindings around the worker, on Azurite: timer input, queue triggers (receive, DequeueCount,
/// delete on success, visible again after visibilityTimeout on failure, <c>&lt;queue&gt;-poison</c> after
/// maxDequeueCount), queue outputs (each returned record one message, in host.json's messageEncoding) and
/// HTTP routes (routePrefix, the function with the most literal segments, AuthorizationLevel.Function keys).
/// Queue and schedule names are resolved from the app settings, so an unset <c>%Setting%</c> fails here as it
/// fails the host.
/// </summary>
public sealed class HostBindings(WorkerHost worker, string storageConnection, IReadOnlyDictionary<string, string> settings, HostSettings host)
{
    /// <summary>The function key the emulated host accepts for AuthorizationLevel.Function.</summary>
    public const string FunctionKey = "test-function-key";

    public HostSettings Host => host;

    public QueueClient Queue(string name)
    {
        var client = new QueueClient(storageConnection, name, new QueueClientOptions
        {
            MessageEncoding = string.Equals(host.MessageEncoding, "base64", StringComparison.OrdinalIgnoreCase) ? QueueMessageEncoding.Base64 : QueueMessageEncoding.None,
        });
        client.CreateIfNotExists();
        return client;
    }

    /// <summary>A %Setting% resolved as the host resolves it, or the name itself.</summary>
    public string Resolve(string expression)
    {
        if (expression.Length > 2 && expression[0] == '%' && expression[^1] == '%')
        {
            var name = expression[1..^1];
            return settings.TryGetValue(name, out var value) && value.Length > 0
                ? value
                : throw new InvalidOperationException($"tests: the host cannot resolve %{name}%: no such app setting");
        }

        return expression;
    }

    /// <summary>The trigger's queue of a queue-triggered function.</summary>
    public string TriggerQueue(string function) => Resolve(LoadedFunction.Text(worker.Functions[function].Trigger, "queueName"));

    /// <summary>A timer firing: the TimerInfo JSON the host sends, then the outputs passed on.</summary>
    public async Task<InvocationResponse> FireTimerAsync(string function, CancellationToken cancellationToken)
    {
        var loaded = worker.Functions[function];
        _ = Resolve(LoadedFunction.Text(loaded.Trigger, "schedule"));
        var now = DateTimeOffset.UtcNow;
        var timer = new JsonObject
        {
            ["Schedule"] = new JsonObject { ["AdjustForDST"] = true },
            ["ScheduleStatus"] = new JsonObject { ["Last"] = now.AddMinutes(-5).ToString("O"), ["Next"] = now.AddMinutes(5).ToString("O"), ["LastUpdated"] = now.ToString("O") },
            ["IsPastDue"] = false,
        };
        var response = await worker.InvokeAsync(function, [new ParameterBinding { Name = loaded.TriggerName, Data = new TypedData { Json = timer.ToJsonString() } }],
            new Dictionary<string, TypedData>(), cancellationToken);
        if (response.Result.Status == StatusResult.Types.Status.Success)
        {
            await PassOnOutputsAsync(function, response, cancellationToken);
        }

        return response;
    }

    /// <summary>Runs the function's queue trigger until its queue has no visible message left.</summary>
    public async Task<QueueDrain> DrainAsync(string function, CancellationToken cancellationToken)
    {
        var loaded = worker.Functions[function];
        var queueName = TriggerQueue(function);
        var queue = Queue(queueName);
        int succeeded = 0, failed = 0, poisoned = 0;
        var responses = new List<InvocationResponse>();
        while (true)
        {
            // The host leases a batch for ten minutes and settles each message when its invocation ends.
            QueueMessage[] batch = (await queue.ReceiveMessagesAsync(host.BatchSize, TimeSpan.FromMinutes(10), cancellationToken)).Value;
            if (batch.Length == 0)
            {
                return new QueueDrain(succeeded, failed, poisoned, responses);
            }

            foreach (var message in batch)
            {
                var metadata = new Dictionary<string, TypedData>
                {
                    ["Id"] = new() { String = message.MessageId },
                    ["PopReceipt"] = new() { String = message.PopReceipt },
                    ["DequeueCount"] = new() { Json = message.DequeueCount.ToString(CultureInfo.InvariantCulture) },
                    ["QueueTrigger"] = new() { String = message.MessageText },
                };
                var response = await worker.InvokeAsync(function, [new ParameterBinding { Name = loaded.TriggerName, Data = new TypedData { String = message.MessageText } }],
                    metadata, cancellationToken);
                responses.Add(response);
                if (response.Result.Status == StatusResult.Types.Status.Success)
                {
                    await PassOnOutputsAsync(function, response, cancellationToken);
                    await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken);
                    succeeded++;
                }
                else if (message.DequeueCount >= host.MaxDequeueCount)
                {
                    await Queue(queueName + "-poison").SendMessageAsync(message.MessageText, cancellationToken);
                    await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken);
                    failed++;
                    poisoned++;
                }
                else
                {
                    await queue.UpdateMessageAsync(message.MessageId, message.PopReceipt, visibilityTimeout: host.VisibilityTimeout, cancellationToken: cancellationToken);
                    failed++;
                }
            }
        }
    }

    /// <summary>
    /// Each queue output binding of the response goes to its queue, one message per record: a JSON array is
    /// several messages, anything else one (as the host's queue output binding adds them).
    /// </summary>
    private async Task PassOnOutputsAsync(string function, InvocationResponse response, CancellationToken cancellationToken)
    {
        foreach (var binding in worker.Functions[function].Bindings.Where(b =>
                     string.Equals(LoadedFunction.Text(b, "type"), "queue", StringComparison.OrdinalIgnoreCase)
                     && string.Equals(LoadedFunction.Text(b, "direction"), "Out", StringComparison.OrdinalIgnoreCase)))
        {
            var name = LoadedFunction.Text(binding, "name");
            var data = name == "$return" ? response.ReturnValue : response.OutputData.FirstOrDefault(o => o.Name == name)?.Data;
            if (data is null)
            {
                continue;
            }

            var queue = Queue(Resolve(LoadedFunction.Text(binding, "queueName")));
            foreach (var text in Messages(data))
            {
                await queue.SendMessageAsync(text, cancellationToken);
            }
        }
    }

    private static IEnumerable<string> Messages(TypedData data) => data.DataCase switch
    {
        TypedData.DataOneofCase.Json when JsonNode.Parse(data.Json) is JsonArray array => array.Select(item => item!.ToJsonString()),
        TypedData.DataOneofCase.Json => [data.Json],
        TypedData.DataOneofCase.String => [data.String],
        TypedData.DataOneofCase.CollectionString => data.CollectionString.String,
        TypedData.DataOneofCase.Bytes => [Encoding.UTF8.GetString(data.Bytes.Span)],
        TypedData.DataOneofCase.None => [],
        _ => throw new InvalidOperationException($"tests: a queue output of type {data.DataCase} is not one the host takes"),
    };

    /// <summary>
    /// The HTTP function the host routes <paramref name="method"/> <paramref name="path"/> to: routePrefix stripped,
    /// the templates of functions.metadata matched segment by segment, the most literal segments winning.
    /// </summary>
    public string? RouteFor(string method, string path)
    {
        var prefix = host.RoutePrefix.Trim('/');
        var segments = path.Trim('/').Split('/', StringSplitOptions.RemoveEmptyEntries).ToList();
        if (prefix.Length > 0)
        {
            var prefixSegments = prefix.Split('/');
            if (!segments.Take(prefixSegments.Length).SequenceEqual(prefixSegments, StringComparer.OrdinalIgnoreCase))
            {
                return null;
            }

            segments = segments.Skip(prefixSegments.Length).ToList();
        }

        return worker.Functions.Values
            .Where(f => string.Equals(f.TriggerType, "httpTrigger", StringComparison.OrdinalIgnoreCase))
            .Where(f => f.Trigger["methods"] is not JsonArray methods || methods.Any(m => string.Equals(m!.GetValue<string>(), method, StringComparison.OrdinalIgnoreCase)))
            .Select(f => (Function: f, Literals: MatchRoute(LoadedFunction.Text(f.Trigger, "route"), segments)))
            .Where(m => m.Literals >= 0)
            .OrderByDescending(m => m.Literals)
            .Select(m => m.Function.Name)
            .FirstOrDefault();
    }

    /// <summary>The number of literal segments when <paramref name="template"/> matches, else -1.</summary>
    public static int MatchRoute(string template, IReadOnlyList<string> segments)
    {
        var parts = template.Trim('/').Split('/', StringSplitOptions.RemoveEmptyEntries);
        var literals = 0;
        for (var i = 0; i < parts.Length; i++)
        {
            var part = parts[i];
            if (part.StartsWith("{*", StringComparison.Ordinal))
            {
                return literals;
            }

            if (part.StartsWith('{'))
            {
                if (i >= segments.Count && !part.EndsWith("?}", StringComparison.Ordinal))
                {
                    return -1;
                }

                continue;
            }

            if (i >= segments.Count || !string.Equals(part, segments[i], StringComparison.OrdinalIgnoreCase))
            {
                return -1;
            }

            literals++;
        }

        return segments.Count <= parts.Length ? literals : -1;
    }

    /// <summary>
    /// An HTTP request through the host: routed, refused with 401 when the function wants a key it did not
    /// get, else proxied to the worker. Returns the response and the function that served it (null: no route).
    /// </summary>
    public async Task<(HttpResponseMessage Response, string? Function)> SendHttpAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var function = RouteFor(request.Method.Method, request.RequestUri!.AbsolutePath);
        if (function is null)
        {
            return (new HttpResponseMessage(System.Net.HttpStatusCode.NotFound), null);
        }

        if (string.Equals(LoadedFunction.Text(worker.Functions[function].Trigger, "authLevel"), "Function", StringComparison.OrdinalIgnoreCase)
            && !(request.Headers.TryGetValues("x-functions-key", out var keys) && keys.Contains(FunctionKey)))
        {
            return (new HttpResponseMessage(System.Net.HttpStatusCode.Unauthorized), function);
        }

        var (response, invocation) = await worker.SendHttpAsync(function, request, cancellationToken);
        if (invocation.Result.Status != StatusResult.Types.Status.Success)
        {
            throw new InvalidOperationException($"tests: HTTP function {function} failed: {invocation.Result.Exception?.Message}\n{worker.Output}");
        }

        return (response, function);
    }
}
