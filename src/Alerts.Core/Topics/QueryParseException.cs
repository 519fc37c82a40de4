namespace Alerts.Core.Topics;

/// <summary>A query (or alias definition) that does not parse: where (1-based character position) and why.</summary>
public sealed class QueryParseException : FormatException
{
    public QueryParseException()
        : this(1, "the query is not valid")
    {
    }

    public QueryParseException(string message)
        : this(1, message)
    {
    }

    public QueryParseException(string message, Exception innerException)
        : base(message, innerException)
    {
        Position = 1;
        Reason = message;
    }

    public QueryParseException(int position, string reason)
        : base($"topics: query error at position {position}: {reason}")
    {
        Position = position;
        Reason = reason;
    }

    /// <summary>1-based character position in the query where the problem was found.</summary>
    public int Position { get; }

    /// <summary>The reason without the position, e.g. "expected ')' to close '(' opened at 3".</summary>
    public string Reason { get; }
}
