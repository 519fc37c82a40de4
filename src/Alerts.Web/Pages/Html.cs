using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Unicode;

namespace Alerts.Web.Pages;

/// <summary>Markup that is already safe to write as it is (built by <see cref="Html.Of"/> or a literal of ours).</summary>
public readonly record struct HtmlContent(string Value)
{
    public static readonly HtmlContent Empty = new("");

    public override string ToString() => Value;
}

/// <summary>
/// The pages' whole renderer: an interpolated string whose literal parts are markup and whose holes are
/// encoded, unless a hole is already <see cref="HtmlContent"/>. <c>Html.Of($"&lt;p&gt;{topic.Name}&lt;/p&gt;")</c>
/// cannot forget to encode the name; there is no way to write a raw string into a page except
/// <see cref="Html.Trusted"/>, which only our own constants use.
/// </summary>
public static class Html
{
    // Letters of every script stay readable in the source; markup characters and quotes are always encoded.
    private static readonly HtmlEncoder Encoder = HtmlEncoder.Create(UnicodeRanges.All);

    public static HtmlContent Of(ref HtmlInterpolation markup) => markup.ToContent();

    /// <summary>Encodes <paramref name="text"/> for an element's content or a double-quoted attribute.</summary>
    public static string Encode(string? text) => Encoder.Encode(text ?? "");

    /// <summary>A constant of ours, written as it is.</summary>
    public static HtmlContent Trusted(string markup) => new(markup);

    public static HtmlContent Join(IEnumerable<HtmlContent> parts) => new(string.Concat(parts.Select(p => p.Value)));

    /// <summary><paramref name="content"/> when <paramref name="condition"/> holds, else nothing.</summary>
    public static HtmlContent If(bool condition, HtmlContent content) => condition ? content : HtmlContent.Empty;

    /// <summary>The attribute (with a leading space) when <paramref name="on"/>, e.g. <c>checked</c>; else nothing.</summary>
    public static HtmlContent Flag(bool on, string attribute) => on ? new(" " + attribute) : HtmlContent.Empty;
}

[InterpolatedStringHandler]
public ref struct HtmlInterpolation
{
    private readonly StringBuilder _builder;

    public HtmlInterpolation(int literalLength, int formattedCount)
    {
        _builder = new StringBuilder(literalLength + (formattedCount * 16));
    }

    public readonly void AppendLiteral(string literal) => _builder.Append(literal);

    public readonly void AppendFormatted(HtmlContent content) => _builder.Append(content.Value);

    public readonly void AppendFormatted(string? text) => _builder.Append(Html.Encode(text));

    public readonly void AppendFormatted(int number) => _builder.Append(number.ToString(CultureInfo.InvariantCulture));

    public readonly HtmlContent ToContent() => new(_builder.ToString());
}
