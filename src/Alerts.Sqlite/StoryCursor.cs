using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace Alerts.Sqlite;

/// <summary>The story page's cursor in the SQLite store: base64url of "updated_at (unix ms)|cluster id" of the last row shown.</summary>
internal static class StoryCursor
{
    public static string Encode(long updatedAt, string clusterId) =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes(updatedAt.ToString(CultureInfo.InvariantCulture) + "|" + clusterId));

    public static (long UpdatedAt, string ClusterId) Decode(string cursor)
    {
        string text;
        try
        {
            text = cursor.Length is > 0 and <= 4096 ? Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor)) : "";
        }
        catch (FormatException)
        {
            text = "";
        }

        var bar = text.IndexOf('|', StringComparison.Ordinal);
        if (bar <= 0 || !long.TryParse(text.AsSpan(0, bar), NumberStyles.None, CultureInfo.InvariantCulture, out var at) || bar == text.Length - 1)
        {
            throw new ArgumentException("store: the page cursor is not valid (start again from the first page)", nameof(cursor));
        }

        return (at, text[(bar + 1)..]);
    }
}
