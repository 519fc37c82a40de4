using System.Globalization;
using System.Text.Json;
using Alerts.Functions.Invocations;
using Alerts.Pipeline.Feeds;
using Alerts.Pipeline.Messages;

namespace Alerts.Functions.Functions;

/// <summary>Timer (%AlertsSchedule%): queues one <see cref="PollFeedMessage"/> per due feed on the feed-poll queue.</summary>
public sealed class ScheduleFunction(ScheduleFeedPolls schedule) : IAlertsFunction
{
    public static FunctionDefinition Definition { get; } = new("Schedule", "timerTrigger", "timer", ["feedPoll"]);

    public async Task<InvocationReply> InvokeAsync(JsonElement invocation, CancellationToken cancellationToken)
    {
        var timer = HostInvocation.ReadTimer(invocation, Definition.TriggerBinding);
        var messages = await schedule.RunAsync(cancellationToken);
        return new InvocationReply()
            .Log(string.Create(CultureInfo.InvariantCulture, $"schedule: {messages.Count} feeds due{(timer.IsPastDue ? " (timer past due)" : "")}"))
            .QueueOutput("feedPoll", messages.Select(PipelineMessage.Serialize));
    }
}
