namespace Alerts.Functions.Functions;

/// <summary>
/// App settings the functions name as <c>%Setting%</c> in their trigger and output attributes. The
/// infrastructure (infra/main.bicep) and local.settings.json.example set each one; the consistency test reads
/// the built functions.metadata and holds the three together.
/// </summary>
public static class FunctionSettings
{
    /// <summary>NCRONTAB schedule (6 fields) of the <c>Schedule</c> timer; "0 */5 * * * *" by default.</summary>
    public const string AlertsSchedule = "AlertsSchedule";

    /// <summary>Name of the queue between <c>Schedule</c> and <c>PollFeed</c> ("feed-poll").</summary>
    public const string FeedPollQueue = "FeedPollQueue";

    /// <summary>Name of the queue between <c>PollFeed</c> and <c>ProcessArticle</c> ("articles").</summary>
    public const string ArticlesQueue = "ArticlesQueue";

    /// <summary>NCRONTAB schedule of the <c>ScheduleDigests</c> timer; "0 */5 * * * *" by default.</summary>
    public const string DigestSchedule = "DigestSchedule";

    /// <summary>Name of the queue between <c>ScheduleDigests</c> and <c>SendDigest</c> ("digests").</summary>
    public const string DigestsQueue = "DigestsQueue";

    /// <summary>The storage connection every trigger and output binding uses (identity-based in Azure).</summary>
    public const string StorageConnection = "AzureWebJobsStorage";
}
