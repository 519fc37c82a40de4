using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Alerts.Tests.Functions.Rpc;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Alerts.Tests.Functions;

/// <summary>One function as the worker indexed it: its id for invocations and its bindings (functions.metadata's JSON).</summary>
public sealed record LoadedFunction(string Name, string Id, IReadOnlyList<JsonObject> Bindings)
{
    public JsonObject Trigger => Bindings.Single(b => Text(b, "type").EndsWith("Trigger", StringComparison.OrdinalIgnoreCase));

    public string TriggerType => Text(Trigger, "type");

    public string TriggerName => Text(Trigger, "name");

    public static string Text(JsonObject binding, string property) =>
        binding.FirstOrDefault(p => string.Equals(p.Key, property, StringComparison.OrdinalIgnoreCase)).Value?.GetValue<string>() ?? string.Empty;
}

/// <summary>
/// The Functions host's side of the language-worker protocol, for tests: a gRPC server implementing
/// <c>FunctionRpc.EventStream</c> (the reduced FunctionRpc.proto beside this file), and the published worker
/// started as the host starts it (<c>dotnet Alerts.Functions.dll --functions-uri ... --functions-worker-id ...
/// --functions-request-id ... --functions-grpc-max-message-length ...</c>, working directory and
/// FUNCTIONS_WORKER_DIRECTORY / FUNCTIONS_APPLICATION_DIRECTORY = the app folder, the app settings as
/// environment variables). It plays the host's sequence: StartStream ← worker; WorkerInitRequest →;
/// FunctionsMetadataRequest →; one FunctionLoadRequest per function →; then InvocationRequests, and for HTTP
/// functions the request proxied to the worker's own HttpUri with <c>x-ms-invocation-id</c>.
/// </summary>
public sealed class WorkerHost : IAsyncDisposable
{
    private readonly WebApplication _server;
    private readonly WorkerChannel _channel;
    private readonly Process _worker;
    private readonly StringBuilder _output = new();
    private readonly HttpClient _http;
    private long _started;

