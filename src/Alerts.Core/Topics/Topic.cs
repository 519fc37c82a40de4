using System.Text;
using Alerts.Core.Text;

namespace Alerts.Core.Topics;

/// <summary>
/// A topic people subscribe to: a slug id, a display name and a query (see docs/query-language.md).
/// <see cref="Languages"/> and <see cref="FeedIds"/> restrict which articles it can match; empty means any.
/// </summary>
public sealed record Topic(string Id, string Name, string Query)
{
    /// <summary>Language tags ("en", "de"); "en" matches articles in "en-GB" and the other way round. Articles of unknown language always pass.</summary>
    public IReadOnlyList<string> Languages { get; init; } = [];

    /// <summary>Feed ids the topic is restricted to; an article with no feed id does not pass a non-empty list.</summary>
    public IReadOnlyList<long> FeedIds { get; init; } = [];

    public string? Description { get; init; }

    /// <summary>A public topic's story page and Atom feed are open to anyone (they show only what the feeds published).</summary>
    public bool Public { get; init; }

    /// <summary>Maximum length of a slug made by <see cref="Slugify"/>.</summary>
    public const int MaxSlugLength = 64;

    /// <summary>"Turkey S-400 (Türkiye)" becomes "turkey-s-400-turkiye": folded, letters and digits kept, every other run becomes one '-'.</summary>
    public static string Slugify(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var builder = new StringBuilder(name.Length);
        foreach (var c in TextFolding.Fold(name))
        {
            if (char.IsAsciiLetterOrDigit(c))
            {
                builder.Append(c);
            }
            else if (builder.Length > 0 && builder[^1] != '-')
            {
                builder.Append('-');
            }

            if (builder.Length >= MaxSlugLength)
            {
                break;
            }
        }

        var slug = builder.ToString().Trim('-');
        if (slug.Length == 0)
        {
            throw new ArgumentException($"topics: the name '{name}' has no letters or digits to make an id from", nameof(name));
        }

        return slug;
    }
}
