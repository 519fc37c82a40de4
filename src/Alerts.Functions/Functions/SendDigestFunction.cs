using System.Text.Json;
using Alerts.Functions.Invocations;
using Alerts.Pipeline.Digests;
using Alerts.Pipeline.Messages;

namespace Alerts.Functions.Functions;

/// <summary>
/// Queue trigger (%DigestsQueue%): sends one (subscription, window) digest. A redelivered message sends
/// nothing twice (<see cref="SendDigest"/> keys the send by the digest id); a provider that refuses the digest
/// for good marks it failed and the invocation still succeeds, since retrying cannot help.
/// </summary>
public sealed class SendDigestFunction(SendDigest send) : IAlertsFunction
{
    public static FunctionDefinition Definition { get; } = new("SendDigest", "queueTrigger", "message", []);

    public async Task<InvocationReply> InvokeAsync(JsonElement invocation, CancellationToken cancellationToken)
    {
        var trigger = HostInvocation.ReadQueue(invocation, Definition.TriggerBinding);
        var message = PipelineMessage.Deserialize(trigger.MessageText, DigestJsonContext.Default.SendDigestMessage);
        var result = await send.RunAsync(message, cancellationToken);
        return new InvocationReply()
            .Log($"senddigest: {result.DigestId}: {result.Outcome}{(result.Reason is null ? "" : ": " + result.Reason)}");
    }
}
