using System.Text.Json;
using Alerts.Functions.Invocations;

namespace Alerts.Functions.Functions;

/// <summary>
/// What the host knows about one function, as its <c>functions/&lt;Name&gt;/function.json</c> declares it:
/// the route is <c>/&lt;Name&gt;</c>, the trigger binding's name is the key under <c>Data</c>, and
/// <see cref="Outputs"/> are the output bindings the handler fills. Attached to the route as endpoint
/// metadata, so the consistency test reads it from the running app's endpoints.
/// </summary>
public sealed record FunctionDefinition(string Name, string TriggerType, string TriggerBinding, IReadOnlyList<string> Outputs);

/// <summary>One function of the app: a folder under functions/ plus a class implementing this.</summary>
public interface IAlertsFunction
{
    static abstract FunctionDefinition Definition { get; }

    /// <summary>Handles one invocation; throws to fail it (the host then retries a queue message).</summary>
    Task<InvocationReply> InvokeAsync(JsonElement invocation, CancellationToken cancellationToken);
}
