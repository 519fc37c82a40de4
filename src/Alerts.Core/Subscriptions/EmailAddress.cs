using System.Globalization;

namespace Alerts.Core.Subscriptions;

/// <summary>
/// Checks and normalises the email addresses people subscribe with.
/// </summary>
/// <remarks>
/// Deliberately narrower than RFC 5322: the local part must be a dot-atom of ASCII characters (no quoted
/// strings, no comments, no internationalised local parts, which need SMTPUTF8 that not every provider
/// offers), and the domain must be a host name with at least two labels (no address literals). Those forms
/// are legal but rare, and refusing them keeps every later step (headers, tokens, providers) simple.
/// Lengths follow RFC 5321: local part at most 64 octets, domain at most 253 with labels of at most 63,
/// the whole address at most 254. An internationalised domain is converted to its punycode form.
/// </remarks>
public static class EmailAddress
{
    public const int MaxLocalPartLength = 64;
    public const int MaxDomainLength = 253;
    public const int MaxLabelLength = 63;
    public const int MaxLength = 254;

    private const string AtextSpecials = "!#$%&'*+-/=?^_`{|}~";

    private static readonly IdnMapping Idn = new() { UseStd3AsciiRules = true, AllowUnassigned = false };

    /// <summary>
    /// Validates <paramref name="input"/> (surrounding white space is ignored) and returns it as
    /// <c>local@domain</c> with the local part unchanged and the domain in lower-case ASCII (punycode).
    /// </summary>
    public static bool TryNormalize(string? input, out string normalized, out string error)
    {
        normalized = "";
        error = Check(input?.Trim() ?? "", out var local, out var domain) ?? "";
        if (error.Length > 0)
        {
            return false;
        }

        normalized = local + "@" + domain;
        if (normalized.Length > MaxLength)
        {
            error = $"subscriptions: the email address is {normalized.Length} characters long; at most {MaxLength} are allowed";
            normalized = "";
            return false;
        }

        return true;
    }

    private static string? Check(string input, out string local, out string domain)
    {
        local = "";
        domain = "";
        if (input.Length == 0)
        {
            return "subscriptions: the email address is empty";
        }

        foreach (var c in input)
        {
            if (char.IsControl(c) || c is '\u2028' or '\u2029')
            {
                return "subscriptions: the email address contains a control character or a line break";
            }
        }

        if (input.Contains('"', StringComparison.Ordinal) || input.Contains('(', StringComparison.Ordinal) || input.Contains(')', StringComparison.Ordinal))
        {
            return $"subscriptions: '{input}' uses a quoted local part or a comment, which are not supported";
        }

        var at = input.LastIndexOf('@');
        if (at < 0)
        {
            return $"subscriptions: '{input}' has no @";
        }

        local = input[..at];
        var rawDomain = input[(at + 1)..];
        if (local.Length == 0)
        {
            return $"subscriptions: '{input}' has nothing before the @";
        }

        if (local.Length > MaxLocalPartLength)
        {
            return $"subscriptions: the part before the @ is {local.Length} characters long; at most {MaxLocalPartLength} are allowed";
        }

        if (!IsDotAtom(local))
        {
            return $"subscriptions: '{local}' is not a valid local part (letters, digits, {AtextSpecials} and single dots between them)";
        }

        if (rawDomain.Length == 0)
        {
            return $"subscriptions: '{input}' has nothing after the @";
        }

        if (rawDomain.StartsWith('['))
        {
            return $"subscriptions: '{input}' uses an address literal, which is not supported";
        }

        // Checked before the IDN conversion too, which refuses long names without saying why.
        if (rawDomain.Length > MaxDomainLength)
        {
            return $"subscriptions: the domain is {rawDomain.Length} characters long; at most {MaxDomainLength} are allowed";
        }

        try
        {
            domain = Idn.GetAscii(rawDomain).ToLowerInvariant();
        }
        catch (ArgumentException)
        {
            return $"subscriptions: '{rawDomain}' is not a valid domain name";
        }

        if (domain.Length > MaxDomainLength)
        {
            return $"subscriptions: the domain is {domain.Length} characters long; at most {MaxDomainLength} are allowed";
        }

        var labels = domain.Split('.');
        if (labels.Length < 2)
        {
            return $"subscriptions: '{rawDomain}' is not a full domain name (it needs a dot, as in example.org)";
        }

        foreach (var label in labels)
        {
            if (label.Length is 0 or > MaxLabelLength || label[0] == '-' || label[^1] == '-' || !label.All(IsLdh))
            {
                return $"subscriptions: '{rawDomain}' is not a valid domain name (label '{label}')";
            }
        }

        return null;
    }

    private static bool IsDotAtom(string local)
    {
        if (local[0] == '.' || local[^1] == '.' || local.Contains("..", StringComparison.Ordinal))
        {
            return false;
        }

        return local.All(c => c == '.' || char.IsAsciiLetterOrDigit(c) || AtextSpecials.Contains(c, StringComparison.Ordinal));
    }

    private static bool IsLdh(char c) => char.IsAsciiLetterOrDigit(c) || c == '-';
}
