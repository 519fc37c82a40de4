using System.Globalization;
using System.Text.Json;
using Alerts.Functions.Invocations;
using Alerts.Pipeline.Feeds;
using Alerts.Pipeline.Messages;

namespace Alerts.Functions.Functions;

/// <summary>Queue trigger (%FeedPollQueue%): polls one feed and queues its new articles on the articles queue.</summary>
public sealed class PollFeedFunction(PollFeed poll) : IAlertsFunction
{
    public static FunctionDefinition Definition { get; } = new("PollFeed", "queueTrigger", "message", ["articles"]);

    public async Task<InvocationReply> InvokeAsync(JsonElement invocation, CancellationToken cancellationToken)
    {
        var trigger = HostInvocation.ReadQueue(invocation, Definition.TriggerBinding);
        var message = PipelineMessage.Deserialize(trigger.MessageText, PipelineJsonContext.Default.PollFeedMessage);
        var result = await poll.RunAsync(message, trigger.DequeueCount, cancellationToken);
        return new InvocationReply()
            .Log(string.Create(CultureInfo.InvariantCulture,
                $"pollfeed: feed {result.FeedId}{(result.Url.Length == 0 ? "" : " " + result.Url)}: {result.Outcome}, {result.NewArticles} new, {result.Articles.Count} queued{(result.Error is null ? "" : ": " + result.Error)}"))
            .QueueOutput("articles", result.Articles.Select(PipelineMessage.Serialize));
    }
}
