using System.Text.Json;
using Alerts.Functions.Invocations;
using Alerts.Pipeline.Articles;
using Alerts.Pipeline.Messages;

namespace Alerts.Functions.Functions;

/// <summary>Queue trigger (%ArticlesQueue%): completes, fingerprints and matches one stored article.</summary>
public sealed class ProcessArticleFunction(ProcessArticle process) : IAlertsFunction
{
    public static FunctionDefinition Definition { get; } = new("ProcessArticle", "queueTrigger", "message", []);

    public async Task<InvocationReply> InvokeAsync(JsonElement invocation, CancellationToken cancellationToken)
    {
        var trigger = HostInvocation.ReadQueue(invocation, Definition.TriggerBinding);
        var message = PipelineMessage.Deserialize(trigger.MessageText, PipelineJsonContext.Default.ProcessArticleMessage);
        var result = await process.RunAsync(message, trigger.DequeueCount, cancellationToken);
        var line = !result.Found
            ? $"processarticle: article {result.ArticleId} not found (already removed); nothing to do"
            : $"processarticle: article {result.ArticleId}: {result.Matches.Count} topic matches, {result.Events.Count} events{(result.CopyOf is { } copy ? $", copy of {copy}" : "")}";
        return new InvocationReply().Log(line);
    }
}
