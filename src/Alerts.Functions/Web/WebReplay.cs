using System.Text;
using Alerts.Web;
using Microsoft.AspNetCore.Http.Features;

namespace Alerts.Functions.Web;

/// <summary>What the web pipeline answered to one replayed request.</summary>
public sealed record WebResponse(int StatusCode, IReadOnlyList<KeyValuePair<string, string[]>> Headers, string Body);

/// <summary>
/// The one adapter between the Functions host's HTTP envelope and the web layer (Alerts.Web): at start-up it
/// builds an in-process ASP.NET Core pipeline from <c>UseAlertsWeb()</c>, routing and <c>MapAlertsWeb()</c>
/// (the same three calls <c>alerts serve</c> makes), and replays each envelope through it as a
/// <see cref="DefaultHttpContext"/> whose response body is a memory stream. So every page and API route
/// behaves the same under both hosts, and the handler's own routes (one per function) stay separate.
/// </summary>
public sealed class WebReplay
{
    /// <summary>
    /// Headers about the bytes on this side's wire, not the response: the host writes the body again (as text) and
    /// frames it itself, so a Content-Length computed here could disagree with what it sends.
    /// </summary>
    private static readonly HashSet<string> FramingHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "Content-Length", "Transfer-Encoding", "Connection", "Keep-Alive",
    };

    private readonly RequestDelegate _pipeline;
    private readonly IServiceScopeFactory _scopes;

    public WebReplay(IServiceProvider services)
        : this(services, endpoints => endpoints.MapAlertsWeb())
    {
    }

    /// <summary>A pipeline with other endpoints than the web layer's (tests add probes beside <c>MapAlertsWeb()</c>).</summary>
    public WebReplay(IServiceProvider services, Action<IEndpointRouteBuilder> mapEndpoints)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(mapEndpoints);
        _scopes = services.GetRequiredService<IServiceScopeFactory>();
        var app = new ApplicationBuilder(services);
        app.UseAlertsWeb();
        app.UseRouting();
        app.UseEndpoints(mapEndpoints);
        // No endpoint matched: ApplicationBuilder's terminal answers 404.
        _pipeline = app.Build();
    }

    /// <summary>
    /// Runs one request. <paramref name="verifiedByHost"/> is true only for the Admin function, whose
    /// <c>authLevel: function</c> made the host check the function key before the request got here.
    /// </summary>
    public async Task<WebResponse> ReplayAsync(HttpEnvelope envelope, bool verifiedByHost, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        await using var scope = _scopes.CreateAsyncScope();
        var responseFeature = new ReplayResponseFeature();
        using var responseBody = new MemoryStream();
        var features = new FeatureCollection();
        features.Set<IHttpRequestFeature>(new HttpRequestFeature());
        features.Set<IHttpResponseFeature>(responseFeature);
        features.Set<IHttpResponseBodyFeature>(new StreamResponseBodyFeature(responseBody));
        features.Set<IHttpRequestLifetimeFeature>(new HttpRequestLifetimeFeature { RequestAborted = cancellationToken });
        var context = new DefaultHttpContext(features) { RequestServices = scope.ServiceProvider };

        var request = context.Request;
        foreach (var (name, values) in envelope.Headers)
        {
            request.Headers.Append(name, values);
        }

        // The URL the host received is what the request was; set after the headers, it replaces their Host.
        request.Method = envelope.Method;
        request.Scheme = envelope.Url.Scheme;
        request.Host = HostString.FromUriComponent(envelope.Url.Authority);
        request.Path = PathString.FromUriComponent(envelope.Url);
        request.QueryString = QueryString.FromUriComponent(envelope.Url);

        var body = Encoding.UTF8.GetBytes(envelope.Body);
        request.Body = new MemoryStream(body, writable: false);
        // The host may drop or keep Content-Length; the replayed body is what decides it.
        request.ContentLength = body.Length == 0 && !HttpMethods.IsPost(envelope.Method) && !HttpMethods.IsPut(envelope.Method) ? null : body.Length;
        context.Connection.RemoteIpAddress = envelope.ClientAddress();
        if (verifiedByHost)
        {
            AdminAccess.MarkVerifiedByHost(context);
        }

        await _pipeline(context);
        await responseFeature.StartAsync();

        var headers = context.Response.Headers
            .Where(h => !FramingHeaders.Contains(h.Key))
            .Select(h => new KeyValuePair<string, string[]>(h.Key, h.Value.Where(v => v is not null).Select(v => v!).ToArray()))
            .ToList();
        return new WebResponse(context.Response.StatusCode, headers, Encoding.UTF8.GetString(responseBody.GetBuffer(), 0, (int)responseBody.Length));
    }

    /// <summary>
    /// A response feature that keeps OnStarting callbacks and runs them once the pipeline is done, as a server
    /// does before sending headers (middleware that sets cookies or headers there still gets to).
    /// </summary>
    private sealed class ReplayResponseFeature : HttpResponseFeature
    {
        private readonly Stack<(Func<object, Task> Callback, object State)> _starting = new();
        private bool _started;

        public override bool HasStarted => _started;

        public override void OnStarting(Func<object, Task> callback, object state) => _starting.Push((callback, state));

        public override void OnCompleted(Func<object, Task> callback, object state)
        {
            // Nothing runs after the reply is built; no component of the web layer needs it.
        }

        public async Task StartAsync()
        {
            if (_started)
            {
                return;
            }

            _started = true;
            while (_starting.TryPop(out var entry))
            {
                await entry.Callback(entry.State);
            }
        }
    }
}
