namespace Alerts.Functions.Functions;

/// <summary>
/// App settings the function.json files name as <c>%Setting%</c>. The infrastructure (infra/main.bicep) and
/// local.settings.json.example set each one; the consistency test holds the three together.
/// </summary>
public static class FunctionSettings
{
    /// <summary>NCRONTAB schedule (6 fields) of the <c>Schedule</c> timer; "0 */5 * * * *" by default.</summary>
    public const string AlertsSchedule = "AlertsSchedule";

    /// <summary>Name of the queue between <c>Schedule</c> and <c>PollFeed</c> ("feed-poll").</summary>
    public const string FeedPollQueue = "FeedPollQueue";

    /// <summary>Name of the queue between <c>PollFeed</c> and <c>ProcessArticle</c> ("articles").</summary>
    public const string ArticlesQueue = "ArticlesQueue";

    /// <summary>NCRONTAB schedule of the <c>DigestSchedule</c> timer; "0 */5 * * * *" by default.</summary>
    public const string DigestSchedule = "DigestSchedule";

    /// <summary>Name of the queue between <c>DigestSchedule</c> and <c>SendDigest</c> ("digests").</summary>
    public const string DigestsQueue = "DigestsQueue";

    /// <summary>The storage connection every trigger and output binding uses (identity-based in Azure).</summary>
    public const string StorageConnection = "AzureWebJobsStorage";

    /// <summary>The port the host passes to the handler.</summary>
    public const string HandlerPort = "FUNCTIONS_CUSTOMHANDLER_PORT";

    public static IReadOnlyList<string> BindingExpressions { get; } = [AlertsSchedule, FeedPollQueue, ArticlesQueue, DigestSchedule, DigestsQueue];
}
