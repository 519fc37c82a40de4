using System.ComponentModel.DataAnnotations;
using Alerts.Core.Mail;
using Alerts.Core.Subscriptions;

namespace Alerts.Pipeline.Mail;

/// <summary>Which provider delivers mail.</summary>
public enum MailProvider
{
    /// <summary>RFC 5322 <c>.eml</c> files in a folder; the default, needs nothing.</summary>
    Outbox,
    Smtp,
    SendGrid,
}

/// <summary>
/// Mail delivery settings (configuration section <c>Mail</c>): the provider, the sender, and one
/// sub-section per provider (<c>Mail:Outbox</c>, <c>Mail:Smtp</c>, <c>Mail:SendGrid</c>); only the chosen
/// provider's settings are checked.
/// </summary>
public sealed class MailOptions : IValidatableObject
{
    public const string Section = "Mail";

    public MailProvider Provider { get; set; } = MailProvider.Outbox;

    /// <summary>The sender address of every email.</summary>
    [Required(AllowEmptyStrings = false)]
    public string From { get; set; } = "alerts@localhost.localdomain";

    /// <summary>The sender's display name.</summary>
    public string FromName { get; set; } = "Alerts";

    public OutboxMailOptions Outbox { get; set; } = new();

    public SmtpMailOptions Smtp { get; set; } = new();

    public SendGridMailOptions SendGrid { get; set; } = new();

    /// <summary>The sender as a mailbox, for building messages.</summary>
    public MailboxAddress SenderAddress() => new(From, FromName);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!EmailAddress.TryNormalize(From, out _, out var error))
        {
            yield return new ValidationResult($"mail: Mail:From '{From}' is not usable: {error}", [nameof(From)]);
        }

        object chosen = Provider switch
        {
            MailProvider.Smtp => Smtp,
            MailProvider.SendGrid => SendGrid,
            _ => Outbox,
        };
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(chosen, new ValidationContext(chosen), results, validateAllProperties: true);
        foreach (var result in results)
        {
            yield return new ValidationResult(
                $"mail: Mail:{Provider}:{string.Join(",", result.MemberNames)}: {result.ErrorMessage}",
                result.MemberNames.Select(m => $"{Provider}.{m}").ToArray());
        }
    }
}

/// <summary><c>Mail:Outbox</c>: where the .eml files go.</summary>
public sealed class OutboxMailOptions
{
    /// <summary>The folder (created when missing); relative to the working directory. Default <c>./outbox</c>.</summary>
    [Required(AllowEmptyStrings = false)]
    public string Folder { get; set; } = "./outbox";
}

/// <summary>How the connection to the SMTP relay is protected.</summary>
public enum SmtpSecurity
{
    /// <summary>Plain connection upgraded with STARTTLS, which the server must offer (port 587).</summary>
    StartTls,

    /// <summary>TLS from the first byte, "implicit TLS" (port 465).</summary>
    Tls,

    /// <summary>No encryption: only for a relay on this machine or a private network.</summary>
    None,
}

/// <summary><c>Mail:Smtp</c>: an SMTP relay.</summary>
public sealed class SmtpMailOptions : IValidatableObject
{
    [Required(AllowEmptyStrings = false, ErrorMessage = "the SMTP host is required")]
    public string Host { get; set; } = "";

    [Range(1, 65535)]
    public int Port { get; set; } = 587;

    /// <summary>STARTTLS (default), Tls (implicit, port 465) or None.</summary>
    public SmtpSecurity Security { get; set; } = SmtpSecurity.StartTls;

    /// <summary>The user name; no authentication when empty.</summary>
    public string? UserName { get; set; }

    public string? Password { get; set; }

    /// <summary>
    /// The SHA-256 fingerprint (hex, colons allowed) of a relay certificate to accept although the system does
    /// not trust it, such as an internal relay's self-signed one; empty means the system's trust store decides.
    /// </summary>
    public string? TrustedCertificateSha256 { get; set; }

    /// <summary>How long one network step (connect, each command, the data) may take. Default 30 seconds.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>A fingerprint as 64 hex digits without separators.</summary>
    public static string Fingerprint(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return value.Replace(":", "", StringComparison.Ordinal).Replace(" ", "", StringComparison.Ordinal).ToUpperInvariant();
    }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!string.IsNullOrEmpty(UserName) && string.IsNullOrEmpty(Password))
        {
            yield return new ValidationResult("a password is required when UserName is set", [nameof(Password)]);
        }

        // The usual ports speak one way only; the other way would hang until the timeout on every digest.
        if (Security == SmtpSecurity.StartTls && Port == 465)
        {
            yield return new ValidationResult("port 465 is implicit TLS: set Security to Tls", [nameof(Security)]);
        }

        if (Security == SmtpSecurity.Tls && Port is 25 or 587)
        {
            yield return new ValidationResult($"port {Port} starts in plain text: set Security to StartTls", [nameof(Security)]);
        }

        if (Security == SmtpSecurity.None && !string.IsNullOrEmpty(UserName) && !IsLoopback(Host))
        {
            yield return new ValidationResult("a password would cross the network unencrypted: use StartTls or Tls", [nameof(Security)]);
        }

        if (!string.IsNullOrEmpty(TrustedCertificateSha256))
        {
            var hex = Fingerprint(TrustedCertificateSha256);
            if (hex.Length != 64 || !hex.All(char.IsAsciiHexDigit))
            {
                yield return new ValidationResult("TrustedCertificateSha256 must be 64 hex digits (a SHA-256 fingerprint)", [nameof(TrustedCertificateSha256)]);
            }
        }
    }

    private static bool IsLoopback(string host) =>
        host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || (System.Net.IPAddress.TryParse(host, out var address) && System.Net.IPAddress.IsLoopback(address));
}

/// <summary><c>Mail:SendGrid</c>: the v3 Mail Send API.</summary>
public sealed class SendGridMailOptions : IValidatableObject
{
    /// <summary>The API key (in Azure, a Key Vault reference).</summary>
    [Required(AllowEmptyStrings = false, ErrorMessage = "the SendGrid API key is required")]
    public string ApiKey { get; set; } = "";

    public Uri BaseUrl { get; set; } = new("https://api.sendgrid.com");

    /// <summary>Tries per message for 429 and 5xx answers and network errors. Default 3.</summary>
    [Range(1, 10)]
    public int MaxAttempts { get; set; } = 3;

    /// <summary>The first back-off when the answer has no Retry-After; it doubles, with jitter. Default 2 seconds.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The longest wait between tries; a longer Retry-After is cut to it. Default 1 minute.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long one request may take. Default 30 seconds.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!BaseUrl.IsAbsoluteUri || (BaseUrl.Scheme != Uri.UriSchemeHttps && BaseUrl.Scheme != Uri.UriSchemeHttp))
        {
            yield return new ValidationResult("BaseUrl must be an absolute http(s) URL", [nameof(BaseUrl)]);
        }
    }
}
