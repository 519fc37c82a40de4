using System.Globalization;
using System.Text.Json;
using Alerts.Functions.Invocations;
using Alerts.Pipeline.Digests;

namespace Alerts.Functions.Functions;

/// <summary>Timer (%DigestSchedule%): queues one <see cref="SendDigestMessage"/> per due digest on the digests queue.</summary>
public sealed class DigestScheduleFunction(DigestSchedule schedule) : IAlertsFunction
{
    public static FunctionDefinition Definition { get; } = new("DigestSchedule", "timerTrigger", "timer", ["digests"]);

    public async Task<InvocationReply> InvokeAsync(JsonElement invocation, CancellationToken cancellationToken)
    {
        var timer = HostInvocation.ReadTimer(invocation, Definition.TriggerBinding);
        var messages = await schedule.RunAsync(cancellationToken);
        return new InvocationReply()
            .Log(string.Create(CultureInfo.InvariantCulture, $"digestschedule: {messages.Count} digests due{(timer.IsPastDue ? " (timer past due)" : "")}"))
            .QueueOutput("digests", messages.Select(m => m.Serialize()));
    }
}
