namespace Alerts.Core.Feeds;

/// <summary>The input is not a feed, is hostile, or is too broken to recover. The message starts with "feeds: ".</summary>
public sealed class FeedParseException : Exception
{
    public FeedParseException()
        : base("feeds: unreadable feed")
    {
    }

    public FeedParseException(string message)
        : base(message.StartsWith("feeds: ", StringComparison.Ordinal) ? message : "feeds: " + message)
    {
    }

    public FeedParseException(string message, Exception innerException)
        : base(message.StartsWith("feeds: ", StringComparison.Ordinal) ? message : "feeds: " + message, innerException)
    {
    }
}
