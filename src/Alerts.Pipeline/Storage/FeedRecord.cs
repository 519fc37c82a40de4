namespace Alerts.Pipeline.Storage;

/// <summary>A subscribed feed and its polling state, as the store keeps it.</summary>
public sealed record FeedRecord
{
    public long Id { get; init; }
    /// <summary>http(s) URL, or a file: URL for feeds listed in the CLI's own configuration.</summary>
    public required string Url { get; init; }
    public string? Title { get; init; }
    /// <summary>The operator's folder for the feed ("Tech / Linux"), from an OPML import or <c>feeds add --group</c>; null for none.</summary>
    public string? Group { get; init; }
    /// <summary>Validators stored exactly as the server sent them, for conditional GET.</summary>
    public string? ETag { get; init; }
    public string? LastModified { get; init; }
    public DateTimeOffset NextCheckAt { get; init; }
    public DateTimeOffset? LastCheckedAt { get; init; }
    public int ConsecutiveErrors { get; init; }
    public int ConsecutiveParseFailures { get; init; }
    public string? LastError { get; init; }
    /// <summary>A parked feed is not polled until an operator re-adds it; <see cref="ParkedReason"/> says why.</summary>
    public bool Parked { get; init; }
    public string? ParkedReason { get; init; }
}
