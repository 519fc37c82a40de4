using Alerts.Core.Feeds;

namespace Alerts.Tests.Feeds;

/// <summary>
/// Maps feedparser's result keys onto <see cref="ParsedFeed"/> and evaluates an "Expect:" expression.
/// Keys our model has no field for make the case not applicable (<see cref="UnsupportedPath"/>).
/// </summary>
internal static class FeedparserModel
{
    private static readonly HashSet<string> FeedKeys = ["['title']", "['title_detail']['value']", "['link']", "['language']"];

    private static readonly HashSet<string> EntryKeys =
    [
        "['id']", "['guid']", "['link']", "['title']", "['title_detail']['value']", "['summary']", "['description']",
        "['summary_detail']['value']", "['content'][]['value']", "['author']", "['published_parsed']", "['updated_parsed']",
        "['language']",
    ];

    /// <summary>The first feedparser key or construct in the expression our model has no equivalent for, or null.</summary>
    public static string? UnsupportedPath(PyNode node)
    {
        switch (node)
        {
            case PySubscript or PyAttribute:
                var path = PathOf(node);
                if (path is null)
                {
                    return null;
                }

                if (path.StartsWith("feed", StringComparison.Ordinal))
                {
                    var feedKey = path["feed".Length..];
                    return feedKey.Length == 0 || FeedKeys.Contains(feedKey) ? null : "feed" + Prefix(feedKey, FeedKeys);
                }

                if (path.StartsWith("entries[]", StringComparison.Ordinal))
                {
                    var entryKey = path["entries[]".Length..];
                    return entryKey.Length == 0 || EntryKeys.Contains(entryKey) ? null : "entries[]" + Prefix(entryKey, EntryKeys);
                }

                return path;
            case PyName name:
                return name.Id is "feed" or "entries" or "bozo" or "encoding" or "version" or "ord" or "len" ? null : name.Id;
            case PyCall call:
                if (call.Function is PyAttribute { Name: "has_key" } hasKey && call.Arguments is [PyConst { Value: string key }])
                {
                    return UnsupportedPath(new PySubscript(hasKey.Target, new PyConst(key)));
                }

                if (call.Function is PyName { Id: "isinstance" })
                {
                    return "isinstance (exception types)";
                }

                return UnsupportedPath(call.Function) ?? call.Arguments.Select(UnsupportedPath).FirstOrDefault(p => p is not null);
            case PyNot not:
                return UnsupportedPath(not.Operand);
            case PyBool b:
                return b.Operands.Select(UnsupportedPath).FirstOrDefault(p => p is not null);
            case PyCompare c:
                return c.Operands.Select(UnsupportedPath).FirstOrDefault(p => p is not null);
            case PyTuple t:
                return t.Items.Select(UnsupportedPath).FirstOrDefault(p => p is not null);
            default:
                return null;
        }
    }

    /// <summary>The deepest part of the key that is already unsupported, e.g. "['image']" for "['image']['url']".</summary>
    private static string Prefix(string key, HashSet<string> supported)
    {
        var end = 0;
        while (end < key.Length)
        {
            end = key.IndexOf(']', end) + 1;
            var part = key[..end];
            if (!supported.Any(s => s.StartsWith(part, StringComparison.Ordinal)))
            {
                return part;
            }
        }

        return key;
    }

    /// <summary>"feed['title']", "entries[]['content'][]['value']": subscript chains with indexes blanked.</summary>
    private static string? PathOf(PyNode node) => node switch
    {
        PyName { Id: "feed" or "entries" } name => name.Id,
        PyName => null,
        PySubscript { Index: PyConst { Value: long } } s => PathOf(s.Target) is { } p ? p + "[]" : null,
        PySubscript { Index: PyConst { Value: string key } } s => PathOf(s.Target) is { } p ? $"{p}['{key}']" : null,
        PyAttribute { Name: "has_key" } a => PathOf(a.Target),
        PyAttribute a => PathOf(a.Target) is { } p ? $"{p}['{a.Name}']" : null,
        _ => null,
    };

    public static Dictionary<string, object?> Globals(ParsedFeed? feed)
    {
        var globals = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["bozo"] = feed is null || feed.Warnings.Count > 0,
            ["feed"] = new Dictionary<string, object?>(StringComparer.Ordinal),
            ["entries"] = new List<object?>(),
        };
        if (feed is null)
        {
            return globals;
        }

        globals["encoding"] = feed.Encoding;
        globals["version"] = feed.Format;
        var f = (Dictionary<string, object?>)globals["feed"]!;
        Put(f, "title", feed.Title);
        Put(f, "title_detail", feed.Title is null ? null : Detail(feed.Title));
        Put(f, "link", feed.Link);
        Put(f, "language", feed.Language);
        var entries = (List<object?>)globals["entries"]!;
        foreach (var item in feed.Items)
        {
            var e = new Dictionary<string, object?>(StringComparer.Ordinal);
            Put(e, "id", item.Id);
            Put(e, "guid", item.Id);
            Put(e, "link", item.Link);
            Put(e, "title", item.Title);
            Put(e, "title_detail", item.Title is null ? null : Detail(item.Title));
            Put(e, "summary", item.Summary);
            Put(e, "description", item.Summary);
            Put(e, "summary_detail", item.Summary is null ? null : Detail(item.Summary));
            Put(e, "content", item.Content is null ? null : new List<object?> { Detail(item.Content) });
            Put(e, "author", item.Authors.Count > 0 ? item.Authors[0] : null);
            Put(e, "published_parsed", item.Published is { } p ? StructTime(p) : null);

            // feedparser answers updated_parsed with published_parsed when there is no update date.
            Put(e, "updated_parsed", (item.Updated ?? item.Published) is { } u ? StructTime(u) : null);
            Put(e, "language", item.Language);
            entries.Add(e);
        }

