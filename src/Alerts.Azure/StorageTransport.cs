using System.Net;
using System.Text.Json;
using System.Xml.Linq;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace Alerts.Azure;

/// <summary>
/// Sends signed requests to the storage services through one Polly pipeline: a retry with exponential
/// back-off and jitter on 408, 429, 500, 503, attempt timeouts and connection failures, around a timeout per
/// attempt. Every attempt builds and signs a fresh request (a sent request cannot be reused, and the date
/// is part of the signature). Retried writes are at-least-once, like everything in the pipeline.
/// </summary>
public sealed class StorageTransport
{
    private readonly HttpClient _http;
    private readonly ResiliencePipeline<HttpResponseMessage> _pipeline;

    public StorageTransport(HttpClient http, StorageRequestSigner signer, int maxRetries, TimeSpan retryDelay, TimeSpan requestTimeout)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(signer);
        _http = http;
        Signer = signer;
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage>();
        if (maxRetries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = maxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = retryDelay,
                ShouldHandle = new PredicateBuilder<HttpResponseMessage>()
                    .Handle<HttpRequestException>()
                    .Handle<TimeoutRejectedException>()
                    .HandleResult(response => IsTransient(response.StatusCode)),
            });
        }

        _pipeline = builder.AddTimeout(requestTimeout).Build();
    }

    public StorageRequestSigner Signer { get; }

    public StorageAccount Account => Signer.Account;

    /// <summary>Whether a status is worth another attempt: 408, 429, 500 and 503 (the service's "busy" and "timeout" answers).</summary>
    public static bool IsTransient(HttpStatusCode status) =>
        status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests
            or HttpStatusCode.InternalServerError or HttpStatusCode.ServiceUnavailable;

    /// <summary>
    /// Sends the request <paramref name="build"/> makes (once per attempt) and returns the final response with
    /// its body buffered, whatever its status. Throws <see cref="AzureStorageException"/> when no response came.
    /// </summary>
    public async Task<HttpResponseMessage> SendAsync(string operation, StorageService service, Func<HttpRequestMessage> build,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(build);
        try
        {
            return await _pipeline.ExecuteAsync(async token =>
            {
                using var request = build();
                await Signer.SignAsync(request, service, token);
                return await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, token);
            }, cancellationToken);
        }
        catch (Exception ex) when (ex is HttpRequestException or TimeoutRejectedException)
        {
            throw AzureStorageException.NoResponse(operation, ex);
        }
    }

    /// <summary>Sends, and throws <see cref="AzureStorageException"/> unless the status is one of <paramref name="accepted"/>.</summary>
    public async Task<HttpResponseMessage> SendExpectingAsync(string operation, StorageService service, Func<HttpRequestMessage> build,
        CancellationToken cancellationToken, params HttpStatusCode[] accepted)
    {
        var response = await SendAsync(operation, service, build, cancellationToken);
        if (Array.IndexOf(accepted, response.StatusCode) < 0)
        {
            using (response)
            {
                throw await ErrorAsync(operation, response, cancellationToken);
            }
        }

        return response;
    }

    /// <summary>The exception for an unexpected response: status, x-ms-error-code (or the body's code) and the body's message.</summary>
    public static async Task<AzureStorageException> ErrorAsync(string operation, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(response);
        var code = response.Headers.TryGetValues("x-ms-error-code", out var codes) ? codes.FirstOrDefault() : null;
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        var (bodyCode, message) = ParseErrorBody(body);
        return new AzureStorageException(operation, response.StatusCode, code ?? bodyCode, message);
    }

    /// <summary>Code and first message line of an error body: XML (&lt;Error&gt;&lt;Code&gt;&lt;Message&gt;) or OData JSON (odata.error).</summary>
    internal static (string? Code, string? Message) ParseErrorBody(string body)
    {
        var text = body.TrimStart();
        try
        {
            if (text.StartsWith('<'))
            {
                var root = XDocument.Parse(text).Root;
                return (root?.Element("Code")?.Value, FirstLine(root?.Element("Message")?.Value));
            }

            if (text.StartsWith('{'))
            {
                using var json = JsonDocument.Parse(text);
                if (json.RootElement.TryGetProperty("odata.error", out var error))
                {
                    var code = error.TryGetProperty("code", out var c) ? c.GetString() : null;
                    var message = error.TryGetProperty("message", out var m) && m.TryGetProperty("value", out var v) ? v.GetString() : null;
                    return (code, FirstLine(message));
                }
            }
        }
        catch (Exception ex) when (ex is System.Xml.XmlException or JsonException)
        {
            // An unreadable error body still leaves the status and header code.
        }

        return (null, null);
    }

    private static string? FirstLine(string? message) => message?.Split('\n', 2)[0].Trim();
}
