using System.Text.Json;
using System.Text.Json.Serialization;

namespace Alerts.Web.Api;

// Requests. Every field is optional at the JSON level so that a missing or mistyped field comes back as a
// per-field validation error rather than a deserialisation failure; enums travel as strings for the same reason.

/// <summary>Body of <c>POST /api/v1/subscriptions</c>.</summary>
public sealed record SubscribeBody(
    string? Email,
    IReadOnlyList<string?>? Topics,
    string? Frequency,
    int? Hour,
    string? DayOfWeek,
    string? TimeZone);

/// <summary>Body of <c>PUT /api/v1/subscription</c>: the whole set of preferences.</summary>
public sealed record PreferencesBody(
    IReadOnlyList<string?>? Topics,
    string? Frequency,
    int? Hour,
    string? DayOfWeek,
    string? TimeZone);

/// <summary>Body of <c>POST /api/v1/subscriptions/confirm</c>.</summary>
public sealed record ConfirmBody(string? Token);

/// <summary>Body of <c>POST /api/v1/admin/topics</c>.</summary>
public sealed record TopicBody(
    string? Id,
    string? Name,
    string? Query,
    string? Description,
    IReadOnlyList<string>? Languages,
    IReadOnlyList<long>? FeedIds,
    bool? Public = null);

/// <summary>Body of <c>POST /api/v1/admin/feeds</c>; <see cref="Discover"/> false adds the URL as given, without fetching it.</summary>
public sealed record FeedBody(string? Url, string? Title, string? Group = null, bool? Discover = null);

// Replies.

public sealed record HealthReply(string Status);

public sealed record TopicReply(string Id, string Name, string? Description);

/// <summary>The same reply whatever became of the address (new, pending or already subscribed).</summary>
public sealed record SubscribeReply(string Status, string Message);

public sealed record SubscriptionTopicReply(string Id, string Name);

/// <summary>A subscription as its manage-token holder sees it.</summary>
public sealed record SubscriptionReply(
    string Email,
    string State,
    IReadOnlyList<SubscriptionTopicReply> Topics,
    string Frequency,
    int Hour,
    string DayOfWeek,
    string TimeZone);

/// <summary>A manage operation's reply: the subscription, and a fresh manage token and link.</summary>
public sealed record ManageReply(SubscriptionReply Subscription, string ManageToken, string ManageUrl);

public sealed record UnsubscribeReply(string Status);

public sealed record AdminTopicReply(
    string Id,
    string Name,
    string Query,
    string? Description,
    IReadOnlyList<string> Languages,
    IReadOnlyList<long> FeedIds,
    bool Public);

public sealed record AdminFeedReply(
    long Id,
    string Url,
    string? Title,
    DateTimeOffset NextCheckAt,
    DateTimeOffset? LastCheckedAt,
    int ConsecutiveErrors,
    string? LastError,
    bool Parked,
    string? ParkedReason,
    string? Group = null);

/// <summary>A feed discovery found: the feed's URL, its format (rss20, atom10, json11 ...) and title.</summary>
public sealed record FeedCandidateReply(string Url, string Format, string? Title);

/// <summary>The 300 answer of <c>POST /api/v1/admin/feeds</c> when the site has several feeds: nothing was added.</summary>
public sealed record FeedCandidatesReply(string Detail, IReadOnlyList<FeedCandidateReply> Candidates);

public sealed record OpmlSkippedReply(string Url, string Reason);

/// <summary>The answer of <c>POST /api/v1/admin/feeds/import</c>.</summary>
public sealed record OpmlImportReply(
    IReadOnlyList<AdminFeedReply> Added,
    IReadOnlyList<OpmlSkippedReply> Duplicates,
    IReadOnlyList<OpmlSkippedReply> Refused,
    IReadOnlyList<string> Warnings);

/// <summary>An RFC 9457 problem: <see cref="Errors"/> maps a request field to what is wrong with it.</summary>
public sealed record ApiProblem(
    string Type,
    string Title,
    int Status,
    string? Detail,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyDictionary<string, string[]>? Errors = null);

/// <summary>
/// Source-generated serialisation for everything the API reads and writes: camelCase, unknown request
/// properties refused (a misspelt field is an error, not silently ignored), numbers only as JSON numbers
/// (the Web defaults would also read <c>"7"</c>; docs/api.md promises a 400 for a value of the wrong type).
/// </summary>
[JsonSourceGenerationOptions(
    JsonSerializerDefaults.Web,
    NumberHandling = JsonNumberHandling.Strict,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    AllowDuplicateProperties = false,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    MaxDepth = 16)]
[JsonSerializable(typeof(SubscribeBody))]
[JsonSerializable(typeof(PreferencesBody))]
[JsonSerializable(typeof(ConfirmBody))]
[JsonSerializable(typeof(TopicBody))]
[JsonSerializable(typeof(FeedBody))]
[JsonSerializable(typeof(HealthReply))]
[JsonSerializable(typeof(IReadOnlyList<TopicReply>))]
[JsonSerializable(typeof(SubscribeReply))]
[JsonSerializable(typeof(ManageReply))]
[JsonSerializable(typeof(SubscriptionReply))]
[JsonSerializable(typeof(UnsubscribeReply))]
[JsonSerializable(typeof(AdminTopicReply))]
[JsonSerializable(typeof(IReadOnlyList<AdminTopicReply>))]
[JsonSerializable(typeof(AdminFeedReply))]
[JsonSerializable(typeof(IReadOnlyList<AdminFeedReply>))]
[JsonSerializable(typeof(ApiProblem))]
[JsonSerializable(typeof(FeedCandidatesReply))]
[JsonSerializable(typeof(OpmlImportReply))]
[JsonSerializable(typeof(ChannelBody))]
[JsonSerializable(typeof(ChannelReply))]
[JsonSerializable(typeof(ChannelChangeReply))]
internal sealed partial class ApiJsonContext : JsonSerializerContext;
