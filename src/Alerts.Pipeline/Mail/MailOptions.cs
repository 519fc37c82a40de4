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

/// <summary><c>Mail:Smtp</c>: an SMTP relay.</summary>
public sealed class SmtpMailOptions : IValidatableObject
{
    [Required(AllowEmptyStrings = false, ErrorMessage = "the SMTP host is required")]
    public string Host { get; set; } = "";

    [Range(1, 65535)]
    public int Port { get; set; } = 587;

    /// <summary>Upgrade the connection with STARTTLS (System.Net.Mail's EnableSsl). Default true.</summary>
    public bool StartTls { get; set; } = true;

    /// <summary>The user name; no authentication when empty.</summary>
    public string? UserName { get; set; }

    public string? Password { get; set; }

    /// <summary>How long one send may take. Default 30 seconds.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!string.IsNullOrEmpty(UserName) && string.IsNullOrEmpty(Password))
        {
            yield return new ValidationResult("a password is required when UserName is set", [nameof(Password)]);
        }
    }
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
