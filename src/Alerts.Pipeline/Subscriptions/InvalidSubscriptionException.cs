namespace Alerts.Pipeline.Subscriptions;

/// <summary>
/// A subscription request or preference change the use case refused. <see cref="Field"/> names the request
/// field at fault (<c>email</c>, <c>topics</c>, <c>frequency</c>, <c>dayOfWeek</c>, <c>hour</c>, <c>timeZone</c>),
/// so the API and the pages can show the message next to it; the CLI prints the message as it is.
/// </summary>
public sealed class InvalidSubscriptionException : ArgumentException
{
    public InvalidSubscriptionException()
    {
        Field = "";
    }

    public InvalidSubscriptionException(string message)
        : base(message)
    {
        Field = "";
    }

    public InvalidSubscriptionException(string message, Exception innerException)
        : base(message, innerException)
    {
        Field = "";
    }

    public InvalidSubscriptionException(string field, string message)
        : base(message)
    {
        Field = field;
    }

    public string Field { get; }
}
