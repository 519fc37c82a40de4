using System.CommandLine;
using System.CommandLine.Parsing;

namespace Alerts.Cli;

/// <summary>
/// Options that take a URL. System.CommandLine has no parser of its own for <see cref="Uri"/> (an option typed
/// Uri without one throws InvalidOperationException at parse time), so every such option is made here: an
/// absolute http(s) URL, or a parse error that exits 2 with the option's name and the value.
/// </summary>
public static class UriOption
{
    public static Option<Uri?> Create(string name, string description) => new(name)
    {
        Description = description,
        HelpName = "url",
        CustomParser = Parse,
    };

    private static Uri? Parse(ArgumentResult result)
    {
        var name = result.Parent is OptionResult option ? option.Option.Name : "the URL";
        if (result.Tokens.Count != 1)
        {
            result.AddError($"{name} needs one absolute http(s) URL");
            return null;
        }

        var text = result.Tokens[0].Value;
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps) || string.IsNullOrEmpty(uri.Host))
        {
            result.AddError($"{name}: '{text}' is not an absolute http(s) URL, such as https://news.example/story.html");
            return null;
        }

        return uri;
    }
}
