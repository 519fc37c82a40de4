using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Alerts.Core.Mail;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;

namespace Alerts.Pipeline.Mail;

/// <summary>
/// Delivers mail with the SendGrid v3 Mail Send API: one <c>POST /v3/mail/send</c> with a JSON body
/// (personalizations, from, subject, content parts with text/plain first, headers, and
/// <c>custom_args.digest_id</c> carrying the idempotency key so events and webhooks can be matched back).
/// </summary>
/// <remarks>
/// 429 and 5xx answers and network errors are retried up to <see cref="SendGridMailOptions.MaxAttempts"/>
/// times, waiting as long as Retry-After asks (capped by <see cref="SendGridMailOptions.MaxRetryDelay"/>) or
/// an exponential back-off with jitter; after the last try they throw <see cref="MailTransientException"/>.
/// Any other 4xx is a permanent failure carrying SendGrid's own error messages. SendGrid reserves some
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
    private readonly ResiliencePipeline<HttpResponseMessage> _retry;

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
        var body = RequestBody(message, idempotencyKey);
        var endpoint = new Uri(_options.BaseUrl, "/v3/mail/send");
        var http = _httpFactory.CreateClient(HttpClientName);
        var attempts = 0;

        HttpResponseMessage response;
        try
        {
            response = await _retry.ExecuteAsync(
                async token =>
                {
                    attempts++;
                    using var timeout = CancellationTokenSource.CreateLinkedTokenSource(token);
                    timeout.CancelAfter(_options.Timeout);
                    using var request = new HttpRequestMessage(HttpMethod.Post, endpoint)
                    {
                        Content = new ByteArrayContent(body) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" } } },
                    };
                    request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _options.ApiKey);
                    var answer = await http.SendAsync(request, timeout.Token);

                    // Read the body while the timeout still applies, so error messages are available later.
                    await answer.Content.LoadIntoBufferAsync(timeout.Token);
                    return answer;
                },
                cancellationToken);
        }
        catch (Exception ex) when (ex is HttpRequestException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw new MailTransientException($"mail: SendGrid could not be reached after {attempts} tries: {ex.Message}", ex);
        }

        using (response)
        {
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
    }

    /// <summary>The v3 Mail Send JSON body.</summary>
    internal static byte[] RequestBody(MailMessage message, string idempotencyKey)
    {
        var from = MailHeaders.Address(message.From, "From");
        var to = MailHeaders.Address(message.To, "To");
        var headers = new List<KeyValuePair<string, string>>();
        if (MailHeaders.ListId(message) is { } listId)
        {
            headers.Add(new("List-Id", listId));
        }

        if (MailHeaders.ListUnsubscribe(message) is { } unsubscribe)
        {
            headers.Add(new("List-Unsubscribe", unsubscribe));
        }

        if (message.ListUnsubscribePost)
        {
            headers.Add(new("List-Unsubscribe-Post", MailHeaders.OneClick));
        }

        headers.AddRange(MailHeaders.Extra(message));

        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartArray("personalizations");
            json.WriteStartObject();
            json.WriteStartArray("to");
            WriteAddress(json, to, message.To.DisplayName);
            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteEndArray();

            json.WritePropertyName("from");
            WriteAddress(json, from, message.From.DisplayName);
            json.WriteString("subject", MailHeaders.SingleLine(message.Subject));

            json.WriteStartArray("content");
            WriteContent(json, "text/plain", message.TextBody);
            if (message.HtmlBody is not null)
            {
                WriteContent(json, "text/html", message.HtmlBody);
            }

            json.WriteEndArray();

            if (headers.Count > 0)
            {
                json.WriteStartObject("headers");
                foreach (var (name, value) in headers)
                {
                    json.WriteString(name, value);
                }

                json.WriteEndObject();
            }

            json.WriteStartObject("custom_args");
            json.WriteString("digest_id", idempotencyKey);
            json.WriteEndObject();
            json.WriteEndObject();
        }

        return buffer.ToArray();
    }

    private static void WriteAddress(Utf8JsonWriter json, string email, string? displayName)
    {
        json.WriteStartObject();
        json.WriteString("email", email);
        var name = MailHeaders.SingleLine(displayName);
        if (name.Length > 0)
        {
            json.WriteString("name", name);
        }

        json.WriteEndObject();
    }

    private static void WriteContent(Utf8JsonWriter json, string type, string value)
    {
        json.WriteStartObject();
        json.WriteString("type", type);
        json.WriteString("value", value);
        json.WriteEndObject();
    }

    private static bool IsTransient(HttpStatusCode status) => status == HttpStatusCode.TooManyRequests || (int)status >= 500;

    private ResiliencePipeline<HttpResponseMessage> BuildRetry()
    {
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = _clock };
        if (_options.MaxAttempts <= 1)
        {
            return builder.Build();
        }

        return builder.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
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
    private TimeSpan? RetryAfter(HttpResponseMessage? response)
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
    private static async Task<string> ErrorMessagesAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
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
        return snippet.Length == 0 ? response.ReasonPhrase ?? "no details" : snippet[..Math.Min(snippet.Length, 200)];
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "mail: SendGrid accepted {Key} ({StatusCode}, message id {ProviderId})")]
    private static partial void LogSent(ILogger logger, string key, int statusCode, string? providerId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "mail: {Key} refused: {Reason}")]
    private static partial void LogRefused(ILogger logger, string key, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "mail: SendGrid try {Attempt} follows ({StatusCode} {Error}) after {Delay}")]
    private static partial void LogRetry(ILogger logger, int attempt, int? statusCode, string? error, TimeSpan delay);
}
