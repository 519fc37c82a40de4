using System.Globalization;
using System.Text;

namespace Alerts.Tests.Feeds;

/// <summary>
/// A small reader and evaluator for the Python boolean expressions of feedparser's "Expect:" lines:
/// literals (strings with u/b prefixes and escapes, ints, None/True/False, tuples, dicts), names, subscripts,
/// attribute access, calls (ord, len, has_key), ==, !=, not, and, or. Values are string, long, bool, null,
/// <see cref="List{T}"/> of object (tuples and lists) and <see cref="Dictionary{TKey,TValue}"/>.
/// </summary>
public abstract record PyNode
{
    public static PyNode Parse(string source) => new PyParser(source).ParseAll();
}

public sealed record PyConst(object? Value) : PyNode;

public sealed record PyName(string Id) : PyNode;

public sealed record PySubscript(PyNode Target, PyNode Index) : PyNode;

public sealed record PyAttribute(PyNode Target, string Name) : PyNode;

public sealed record PyCall(PyNode Function, IReadOnlyList<PyNode> Arguments) : PyNode;

public sealed record PyNot(PyNode Operand) : PyNode;

public sealed record PyBool(bool IsAnd, IReadOnlyList<PyNode> Operands) : PyNode;

public sealed record PyCompare(IReadOnlyList<PyNode> Operands, IReadOnlyList<string> Operators) : PyNode;

public sealed record PyTuple(IReadOnlyList<PyNode> Items) : PyNode;

public sealed record PyDict(IReadOnlyList<(PyNode Key, PyNode Value)> Items) : PyNode;

/// <summary>A key or index the evaluated document does not have (Python's KeyError/IndexError).</summary>
public sealed class PyLookupException(string message) : Exception(message);

internal sealed class PyParser(string source)
{
    private readonly List<(string Kind, object? Value)> _tokens = Tokenize(source);
    private int _at;

    public PyNode ParseAll()
    {
        var node = Or();
        if (_at != _tokens.Count)
        {
            throw new FormatException($"unexpected token {_tokens[_at].Value} in {source}");
        }

        return node;
    }

    private PyNode Or()
    {
        var operands = new List<PyNode> { And() };
        while (Accept("name", "or"))
        {
            operands.Add(And());
        }

        return operands.Count == 1 ? operands[0] : new PyBool(false, operands);
    }

    private PyNode And()
    {
        var operands = new List<PyNode> { Not() };
        while (Accept("name", "and"))
        {
            operands.Add(Not());
        }

        return operands.Count == 1 ? operands[0] : new PyBool(true, operands);
    }

    private PyNode Not() => Accept("name", "not") ? new PyNot(Not()) : Compare();

    private PyNode Compare()
    {
        var operands = new List<PyNode> { Postfix() };
        var operators = new List<string>();
        while (_at < _tokens.Count && _tokens[_at].Kind == "op" && (string)_tokens[_at].Value! is "==" or "!=")
        {
            operators.Add((string)_tokens[_at++].Value!);
            operands.Add(Postfix());
        }

        return operators.Count == 0 ? operands[0] : new PyCompare(operands, operators);
    }

    private PyNode Postfix()
    {
        var node = Atom();
        while (true)
        {
            if (Accept("op", "["))
            {
                node = new PySubscript(node, Or());
                Expect("]");
            }
            else if (Accept("op", "."))
            {
                node = new PyAttribute(node, (string)_tokens[_at++].Value!);
            }
            else if (Accept("op", "("))
            {
                var args = new List<PyNode>();
                while (!Accept("op", ")"))
                {
                    args.Add(Or());
                    Accept("op", ",");
                }

                node = new PyCall(node, args);
            }
            else
            {
                return node;
            }
        }
    }

