using System.Globalization;
using System.Net;
using System.Text;
using Alerts.Core.Webhooks;
using Alerts.Pipeline.Fetching;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;

namespace Alerts.Pipeline.Webhooks;

/// <summary>What one delivery attempt (its retries included) came to: delivered, or the last error and whether a later try may help.</summary>
public sealed record WebhookSendResult(bool Delivered, int Posts, string? Error = null, bool Transient = false);

/// <summary>
/// Posts one webhook body through the guarded HTTP client. Generic webhooks carry the Standard Webhooks headers
/// (<c>webhook-id</c> the message id, <c>webhook-timestamp</c> and <c>webhook-signature</c> computed again for
/// every post). 408, 429, 5xx, timeouts and network errors are retried up to <see cref="WebhookOptions.MaxAttempts"/>
/// posts, waiting as Retry-After asks (capped by <see cref="WebhookOptions.MaxRetryDelay"/>) or an exponential
/// back-off with jitter; other answers (a redirect, a 4xx, a refused address) are final at once.
/// </summary>
public sealed partial class WebhookSender
{
    private readonly GuardedHttpClient _http;
    private readonly WebhookOptions _options;
    private readonly TimeProvider _clock;
    private readonly ILogger<WebhookSender> _logger;
    private readonly ResiliencePipeline<Attempt> _retry;

    public WebhookSender(GuardedHttpClient http, IOptions<WebhookOptions> options, TimeProvider clock, ILogger<WebhookSender> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _http = http;
        _options = options.Value;
        _clock = clock;
        _logger = logger;
        _retry = _options.MaxAttempts == 1 ? ResiliencePipeline<Attempt>.Empty : new ResiliencePipelineBuilder<Attempt> { TimeProvider = clock }
            .AddRetry(new RetryStrategyOptions<Attempt>
            {
                MaxRetryAttempts = _options.MaxAttempts - 1,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = _options.RetryDelay,
                MaxDelay = _options.MaxRetryDelay,
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Result?.Transient == true),
                DelayGenerator = args => ValueTask.FromResult(args.Outcome.Result?.RetryAfter is { } wait
                    ? (TimeSpan?)(wait > _options.MaxRetryDelay ? _options.MaxRetryDelay : wait < TimeSpan.Zero ? TimeSpan.Zero : wait)
                    : null),
                OnRetry = args =>
                {
                    LogRetry(args.AttemptNumber + 2, args.Outcome.Result?.Error ?? "", args.RetryDelay);
                    return ValueTask.CompletedTask;
                },
            })
            .Build();
    }

    /// <summary>Posts <paramref name="body"/> to <paramref name="url"/>; never throws for an HTTP or network failure.</summary>
    public async Task<WebhookSendResult> SendAsync(ChannelKind kind, Uri url, string? secret, string messageId, byte[] body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(url);
        ArgumentNullException.ThrowIfNull(body);
        if (kind == ChannelKind.Webhook && !WebhookSignature.IsValidSecret(secret))
        {
            return new WebhookSendResult(false, 0, "webhooks: the channel has no valid signing secret; save the channel again to create one");
        }

        var posts = 0;
        var outcome = await _retry.ExecuteAsync(async token =>
        {
            posts++;
            return await PostOnceAsync(kind, url, secret, messageId, body, token);
        }, cancellationToken);
        return outcome.Delivered ? new WebhookSendResult(true, posts) : new WebhookSendResult(false, posts, outcome.Error, outcome.Transient);
    }

    private async Task<Attempt> PostOnceAsync(ChannelKind kind, Uri url, string? secret, string messageId, byte[] body, CancellationToken cancellationToken)
    {
        var headers = new List<KeyValuePair<string, string>>();
        if (kind == ChannelKind.Webhook)
        {
            var timestamp = _clock.GetUtcNow().ToUnixTimeSeconds();
            headers.Add(new("webhook-id", messageId));
            headers.Add(new("webhook-timestamp", timestamp.ToString(CultureInfo.InvariantCulture)));
            headers.Add(new("webhook-signature", WebhookSignature.Sign(secret!, messageId, timestamp, body)));
        }

        var where = $"{kind.ToString().ToLowerInvariant()} webhook at {GuardedHttpClient.HostOnly(url)}";
        try
        {
            var answer = await _http.PostAsync(url, body, "application/json; charset=utf-8", headers, _options.Timeout, _options.MaxResponseBytes, cancellationToken);
            if (answer.IsSuccess)
            {
                return new Attempt(true, null, false, null);
            }

            var status = answer.StatusCode;
            var detail = Detail(answer.BodyStart);
            if (status is >= 300 and < 400)
            {
                var to = answer.Location is { } location ? " to " + GuardedHttpClient.HostOnly(location.IsAbsoluteUri ? location : new Uri(url, location)) : "";
                return new Attempt(false, $"webhooks: {where} redirected ({status}){to}; enter the final URL", false, null);
            }

            var transient = status is (int)HttpStatusCode.RequestTimeout or (int)HttpStatusCode.TooManyRequests or >= 500;
            return new Attempt(false, $"webhooks: {where} answered {status}{detail}", transient, transient ? answer.RetryAfter : null);
        }
        catch (FetchException ex)
        {
            var transient = ex.Failure is FetchFailure.Timeout or FetchFailure.Network;
            return new Attempt(false, $"webhooks: {where}: {ex.Message}", transient, null);
        }
    }

    /// <summary>The answer's first line, short: Slack says "no_service", "invalid_payload", "channel_is_archived".</summary>
    private static string Detail(byte[] body)
    {
        var text = Encoding.UTF8.GetString(body).Split('\n', 2)[0].Trim();
        text = new string(text.Where(c => !char.IsControl(c)).Take(200).ToArray());
        return text.Length == 0 ? "" : $" ({text})";
    }

    private sealed record Attempt(bool Delivered, string? Error, bool Transient, TimeSpan? RetryAfter);

    [LoggerMessage(Level = LogLevel.Warning, Message = "webhooks: post {Attempt} follows after {Delay}: {Error}")]
    private partial void LogRetry(int attempt, string error, TimeSpan delay);
}
