namespace Alerts.Web;

/// <summary>Enum members by name as the API and the forms accept them: case-insensitive, whole names only.</summary>
internal static class EnumNames
{
    /// <summary>
    /// An enum member by its name, case-insensitively; numbers and comma lists are not names (unlike
    /// <see cref="Enum.TryParse{TEnum}(string, bool, out TEnum)"/>, which would take "3" or "daily,hourly").
    /// </summary>
    public static bool TryParse<T>(string text, out T value)
        where T : struct, Enum
    {
        ArgumentNullException.ThrowIfNull(text);
        foreach (var candidate in Enum.GetValues<T>())
        {
            if (string.Equals(candidate.ToString(), text.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                value = candidate;
                return true;
            }
        }

        value = default;
        return false;
    }
}
