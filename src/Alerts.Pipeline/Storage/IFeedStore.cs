namespace Alerts.Pipeline.Storage;

/// <summary>Feeds and their polling state. Implemented by the SQLite store and the Azure Table store.</summary>
public interface IFeedStore
{
    /// <summary>Adds a feed, or returns the existing one with the same URL (un-parking it).</summary>
    Task<FeedRecord> AddFeedAsync(string url, string? title, DateTimeOffset nextCheckAt, CancellationToken cancellationToken);

    Task<FeedRecord?> GetFeedAsync(long id, CancellationToken cancellationToken);

    Task<IReadOnlyList<FeedRecord>> ListFeedsAsync(CancellationToken cancellationToken);

    /// <summary>Feeds not parked whose next check time is at or before <paramref name="now"/>, oldest first.</summary>
    Task<IReadOnlyList<FeedRecord>> ListDueFeedsAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken);

    /// <summary>Writes every mutable field of the feed (matched by id).</summary>
    Task UpdateFeedAsync(FeedRecord feed, CancellationToken cancellationToken);

    /// <summary>
    /// Sets the feed's group (null clears it), and nothing else: <see cref="UpdateFeedAsync"/> from a poll in
    /// flight does not write the group back. False when there is no such feed.
    /// </summary>
    Task<bool> SetFeedGroupAsync(long id, string? group, CancellationToken cancellationToken);

    /// <summary>Removes the feed by URL; its articles stay. False when there was no such feed.</summary>
    Task<bool> RemoveFeedAsync(string url, CancellationToken cancellationToken);
}