    private WorkerHost(WebApplication server, WorkerChannel channel, Process worker)
    {
        _server = server;
        _channel = channel;
        _worker = worker;
        // Redirects, cookies and decompression stay with the caller: the host passes responses on as they are.
        _http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false }) { Timeout = TimeSpan.FromSeconds(60) };
    }

    public IReadOnlyDictionary<string, LoadedFunction> Functions { get; private set; } = new Dictionary<string, LoadedFunction>();

    /// <summary>The worker's own Kestrel (the <c>HttpUri</c> capability of its WorkerInitResponse).</summary>
    public Uri? HttpUri { get; private set; }

    /// <summary>From starting the worker process to its first InvocationResponse.</summary>
    public TimeSpan? FirstResponseAfter { get; private set; }

    /// <summary>From starting the worker process to its StartStream, and to the last FunctionLoadResponse.</summary>
    public (TimeSpan StreamOpened, TimeSpan Loaded) StartTimes { get; private set; }

    /// <summary>What the worker wrote to its console and logged over the stream, for failure messages.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString() + string.Join('\n', _channel.Logs.Select(l => $"[{l.Level}] {l.Category}: {l.Message} {l.Exception?.Message}"));
            }
        }
    }

    public static async Task<WorkerHost> StartAsync(string appFolder, IReadOnlyDictionary<string, string> settings, CancellationToken cancellationToken)
    {
        var channel = new WorkerChannel();
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore();
        // gRPC over cleartext HTTP/2 on loopback, as the host listens for its workers.
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2));
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddRouting();
        builder.Services.AddGrpc(grpc => grpc.MaxReceiveMessageSize = null);
        builder.Services.AddSingleton(channel);
        var server = builder.Build();
        server.MapGrpcService<EventStreamService>();
        await server.StartAsync(cancellationToken);
        var address = server.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        var uri = new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal));

        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = appFolder,
        };
        foreach (var argument in new[]
                 {
                     Path.Combine(appFolder, "Alerts.Functions.dll"),
                     "--functions-uri", $"http://127.0.0.1:{uri.Port}/",
                     "--functions-worker-id", Guid.NewGuid().ToString(),
                     "--functions-request-id", Guid.NewGuid().ToString(),
                     "--functions-grpc-max-message-length", int.MaxValue.ToString(CultureInfo.InvariantCulture),
                 })
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["FUNCTIONS_WORKER_DIRECTORY"] = appFolder;
        start.Environment["FUNCTIONS_APPLICATION_DIRECTORY"] = appFolder;
        start.Environment["FUNCTIONS_WORKER_RUNTIME"] = "dotnet-isolated";
        foreach (var (key, value) in settings)
        {
            start.Environment[key] = value;
        }

        var startedAt = Stopwatch.GetTimestamp();
        var process = Process.Start(start) ?? throw new InvalidOperationException("tests: the worker did not start");
        var host = new WorkerHost(server, channel, process) { _started = startedAt };
        process.OutputDataReceived += (_, e) => host.Record(e.Data);
        process.ErrorDataReceived += (_, e) => host.Record(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await host.InitializeAsync(appFolder, cancellationToken);
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }

        return host;
    }

    private async Task InitializeAsync(string appFolder, CancellationToken cancellationToken)
    {
        var timeout = TimeSpan.FromSeconds(60);
        var exited = _worker.WaitForExitAsync(cancellationToken);
        var started = _channel.Started.WaitAsync(timeout, cancellationToken);
        if (await Task.WhenAny(started, exited) != started)
        {
            throw new InvalidOperationException($"tests: the worker exited ({_worker.ExitCode}) before it opened the stream: {Output}");
        }

        var streamOpened = Stopwatch.GetElapsedTime(_started);
        var init = await _channel.RequestAsync("init", new StreamingMessage
        {
            RequestId = Guid.NewGuid().ToString(),
            WorkerInitRequest = new WorkerInitRequest { HostVersion = "4.1040.0.0", WorkerDirectory = appFolder, FunctionAppDirectory = appFolder },
        }, timeout, cancellationToken);
        Succeeded(init.WorkerInitResponse.Result, "WorkerInitResponse");
        HttpUri = init.WorkerInitResponse.Capabilities.TryGetValue("HttpUri", out var httpUri) ? new Uri(httpUri) : null;

        var metadata = await _channel.RequestAsync("metadata", new StreamingMessage
        {
            RequestId = Guid.NewGuid().ToString(),
            FunctionsMetadataRequest = new FunctionsMetadataRequest { FunctionAppDirectory = appFolder },
        }, timeout, cancellationToken);
        Succeeded(metadata.FunctionMetadataResponse.Result, "FunctionMetadataResponse");

        var functions = new Dictionary<string, LoadedFunction>(StringComparer.Ordinal);
        foreach (var function in metadata.FunctionMetadataResponse.FunctionMetadataResults)
        {
            var id = string.IsNullOrEmpty(function.FunctionId) ? Guid.NewGuid().ToString() : function.FunctionId;
            var bindings = function.RawBindings.Select(raw => JsonNode.Parse(raw)!.AsObject()).ToList();
            // As the host does: the raw bindings become the load request's BindingInfo map.
            var load = function.Clone();
            load.FunctionId = id;
            load.Bindings.Clear();
            foreach (var binding in bindings)
            {
                load.Bindings[LoadedFunction.Text(binding, "name")] = new BindingInfo
                {
                    Type = LoadedFunction.Text(binding, "type"),
                    Direction = string.Equals(LoadedFunction.Text(binding, "direction"), "Out", StringComparison.OrdinalIgnoreCase)
                        ? BindingInfo.Types.Direction.Out
                        : BindingInfo.Types.Direction.In,
                };
            }

            var loaded = await _channel.RequestAsync("load:" + id, new StreamingMessage
            {
                RequestId = Guid.NewGuid().ToString(),
                FunctionLoadRequest = new FunctionLoadRequest { FunctionId = id, Metadata = load },
            }, timeout, cancellationToken);
            Succeeded(loaded.FunctionLoadResponse.Result, "FunctionLoadResponse " + function.Name);
            functions[function.Name] = new LoadedFunction(function.Name, id, bindings);
        }

        Functions = functions;
        StartTimes = (streamOpened, Stopwatch.GetElapsedTime(_started));
    }

    private void Succeeded(StatusResult result, string what)
    {
        if (result.Status != StatusResult.Types.Status.Success)
        {
            throw new InvalidOperationException($"tests: {what} failed: {result.Result} {result.Exception?.Message}\n{Output}");
        }
    }

    /// <summary>One InvocationRequest with the given input bindings and trigger metadata; the worker's InvocationResponse.</summary>
    public async Task<InvocationResponse> InvokeAsync(string function, IEnumerable<ParameterBinding> inputs, IReadOnlyDictionary<string, TypedData> triggerMetadata, CancellationToken cancellationToken)
    {
        var request = NewInvocation(function, inputs, triggerMetadata);
        return await SendInvocationAsync(request, cancellationToken);
    }

    private InvocationRequest NewInvocation(string function, IEnumerable<ParameterBinding> inputs, IReadOnlyDictionary<string, TypedData> triggerMetadata)
    {
        var loaded = Functions.TryGetValue(function, out var found) ? found : throw new InvalidOperationException($"tests: the worker has no function {function}");
        var request = new InvocationRequest
        {
            InvocationId = Guid.NewGuid().ToString(),
            FunctionId = loaded.Id,
            // Without a trace context the worker fails every invocation.
            TraceContext = new RpcTraceContext { TraceParent = $"00-{Guid.NewGuid():N}-{Guid.NewGuid().ToString("N")[..16]}-01" },
        };
        request.InputData.AddRange(inputs);
        foreach (var (key, value) in triggerMetadata)
        {
            request.TriggerMetadata[key] = value;
        }

        return request;
    }

    private async Task<InvocationResponse> SendInvocationAsync(InvocationRequest request, CancellationToken cancellationToken)
    {
        var response = await _channel.RequestAsync("invocation:" + request.InvocationId, new StreamingMessage
        {
            RequestId = Guid.NewGuid().ToString(),
            InvocationRequest = request,
        }, TimeSpan.FromSeconds(120), cancellationToken);
        FirstResponseAfter ??= Stopwatch.GetElapsedTime(_started);
        return response.InvocationResponse;
    }

    /// <summary>
    /// An HTTP request as the host handles it with the ASP.NET Core integration: an InvocationRequest whose
    /// trigger input is an empty RpcHttp, and the request itself proxied to the worker's HttpUri at the same
    /// path with <c>x-ms-invocation-id</c>; the response comes from that proxied call.
    /// </summary>
    public async Task<(HttpResponseMessage Response, InvocationResponse Invocation)> SendHttpAsync(string function, HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var httpUri = HttpUri ?? throw new InvalidOperationException("tests: the worker reported no HttpUri capability");
        await WaitForHttpAsync(httpUri, cancellationToken);
        var loaded = Functions[function];
        var invocation = NewInvocation(function, [new ParameterBinding { Name = loaded.TriggerName, Data = new TypedData { Http = new RpcHttp() } }], new Dictionary<string, TypedData>());
        var pending = SendInvocationAsync(invocation, cancellationToken);

        request.RequestUri = new Uri(httpUri, request.RequestUri!.PathAndQuery);
        request.Headers.Add("x-ms-invocation-id", invocation.InvocationId);
        var response = await _http.SendAsync(request, cancellationToken);
        await response.Content.LoadIntoBufferAsync(cancellationToken);
        return (response, await pending);
    }

    /// <summary>
    /// The worker opens its own Kestrel in a hosted service, which may still be starting right after the load
    /// requests; the proxied request waits until the port accepts connections (30 s at most).
    /// </summary>
    private async Task WaitForHttpAsync(Uri httpUri, CancellationToken cancellationToken)
    {
        if (_httpReady)
        {
            return;
        }

        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                using var probe = new System.Net.Sockets.TcpClient();
                await probe.ConnectAsync(httpUri.Host, httpUri.Port, cancellationToken);
                _httpReady = true;
                return;
            }
            catch (System.Net.Sockets.SocketException) when (deadline.Elapsed < TimeSpan.FromSeconds(30) && !_worker.HasExited)
            {
                await Task.Delay(50, cancellationToken);
            }
        }
    }

    private bool _httpReady;

    private void Record(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        // The worker does not exit when the stream closes: the host sends WorkerTerminate, then kills it after a grace period.
        await _channel.TryWriteAsync(new StreamingMessage { WorkerTerminate = new WorkerTerminate { GracePeriod = Google.Protobuf.WellKnownTypes.Duration.FromTimeSpan(TimeSpan.FromSeconds(5)) } });
        using (var grace = new CancellationTokenSource(TimeSpan.FromSeconds(5)))
        {
            try
            {
                await _worker.WaitForExitAsync(grace.Token);
            }
            catch (OperationCanceledException)
            {
                _worker.Kill(entireProcessTree: true);
                await _worker.WaitForExitAsync();
            }
        }

        _worker.Dispose();
        _http.Dispose();
        await _server.StopAsync();
        await _server.DisposeAsync();
        _channel.Dispose();
    }
}

