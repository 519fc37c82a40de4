using System.Globalization;
using System.Text;

namespace Alerts.Azure;

/// <summary>
/// Rules for PartitionKey and RowKey values: at most 1024 characters, none of '/', '\', '#', '?' or control
/// characters. <see cref="EncodeKey"/> makes any string a valid key, reversibly: those characters and the
/// escape character '~' become '~' and two hex digits.
/// </summary>
public static class TableKeys
{
    public const int MaxLength = 1024;

    public static string EncodeKey(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (!value.Any(NeedsEscape))
        {
            return value;
        }

        var builder = new StringBuilder(value.Length + 8);
        foreach (var c in value)
        {
            if (NeedsEscape(c))
            {
                builder.Append('~').Append(((int)c).ToString("X2", CultureInfo.InvariantCulture));
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }

    public static string DecodeKey(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (!key.Contains('~', StringComparison.Ordinal))
        {
            return key;
        }

        var builder = new StringBuilder(key.Length);
        for (var i = 0; i < key.Length; i++)
        {
            if (key[i] == '~' && i + 2 < key.Length && int.TryParse(key.AsSpan(i + 1, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var code))
            {
                builder.Append((char)code);
                i += 2;
            }
            else
            {
                builder.Append(key[i]);
            }
        }

        return builder.ToString();
    }

    /// <summary>Whether <paramref name="key"/> may be used as a PartitionKey or RowKey as it is.</summary>
    public static bool IsValid(string key) =>
        key is not null && key.Length <= MaxLength && !key.Any(c => c is '/' or '\\' or '#' or '?' || char.IsControl(c));

    internal static void Validate(string key, string parameter)
    {
        ArgumentNullException.ThrowIfNull(key, parameter);
        if (!IsValid(key))
        {
            throw new ArgumentException($"azure: '{key}' is not a valid table key (no / \\ # ? or control characters, at most {MaxLength}); use TableKeys.EncodeKey", parameter);
        }
    }

    private static bool NeedsEscape(char c) => c is '/' or '\\' or '#' or '?' or '~' || char.IsControl(c);
}