    private PyNode Atom()
    {
        var (kind, value) = _tokens[_at++];
        switch (kind)
        {
            case "str" or "int":
                // Adjacent string literals concatenate, as in Python.
                if (kind == "str")
                {
                    var text = (string)value!;
                    while (_at < _tokens.Count && _tokens[_at].Kind == "str")
                    {
                        text += (string)_tokens[_at++].Value!;
                    }

                    return new PyConst(text);
                }

                return new PyConst(value);
            case "name":
                return (string)value! switch
                {
                    "None" => new PyConst(null),
                    "True" => new PyConst(true),
                    "False" => new PyConst(false),
                    var id => new PyName(id),
                };
            case "op" when (string)value! == "-":
                return new PyConst(-(long)((PyConst)Atom()).Value!);
            case "op" when (string)value! is "(" or "[":
                var close = (string)value! == "(" ? ")" : "]";
                var items = new List<PyNode>();
                var sawComma = false;
                while (!Accept("op", close))
                {
                    items.Add(Or());
                    sawComma |= Accept("op", ",");
                }

                return items.Count == 1 && !sawComma && close == ")" ? items[0] : new PyTuple(items);
            case "op" when (string)value! == "{":
                var pairs = new List<(PyNode, PyNode)>();
                while (!Accept("op", "}"))
                {
                    var key = Or();
                    Expect(":");
                    pairs.Add((key, Or()));
                    Accept("op", ",");
                }

                return new PyDict(pairs);
            default:
                throw new FormatException($"unexpected {value} in {source}");
        }
    }

    private bool Accept(string kind, string value)
    {
        if (_at < _tokens.Count && _tokens[_at].Kind == kind && Equals(_tokens[_at].Value, value))
        {
            _at++;
            return true;
        }

        return false;
    }

    private void Expect(string op)
    {
        if (!Accept("op", op))
        {
            throw new FormatException($"expected {op} in {source}");
        }
    }

    private static List<(string, object?)> Tokenize(string s)
    {
        var tokens = new List<(string, object?)>();
        var i = 0;
        while (i < s.Length)
        {
            var c = s[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
            }
            else if (char.IsDigit(c))
            {
                var start = i;
                while (i < s.Length && char.IsDigit(s[i]))
                {
                    i++;
                }

                tokens.Add(("int", long.Parse(s.AsSpan(start, i - start), CultureInfo.InvariantCulture)));
            }
            else if (char.IsLetter(c) || c == '_')
            {
                var start = i;
                while (i < s.Length && (char.IsLetterOrDigit(s[i]) || s[i] == '_'))
                {
                    i++;
                }

                var word = s[start..i];
                if (i < s.Length && s[i] is '\'' or '"' && word.ToLowerInvariant() is "u" or "b" or "r" or "ur" or "br")
                {
                    (var text, i) = ReadString(s, i, raw: word.Contains('r', StringComparison.OrdinalIgnoreCase));
                    tokens.Add(("str", text));
                }
                else
                {
                    tokens.Add(("name", word));
                }
            }
            else if (c is '\'' or '"')
            {
                (var text, i) = ReadString(s, i, raw: false);
                tokens.Add(("str", text));
            }
            else if (s.AsSpan(i).StartsWith("==") || s.AsSpan(i).StartsWith("!="))
            {
                tokens.Add(("op", s.Substring(i, 2)));
                i += 2;
            }
            else
            {
                tokens.Add(("op", c.ToString()));
                i++;
            }
        }

        return tokens;
    }

    private static (string Text, int Next) ReadString(string s, int i, bool raw)
    {
        var quote = s[i];
        var triple = s.AsSpan(i).StartsWith(new string(quote, 3));
        i += triple ? 3 : 1;
        var sb = new StringBuilder();
        while (i < s.Length)
        {
            if (triple ? s.AsSpan(i).StartsWith(new string(quote, 3)) : s[i] == quote)
            {
                return (sb.ToString(), i + (triple ? 3 : 1));
            }

            if (s[i] == '\\' && !raw && i + 1 < s.Length)
            {
                var e = s[i + 1];
                i += 2;
                switch (e)
                {
                    case 'n': sb.Append('\n'); break;
                    case 't': sb.Append('\t'); break;
                    case 'r': sb.Append('\r'); break;
                    case '0': sb.Append('\0'); break;
                    case 'x': sb.Append((char)Convert.ToInt32(s.Substring(i, 2), 16)); i += 2; break;
                    case 'u': sb.Append((char)Convert.ToInt32(s.Substring(i, 4), 16)); i += 4; break;
                    case 'U': sb.Append(char.ConvertFromUtf32(Convert.ToInt32(s.Substring(i, 8), 16))); i += 8; break;
                    case '\n': break;
                    default: sb.Append(e); break;
                }

                continue;
            }

            sb.Append(s[i++]);
        }

        throw new FormatException("unterminated string in " + s);
    }
}