/// <summary>The one event stream a worker opens: replies are matched to requests by kind and id; logs are kept.</summary>
internal sealed class WorkerChannel : IDisposable
{
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly ConcurrentDictionary<string, TaskCompletionSource<StreamingMessage>> _pending = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource<StartStream> _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private IServerStreamWriter<StreamingMessage>? _writer;

    public Task<StartStream> Started => _started.Task;

    public ConcurrentQueue<RpcLog> Logs { get; } = new();

    public async Task RunAsync(IAsyncStreamReader<StreamingMessage> reader, IServerStreamWriter<StreamingMessage> writer, CancellationToken cancellationToken)
    {
        _writer = writer;
        while (await reader.MoveNext(cancellationToken))
        {
            var message = reader.Current;
            switch (message.ContentCase)
            {
                case StreamingMessage.ContentOneofCase.StartStream:
                    _started.TrySetResult(message.StartStream);
                    break;
                case StreamingMessage.ContentOneofCase.WorkerInitResponse:
                    Complete("init", message);
                    break;
                case StreamingMessage.ContentOneofCase.FunctionMetadataResponse:
                    Complete("metadata", message);
                    break;
                case StreamingMessage.ContentOneofCase.FunctionLoadResponse:
                    Complete("load:" + message.FunctionLoadResponse.FunctionId, message);
                    break;
                case StreamingMessage.ContentOneofCase.InvocationResponse:
                    Complete("invocation:" + message.InvocationResponse.InvocationId, message);
                    break;
                case StreamingMessage.ContentOneofCase.RpcLog:
                    Logs.Enqueue(message.RpcLog);
                    break;
                default:
                    break;
            }
        }
    }

