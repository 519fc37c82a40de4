using System.Globalization;
using System.Net;
using System.Text.Json;
using Alerts.Azure;
using Alerts.Functions.Functions;
using Alerts.Functions.Invocations;
using Alerts.Functions.Web;
using Alerts.Pipeline.Messages;
using Alerts.Web;
using Microsoft.Extensions.Options;

namespace Alerts.Functions;

public static partial class FunctionsHostingExtensions
{
    /// <summary>Port used when the handler runs without the Functions host (FUNCTIONS_CUSTOMHANDLER_PORT unset).</summary>
    public const int LocalPort = 7071;

    /// <summary>Endpoint name of <c>GET /</c>, the host's readiness probe (the one route that is not a function).</summary>
    public const string HostProbeName = "functions-host-probe";

    /// <summary>
    /// The custom handler's process: Kestrel on 127.0.0.1 and the port the host passes in
    /// FUNCTIONS_CUSTOMHANDLER_PORT (0 picks a free port, for tests), the store, the web layer (pages and API,
    /// which the HTTP functions replay requests through) and one class per function.
    /// </summary>
    public static WebApplicationBuilder AddAlertsFunctionsHost(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.WebHost.ConfigureKestrel((context, kestrel) => kestrel.Listen(IPAddress.Loopback, HandlerPort(context.Configuration)));
        // The host forwards the handler's console to Application Insights: per-request framework lines would
        // only add cost. The reply's Logs and the pipeline's own log lines say what each invocation did.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddSimpleConsole(console =>
        {
            // One line per entry: the host turns each console line into one trace.
            console.SingleLine = true;
            console.ColorBehavior = Microsoft.Extensions.Logging.Console.LoggerColorBehavior.Disabled;
        });
        builder.AddAlertsStore();
        builder.Services.AddTransient<ScheduleFunction>();
        builder.Services.AddTransient<PollFeedFunction>();
        builder.Services.AddTransient<ProcessArticleFunction>();
        builder.Services.AddTransient<DigestScheduleFunction>();
        builder.Services.AddTransient<SendDigestFunction>();
        builder.AddAlertsWeb();
        builder.Services.AddSingleton<WebReplay>();
        builder.Services.AddTransient<ApiFunction>();
        builder.Services.AddTransient<AdminFunction>();
        builder.Services.AddTransient<PagesFunction>();
        builder.Services.AddTransient<ManagePagesFunction>();
        return builder;
    }

    /// <summary>
    /// The one place the store is chosen: Azure Storage (tables and queues) on the account the host's own
    /// <c>AzureWebJobsStorage</c> settings name (a connection string locally, the managed identity in Azure).
    /// </summary>
    public static IHostApplicationBuilder AddAlertsStore(this IHostApplicationBuilder builder) => builder.AddAzureStorage();

    /// <summary><c>GET /</c> (the host's readiness probe) and one <c>POST /&lt;FunctionName&gt;</c> per function.</summary>
    public static WebApplication MapAlertsFunctions(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGet("/", () => Results.Text("alerts functions handler", "text/plain")).WithName(HostProbeName);
        // Built now, not on the first HTTP invocation: a web layer that cannot start fails the handler at start-up.
        app.Services.GetRequiredService<WebReplay>();
        app.MapFunction<ScheduleFunction>();
        app.MapFunction<PollFeedFunction>();
        app.MapFunction<ProcessArticleFunction>();
        app.MapFunction<DigestScheduleFunction>();
        app.MapFunction<SendDigestFunction>();
        app.MapFunction<ApiFunction>();
        app.MapFunction<AdminFunction>();
        app.MapFunction<PagesFunction>();
        app.MapFunction<ManagePagesFunction>();
        return app;
    }

    private static void MapFunction<TFunction>(this WebApplication app)
        where TFunction : class, IAlertsFunction
    {
        var definition = TFunction.Definition;
        app.MapPost("/" + definition.Name, (HttpContext context, TFunction function, ILoggerFactory loggers) =>
                InvokeAsync(context, function, definition, loggers.CreateLogger("Alerts.Functions." + definition.Name)))
            .WithMetadata(definition);
    }

    /// <summary>
    /// Runs one invocation. Any failure answers 500 with the reason in Logs: the host then fails the
    /// invocation, a queue message becomes visible again, and after maxDequeueCount (host.json) it moves to
    /// &lt;queue&gt;-poison. A message that can never succeed (not the expected JSON) takes the same path:
    /// the poison queue is where it can be inspected.
    /// </summary>
    private static async Task<IResult> InvokeAsync(HttpContext context, IAlertsFunction function, FunctionDefinition definition, ILogger logger)
    {
        var cancellationToken = context.RequestAborted;
        try
        {
            using var body = await ReadBodyAsync(context.Request, cancellationToken);
            var reply = await function.InvokeAsync(body.RootElement, cancellationToken);
            return reply.ToResult();
        }
        catch (Exception ex) when (ex is InvocationFormatException or InvalidMessageException)
        {
            LogUndecodable(logger, definition.Name, ex.Message);
            return new InvocationReply()
                .Log(string.Create(CultureInfo.InvariantCulture,
                    $"functions: {definition.Name} cannot decode this invocation and never will: {ex.Message}. The host retries it and then moves it to the poison queue."))
                .ToResult(StatusCodes.Status500InternalServerError);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogFailed(logger, ex, definition.Name);
            return new InvocationReply()
                .Log(string.Create(CultureInfo.InvariantCulture, $"functions: {definition.Name} failed: {ex.GetType().Name}: {ex.Message}"))
                .ToResult(StatusCodes.Status500InternalServerError);
        }
    }

    private static async Task<JsonDocument> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        try
        {
            return await JsonDocument.ParseAsync(request.Body, cancellationToken: cancellationToken);
        }
        catch (JsonException ex)
        {
            throw new InvocationFormatException($"functions: invocation body is not JSON: {ex.Message}", ex);
        }
    }

    private static int HandlerPort(IConfiguration configuration)
    {
        var value = configuration[FunctionSettings.HandlerPort];
        if (string.IsNullOrWhiteSpace(value))
        {
            return LocalPort;
        }

        return int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port <= IPEndPoint.MaxPort
            ? port
            : throw new OptionsValidationException(FunctionSettings.HandlerPort, typeof(int), [$"functions: {FunctionSettings.HandlerPort} must be a port number, got '{value}'"]);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "functions: {Function} cannot decode its invocation: {Reason}")]
    private static partial void LogUndecodable(ILogger logger, string function, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "functions: {Function} failed")]
    private static partial void LogFailed(ILogger logger, Exception exception, string function);
}
