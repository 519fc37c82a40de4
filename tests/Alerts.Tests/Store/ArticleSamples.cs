using Alerts.Core.Articles;

namespace Alerts.Tests.Store;

internal static class ArticleSamples
{
    public static readonly DateTimeOffset FetchedAt = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    public static Article Make(long? feedId, string? itemId, string? url, ulong fingerprint = 0) => new()
    {
        FeedId = feedId,
        FeedItemId = itemId,
        Url = url,
        Title = "Harbour reopens after storm",
        Outlet = "Example Gazette",
        Published = FetchedAt.AddHours(-1),
        Language = "en",
        Text = "The harbour reopened on Tuesday, the port authority said.",
        Fingerprint = fingerprint,
        HasFullText = false,
        FetchedAt = FetchedAt,
    };
}