    public async Task<StreamingMessage> RequestAsync(string key, StreamingMessage message, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var reply = _pending.GetOrAdd(key, _ => new TaskCompletionSource<StreamingMessage>(TaskCreationOptions.RunContinuationsAsynchronously));
        await WriteAsync(message, cancellationToken);
        try
        {
            return await reply.Task.WaitAsync(timeout, cancellationToken);
        }
        finally
        {
            _pending.TryRemove(key, out _);
        }
    }

    public async Task TryWriteAsync(StreamingMessage message)
    {
        if (_writer is null)
        {
            return;
        }

        try
        {
            await WriteAsync(message, CancellationToken.None);
        }
        catch (InvalidOperationException)
        {
            // The stream is already closed: the worker went away first.
        }
    }

    private async Task WriteAsync(StreamingMessage message, CancellationToken cancellationToken)
    {
        var writer = _writer ?? throw new InvalidOperationException("tests: the worker has not opened its stream");
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            await writer.WriteAsync(message, cancellationToken);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    public void Dispose() => _writeLock.Dispose();

    private void Complete(string key, StreamingMessage message) =>
        _pending.GetOrAdd(key, _ => new TaskCompletionSource<StreamingMessage>(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult(message);
}

/// <summary>The gRPC service the worker connects to; the call lasts as long as the worker's stream.</summary>
internal sealed class EventStreamService(WorkerChannel channel) : FunctionRpc.FunctionRpcBase
{
    public override Task EventStream(IAsyncStreamReader<StreamingMessage> requestStream, IServerStreamWriter<StreamingMessage> responseStream, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return channel.RunAsync(requestStream, responseStream, context.CancellationToken);
    }
}