        return globals;
    }

    private static Dictionary<string, object?> Detail(string value) => new(StringComparer.Ordinal) { ["value"] = value };

    private static void Put(Dictionary<string, object?> d, string key, object? value)
    {
        if (value is not null)
        {
            d[key] = value;
        }
    }

    /// <summary>Python's time.struct_time as feedparser fills it (UTC, weekday Monday = 0, day of year, isdst 0).</summary>
    public static List<object?> StructTime(DateTimeOffset t)
    {
        var u = t.UtcDateTime;
        return [(long)u.Year, (long)u.Month, (long)u.Day, (long)u.Hour, (long)u.Minute, (long)u.Second,
            (long)(((int)u.DayOfWeek + 6) % 7), (long)u.DayOfYear, 0L];
    }

    public static object? Evaluate(PyNode node, Dictionary<string, object?> globals)
    {
        switch (node)
        {
            case PyConst c:
                return c.Value;
            case PyName n:
                return globals.TryGetValue(n.Id, out var value) ? value : throw new PyLookupException($"name {n.Id}");
            case PySubscript s:
                return Index(Evaluate(s.Target, globals), Evaluate(s.Index, globals));
            case PyAttribute a:
                return Index(Evaluate(a.Target, globals), a.Name);
            case PyCall { Function: PyAttribute { Name: "has_key" } hasKey } call:
                return Evaluate(hasKey.Target, globals) is Dictionary<string, object?> keys && keys.ContainsKey((string)Evaluate(call.Arguments[0], globals)!);
            case PyCall { Function: PyName { Id: "ord" } } call:
                return Evaluate(call.Arguments[0], globals) is string { Length: 1 } one ? (long)one[0] : throw new PyLookupException("ord of a non-character");
            case PyCall { Function: PyName { Id: "len" } } call:
                return Evaluate(call.Arguments[0], globals) switch
                {
                    string str => (long)str.Length,
                    List<object?> list => (long)list.Count,
                    Dictionary<string, object?> dict => (long)dict.Count,
                    _ => throw new PyLookupException("len of a non-sequence"),
                };
            case PyNot not:
                return !Truthy(Evaluate(not.Operand, globals));
            case PyBool { IsAnd: true } and:
                return and.Operands.All(o => Truthy(Evaluate(o, globals)));
            case PyBool or:
                return or.Operands.Any(o => Truthy(Evaluate(o, globals)));
            case PyCompare compare:
                var values = compare.Operands.Select(o => Evaluate(o, globals)).ToList();
                for (var i = 0; i < compare.Operators.Count; i++)
                {
                    if (PyEquals(values[i], values[i + 1]) != (compare.Operators[i] == "=="))
                    {
                        return false;
                    }
                }

                return true;
            case PyTuple t:
                return t.Items.Select(i => Evaluate(i, globals)).ToList();
            case PyDict d:
                return d.Items.ToDictionary(p => (string)Evaluate(p.Key, globals)!, p => Evaluate(p.Value, globals), StringComparer.Ordinal);
            default:
                throw new InvalidOperationException("unknown node " + node);
        }
    }

    private static object? Index(object? target, object? index) => (target, index) switch
    {
        (Dictionary<string, object?> d, string key) => d.TryGetValue(key, out var v) ? v : throw new PyLookupException($"KeyError {key}"),
        (List<object?> l, long i) => i < l.Count ? l[(int)i] : throw new PyLookupException($"IndexError {i}"),
        _ => throw new PyLookupException($"cannot index {target} with {index}"),
    };

    public static bool Truthy(object? v) => v switch
    {
        null => false,
        bool b => b,
        long l => l != 0,
        string s => s.Length > 0,
        List<object?> l => l.Count > 0,
        Dictionary<string, object?> d => d.Count > 0,
        _ => true,
    };

    private static bool PyEquals(object? a, object? b) => (a, b) switch
    {
        (null, null) => true,
        (List<object?> x, List<object?> y) => x.Count == y.Count && x.Zip(y).All(p => PyEquals(p.First, p.Second)),
        (Dictionary<string, object?> x, Dictionary<string, object?> y) =>
            x.Count == y.Count && x.All(p => y.TryGetValue(p.Key, out var v) && PyEquals(p.Value, v)),
        (bool x, long y) => (x ? 1 : 0) == y,
        (long x, bool y) => x == (y ? 1 : 0),
        _ => Equals(a, b),
    };
}
