using System.Net;
using System.Text.Json;
using Alerts.Core.Mail;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;
using SendGrid;
using SendGrid.Helpers.Mail;

namespace Alerts.Pipeline.Mail;

/// <summary>
/// Delivers mail with the SendGrid package (v3 Mail Send): personalizations, from, subject, content parts
/// with text/plain first, headers, and <c>custom_args.digest_id</c> carrying the idempotency key so events
/// and webhooks can be matched back.
/// </summary>
/// <remarks>
/// 202 is accepted. 429 and 5xx answers and network errors are retried up to
/// <see cref="SendGridMailOptions.MaxAttempts"/> times, waiting as long as Retry-After asks (capped by
/// <see cref="SendGridMailOptions.MaxRetryDelay"/>) or an exponential back-off with jitter; after the last
/// try they throw <see cref="MailTransientException"/>. Any other 4xx is a permanent failure carrying
/// SendGrid's own error messages. The package's own retry handler is not used (it ignores Retry-After):
/// the client gets an HttpClient from the factory and Polly does the retrying. SendGrid reserves some
/// headers (From, To, Subject, Reply-To, Content-Type, ...), so only List-Id, List-Unsubscribe,
/// List-Unsubscribe-Post and the message's extra headers are passed; SendGrid writes Message-ID and Date.
/// </remarks>
public sealed partial class SendGridMailSender : IMailSender
{
    /// <summary>The name of the HttpClient this sender uses from IHttpClientFactory.</summary>
    public const string HttpClientName = "Alerts.Mail.SendGrid";

    private readonly IHttpClientFactory _httpFactory;
    private readonly SendGridMailOptions _options;
    private readonly TimeProvider _clock;
    private readonly ILogger<SendGridMailSender> _logger;
    private readonly ResiliencePipeline<Response> _retry;

    public SendGridMailSender(IHttpClientFactory httpFactory, IOptions<MailOptions> options, TimeProvider clock, ILogger<SendGridMailSender> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _httpFactory = httpFactory;
        _options = options.Value.SendGrid;
        _clock = clock;
        _logger = logger;
        _retry = BuildRetry();
    }

    public async Task<MailSendResult> SendAsync(MailMessage message, string idempotencyKey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        IdempotencyKeys.Check(idempotencyKey);
        var mail = Message(message, idempotencyKey);
        var client = new SendGridClient(_httpFactory.CreateClient(HttpClientName), new SendGridClientOptions { ApiKey = _options.ApiKey, Host = _options.BaseUrl.AbsoluteUri });
        var attempts = 0;

        Response response;
        try
        {
            response = await _retry.ExecuteAsync(
                async token =>
                {
                    attempts++;
                    using var timeout = CancellationTokenSource.CreateLinkedTokenSource(token);
                    timeout.CancelAfter(_options.Timeout);
                    var answer = await client.SendEmailAsync(mail, timeout.Token);

                    // Read the body while the timeout still applies, so error messages are available later.
                    if (answer.Body is not null)
                    {
                        await answer.Body.LoadIntoBufferAsync(timeout.Token);
                    }

                    return answer;
                },
                cancellationToken);
        }
        catch (Exception ex) when (ex is HttpRequestException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw new MailTransientException($"mail: SendGrid could not be reached after {attempts} tries: {ex.Message}", ex);
        }

        var status = (int)response.StatusCode;
        if (response.IsSuccessStatusCode)
        {
            var providerId = response.Headers.TryGetValues("X-Message-Id", out var ids) ? ids.FirstOrDefault() : null;
            LogSent(_logger, idempotencyKey, status, providerId);
            return MailSendResult.Sent(providerId);
        }

        var errors = await ErrorMessagesAsync(response, cancellationToken);
        if (IsTransient(response.StatusCode))
        {
            throw new MailTransientException($"mail: SendGrid answered {status} after {attempts} tries: {errors}");
        }

        var reason = $"mail: SendGrid refused the message ({status}): {errors}";
        LogRefused(_logger, idempotencyKey, reason);
        return MailSendResult.PermanentFailure(reason);
    }

    /// <summary>The v3 Mail Send message, header values checked and made single-line by <see cref="MailHeaders"/>.</summary>
    private static SendGridMessage Message(MailMessage message, string idempotencyKey)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (MailHeaders.ListId(message) is { } listId)
        {
            headers["List-Id"] = listId;
        }

        if (MailHeaders.ListUnsubscribe(message) is { } unsubscribe)
        {
            headers["List-Unsubscribe"] = unsubscribe;
        }

        if (message.ListUnsubscribePost)
        {
            headers["List-Unsubscribe-Post"] = MailHeaders.OneClick;
        }

        foreach (var (name, value) in MailHeaders.Extra(message))
        {
            headers[name] = value;
        }

