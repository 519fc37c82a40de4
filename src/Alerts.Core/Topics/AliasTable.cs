using System.Collections.Immutable;

namespace Alerts.Core.Topics;

/// <summary>
/// Named alternatives defined once and used in many queries: <c>@turkey = Turkey | Türkiye | Ankara</c>.
/// In a query <c>@turkey</c> stands for <c>(Turkey OR Türkiye OR Ankara)</c>. Members are words,
/// "quoted phrases" or prefix wildcards; names are case-insensitive. Immutable.
/// </summary>
public sealed class AliasTable
{
    private readonly ImmutableDictionary<string, QueryNode> expansions;

    private AliasTable(ImmutableDictionary<string, QueryNode> expansions) => this.expansions = expansions;

    public static AliasTable Empty { get; } = new(ImmutableDictionary.Create<string, QueryNode>(StringComparer.OrdinalIgnoreCase));

    public IEnumerable<string> Names => expansions.Keys;

    /// <summary>
    /// Reads one definition per line, <c>@name = member | member | ...</c>; blank lines and lines starting
    /// with '#' are skipped. A later definition of the same name replaces the earlier one.
    /// </summary>
    public static AliasTable Parse(string definitions)
    {
        ArgumentNullException.ThrowIfNull(definitions);
        var table = Empty;
        var lines = definitions.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var equals = line.IndexOf('=', StringComparison.Ordinal);
            if (!line.StartsWith('@') || equals < 0)
            {
                throw new FormatException($"topics: alias error on line {i + 1}: expected '@name = member | member'");
            }

            try
            {
                table = table.With(line[1..equals].Trim(), line[(equals + 1)..]);
            }
            catch (FormatException e)
            {
                throw new FormatException($"topics: alias error on line {i + 1}: {e.Message["topics: ".Length..]}", e);
            }
        }

        return table;
    }

    /// <summary>A table with <paramref name="name"/> (without '@') defined as the '|'-separated <paramref name="members"/>; a bad member throws <see cref="FormatException"/>.</summary>
    public AliasTable With(string name, string members)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(members);
        if (!IsValidName(name))
        {
            throw new FormatException($"topics: '{name}' is not an alias name (letters, digits, '_' and '-')");
        }

        var nodes = new List<QueryNode>();
        foreach (var raw in members.Split('|'))
        {
            var member = raw.Trim();
            if (member.Length == 0)
            {
                throw new FormatException($"topics: alias '@{name}' has an empty member");
            }

            nodes.Add(Member(name, member));
        }

        var expansion = nodes.Count == 1 ? nodes[0] : new OrNode(nodes);
        return new AliasTable(expansions.SetItem(name, expansion));
    }

    internal QueryNode? Expand(string name) => expansions.GetValueOrDefault(name);

    internal static bool IsValidName(string name) =>
        name.Length > 0 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-');

    private static QueryNode Member(string alias, string member)
    {
        var display = $"{member} (@{alias})";
        try
        {
            if (member.Length >= 2 && member.StartsWith('"') && member.EndsWith('"'))
            {
                return QueryLeaves.QuotedPhrase(member[1..^1], 1, display);
            }

            if (member.Any(c => char.IsWhiteSpace(c) || c is '"' or '(' or ')') || member.IndexOf('*', StringComparison.Ordinal) is >= 0 and var star && star != member.Length - 1)
            {
                throw new QueryParseException(1, "a member is one word, a \"quoted phrase\" or a prefix*");
            }

            return member.EndsWith('*') ? QueryLeaves.Wildcard(member[..^1], 1, display) : QueryLeaves.Word(member, 1, display);
        }
        catch (QueryParseException e)
        {
            throw new FormatException($"topics: alias '@{alias}' member '{member}': {e.Reason}", e);
        }
    }
}
