using System.Globalization;
using System.Text.Json;
using Alerts.Functions.Invocations;
using Alerts.Functions.Web;

namespace Alerts.Functions.Functions;

/// <summary>
/// The three HTTP functions. Each replays its request through the same web pipeline (<see cref="WebReplay"/>);
/// they differ only in the routes the host gives them (functions/&lt;Name&gt;/function.json) and in whether
/// the host checked a function key first (Admin).
/// </summary>
internal static class HttpFunction
{
    public const string TriggerType = "httpTrigger";
    public const string RequestBinding = "req";
    public const string ResponseBinding = "res";

    public static FunctionDefinition Define(string name) => new(name, TriggerType, RequestBinding, [ResponseBinding]);

    public static async Task<InvocationReply> ReplayAsync(WebReplay web, FunctionDefinition definition, JsonElement invocation, bool verifiedByHost, CancellationToken cancellationToken)
    {
        var envelope = HttpEnvelope.Read(invocation, definition.TriggerBinding);
        var response = await web.ReplayAsync(envelope, verifiedByHost, cancellationToken);
        return new InvocationReply()
            .Log(string.Create(CultureInfo.InvariantCulture, $"{definition.Name.ToLowerInvariant()}: {envelope.Method} {envelope.Url.AbsolutePath} → {response.StatusCode}"))
            .HttpOutput(ResponseBinding, response.StatusCode, response.Headers, response.Body);
    }
}

/// <summary>HTTP, anonymous, route <c>api/v1/{*path}</c>: the public JSON API.</summary>
public sealed class ApiFunction(WebReplay web) : IAlertsFunction
{
    public static FunctionDefinition Definition { get; } = HttpFunction.Define("Api");

    public Task<InvocationReply> InvokeAsync(JsonElement invocation, CancellationToken cancellationToken) =>
        HttpFunction.ReplayAsync(web, Definition, invocation, verifiedByHost: false, cancellationToken);
}

/// <summary>
/// HTTP, <c>authLevel: function</c>, route <c>api/v1/admin/{*path}</c>: the admin API. The host rejects a
/// request without a valid function key before it reaches the handler, so what arrives here is marked verified.
/// </summary>
public sealed class AdminFunction(WebReplay web) : IAlertsFunction
{
    public static FunctionDefinition Definition { get; } = HttpFunction.Define("Admin");

    public Task<InvocationReply> InvokeAsync(JsonElement invocation, CancellationToken cancellationToken) =>
        HttpFunction.ReplayAsync(web, Definition, invocation, verifiedByHost: true, cancellationToken);
}

/// <summary>HTTP, anonymous, route <c>{page?}</c>: the site's single-segment pages and assets at the root.</summary>
public sealed class PagesFunction(WebReplay web) : IAlertsFunction
{
    public static FunctionDefinition Definition { get; } = HttpFunction.Define("Pages");

    public Task<InvocationReply> InvokeAsync(JsonElement invocation, CancellationToken cancellationToken) =>
        HttpFunction.ReplayAsync(web, Definition, invocation, verifiedByHost: false, cancellationToken);
}

/// <summary>
/// HTTP, anonymous, route <c>manage/{action}</c>: the manage page's two-segment form posts (<c>/manage/pause</c>,
/// <c>/manage/resume</c>), which the one-segment <c>Pages</c> route cannot take.
/// </summary>
public sealed class ManagePagesFunction(WebReplay web) : IAlertsFunction
{
    public static FunctionDefinition Definition { get; } = HttpFunction.Define("ManagePages");

    public Task<InvocationReply> InvokeAsync(JsonElement invocation, CancellationToken cancellationToken) =>
        HttpFunction.ReplayAsync(web, Definition, invocation, verifiedByHost: false, cancellationToken);
}