        var mail = new SendGridMessage
        {
            From = Address(message.From, "From"),
            Subject = MailHeaders.SingleLine(message.Subject),
            PlainTextContent = message.TextBody,
            HtmlContent = message.HtmlBody,
            Headers = headers.Count > 0 ? headers : null,

            // Top-level custom_args apply to every recipient; SendGrid echoes them in events and webhooks.
            CustomArgs = new Dictionary<string, string> { ["digest_id"] = idempotencyKey },
        };
        mail.AddTo(Address(message.To, "To"));
        return mail;
    }

    private static EmailAddress Address(Core.Mail.MailboxAddress mailbox, string role)
    {
        var name = MailHeaders.SingleLine(mailbox.DisplayName);
        return new EmailAddress(MailHeaders.Address(mailbox, role), name.Length == 0 ? null : name);
    }

    private static bool IsTransient(HttpStatusCode status) => status == HttpStatusCode.TooManyRequests || (int)status >= 500;

    private ResiliencePipeline<Response> BuildRetry()
    {
        var builder = new ResiliencePipelineBuilder<Response> { TimeProvider = _clock };
        if (_options.MaxAttempts <= 1)
        {
            return builder.Build();
        }

        return builder.AddRetry(new RetryStrategyOptions<Response>
        {
            MaxRetryAttempts = _options.MaxAttempts - 1,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = _options.RetryDelay,
            MaxDelay = _options.MaxRetryDelay,
            ShouldHandle = args => ValueTask.FromResult(args.Outcome switch
            {
                { Result: { } result } => IsTransient(result.StatusCode),
                { Exception: HttpRequestException } => true,
                { Exception: OperationCanceledException } => !args.Context.CancellationToken.IsCancellationRequested,
                _ => false,
            }),
            DelayGenerator = args => ValueTask.FromResult(RetryAfter(args.Outcome.Result)),
            OnRetry = args =>
            {
                LogRetry(_logger, args.AttemptNumber + 2, (int?)args.Outcome.Result?.StatusCode, args.Outcome.Exception?.Message, args.RetryDelay);
                return ValueTask.CompletedTask;
            },
        }).Build();
    }

    /// <summary>The wait Retry-After asks for, capped; null lets the back-off decide.</summary>
    private TimeSpan? RetryAfter(Response? response)
    {
        var header = response?.Headers.RetryAfter;
        TimeSpan? wait = header switch
        {
            { Delta: { } delta } => delta,
            { Date: { } date } => date - _clock.GetUtcNow(),
            _ => null,
        };
        if (wait is null)
        {
            return null;
        }

        return wait < TimeSpan.Zero ? TimeSpan.Zero : wait > _options.MaxRetryDelay ? _options.MaxRetryDelay : wait;
    }

    /// <summary>SendGrid's <c>errors[].message</c> (with the field when given), or the status line.</summary>
    private static async Task<string> ErrorMessagesAsync(Response response, CancellationToken cancellationToken)
    {
        var text = response.Body is null ? "" : await response.Body.ReadAsStringAsync(cancellationToken);
        try
        {
            using var document = JsonDocument.Parse(text);
            if (document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("errors", out var errors)
                && errors.ValueKind == JsonValueKind.Array)
            {
                var messages = new List<string>();
                foreach (var error in errors.EnumerateArray())
                {
                    if (error.ValueKind != JsonValueKind.Object || !error.TryGetProperty("message", out var message) || message.ValueKind != JsonValueKind.String)
                    {
                        continue;
                    }

                    var field = error.TryGetProperty("field", out var f) && f.ValueKind == JsonValueKind.String ? f.GetString() + ": " : "";
                    messages.Add(field + message.GetString());
                }

                if (messages.Count > 0)
                {
                    return string.Join("; ", messages);
                }
            }
        }
        catch (JsonException)
        {
            // Not JSON (a proxy's error page, say): fall through to the status line.
        }

        var snippet = MailHeaders.SingleLine(text);
        return snippet.Length == 0 ? ReasonPhrase(response.StatusCode) : snippet[..Math.Min(snippet.Length, 200)];
    }

    private static string ReasonPhrase(HttpStatusCode status) => Enum.IsDefined(status) ? status.ToString() : "no details";

    [LoggerMessage(Level = LogLevel.Information, Message = "mail: SendGrid accepted {Key} ({StatusCode}, message id {ProviderId})")]
    private static partial void LogSent(ILogger logger, string key, int statusCode, string? providerId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "mail: {Key} refused: {Reason}")]
    private static partial void LogRefused(ILogger logger, string key, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "mail: SendGrid try {Attempt} follows ({StatusCode} {Error}) after {Delay}")]
    private static partial void LogRetry(ILogger logger, int attempt, int? statusCode, string? error, TimeSpan delay);
}
