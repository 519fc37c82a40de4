namespace Alerts.Core.Topics;

/// <summary>A query parsed once: the source text and its clause tree.</summary>
public sealed record CompiledQuery(string Source, QueryNode Root)
{
    public override string ToString() => Root.ToString();
}

/// <summary>Parses queries of the language described in docs/query-language.md.</summary>
public static class QueryCompiler
{
    public const int MaxQueryLength = QueryParser.MaxLength;
    public const int MaxNesting = QueryParser.MaxDepth;

    /// <summary>Compiles <paramref name="query"/>; <c>@name</c> refers to <paramref name="aliases"/>. Throws <see cref="QueryParseException"/> with the position and reason.</summary>
    public static CompiledQuery Compile(string query, AliasTable? aliases = null)
    {
        ArgumentNullException.ThrowIfNull(query);
        return new CompiledQuery(query, QueryParser.Parse(query, aliases ?? AliasTable.Empty));
    }
}
