using System.Buffers;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Alerts.Pipeline.Fetching;

/// <summary>
/// The one HTTP client the pipeline uses for feeds and article pages. Every fetch is a bounded GET:
/// a total time limit, a cap on decompressed bytes, redirects followed by hand (at most
/// <see cref="FetchOptions.MaxRedirects"/>, each hop re-checked), and the SSRF guard of
/// <see cref="AddressGuard"/> applied to the URL host and again to the address actually connected.
/// HTTP answers, errors included, come back as <see cref="FetchResult"/>; refusals and transport
/// failures throw <see cref="FetchException"/>.
/// </summary>
public sealed partial class GuardedHttpClient : IDisposable
{
    /// <summary>An Accept header for feeds.</summary>
    public const string FeedAccept =
        "application/rss+xml, application/atom+xml, application/rdf+xml;q=0.9, application/xml;q=0.8, text/xml;q=0.8, */*;q=0.5";

    /// <summary>An Accept header for article pages.</summary>
    public const string HtmlAccept = "text/html, application/xhtml+xml;q=0.9, */*;q=0.5";

    private readonly FetchOptions _options;
    private readonly IReadOnlyList<IPNetwork> _allowedNetworks;
    private readonly ILogger<GuardedHttpClient> _logger;
    private readonly TimeProvider _time;
    private readonly HttpClient _http;

    public GuardedHttpClient(IOptions<FetchOptions> options, ILogger<GuardedHttpClient> logger, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _options = options.Value;
        _allowedNetworks = AddressGuard.ParseNetworks(_options.AllowedNetworks);
        _logger = logger;
        _time = timeProvider;

        var handler = new SocketsHttpHandler
        {
            // Redirects are followed by hand so every hop passes the guard; a proxy would connect for us
            // and hide the real destination from the connect callback.
            AllowAutoRedirect = false,
            UseProxy = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.GZip | DecompressionMethods.Deflate | DecompressionMethods.Brotli,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            // Connection attempts outlive a cancelled request in the pool, so they get their own bound; the
            // margin lets the per-fetch timeout fire first and report itself.
            ConnectTimeout = _options.Timeout + TimeSpan.FromSeconds(1),
            // An abandoned body (over the cap, or a redirect's) is drained only this far for connection reuse.
            MaxResponseDrainSize = 64 * 1024,
            ConnectCallback = ConnectAsync,
        };
        _http = new HttpClient(handler, disposeHandler: true) { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
        _http.DefaultRequestHeaders.TryAddWithoutValidation("User-Agent", _options.UserAgent);
    }

    /// <summary>GETs <paramref name="url"/>, conditionally when <paramref name="validators"/> are given.</summary>
    public Task<FetchResult> FetchAsync(Uri url, FetchValidators? validators, CancellationToken cancellationToken) =>
        FetchAsync(url, validators, accept: null, cancellationToken);

    /// <summary>
    /// GETs <paramref name="url"/> with an optional Accept header (<see cref="FeedAccept"/>,
    /// <see cref="HtmlAccept"/>). Validators are sent exactly as stored on every hop; a 304 comes back
    /// with an empty body and the validators of the answer, or the ones sent when the answer repeats none.
    /// </summary>
    /// <exception cref="FetchException">The guard refused the URL or a hop, the body exceeded the cap, the
    /// time ran out, there were too many redirects, or the network failed.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<FetchResult> FetchAsync(Uri url, FetchValidators? validators, string? accept, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (!url.IsAbsoluteUri)
        {
            throw new ArgumentException($"fetcher: the URL {url} is not absolute", nameof(url));
        }

        var started = _time.GetTimestamp();
        var result = await GuardAsync(url, "GET", _options.Timeout,
            token => FollowRedirectsAsync(url, validators, accept, token), cancellationToken).ConfigureAwait(false);
        var elapsedMs = ElapsedMs(started);
        LogFetched(url, result.FinalUrl, result.StatusCode, result.Body.Length, elapsedMs);
        return result;
    }

    /// <summary>
    /// POSTs <paramref name="body"/> to <paramref name="url"/> under the same guard (scheme, address, connected
    /// address), within <paramref name="timeout"/>. Redirects are not followed (a POST is not repeated elsewhere):
    /// a 3xx comes back as the answer. At most <paramref name="maxResponseBytes"/> of the answer's body are read;
    /// the rest is left unread.
    /// </summary>
    /// <exception cref="FetchException">The guard refused the URL, the time ran out, or the network failed.</exception>
    public async Task<PostResult> PostAsync(Uri url, byte[] body, string contentType, IReadOnlyList<KeyValuePair<string, string>> headers,
        TimeSpan timeout, int maxResponseBytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(url);
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(headers);
        if (!url.IsAbsoluteUri)
        {
            throw new ArgumentException($"fetcher: the URL {url} is not absolute", nameof(url));
        }

        // A webhook URL is a credential (Slack's and Teams' carry their token in the path): messages and logs
        // name only its scheme, host and port.
        var shown = HostOnly(url);
        var started = _time.GetTimestamp();
        var result = await GuardAsync(shown, "POST", timeout, async token =>
        {
            CheckTarget(shown, shown);
            using var request = new HttpRequestMessage(HttpMethod.Post, url)
            {
                Version = HttpVersion.Version11,
                VersionPolicy = HttpVersionPolicy.RequestVersionOrLower,
                Content = new ByteArrayContent(body),
            };
            request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
            foreach (var (name, value) in headers)
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }

            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, token).ConfigureAwait(false);
            var start = await ReadStartAsync(response.Content, maxResponseBytes, token).ConfigureAwait(false);
            return new PostResult((int)response.StatusCode, start, RetryAfter(response), response.Headers.Location);
        }, cancellationToken).ConfigureAwait(false);
        var elapsedMs = ElapsedMs(started);
        LogPosted(shown, result.StatusCode, body.Length, elapsedMs);
        return result;
    }

    /// <summary><paramref name="url"/> without path and query (<c>https://hooks.slack.com/</c>), for messages about secret URLs.</summary>
    public static Uri HostOnly(Uri url)
    {
        ArgumentNullException.ThrowIfNull(url);
        return new Uri(url.GetLeftPart(UriPartial.Authority) + "/");
    }

    // Refusals, timeouts and network errors of one request as FetchException, each logged once.
    private async Task<T> GuardAsync<T>(Uri url, string method, TimeSpan limit, Func<CancellationToken, Task<T>> send, CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();
        using var timeout = new CancellationTokenSource(limit, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            return await send(linked.Token).ConfigureAwait(false);
        }
        catch (FetchException ex)
        {
            LogRefused(method, url, ex.Failure, ex.Message, ElapsedMs(started));
            throw;
        }
        catch (Exception ex) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            var timedOut = Failure(
                FetchFailure.Timeout,
                $"fetcher: timed out after {Seconds(limit)} {Verb(method)} {url}",
                ex);
            LogRefused(method, url, timedOut.Failure, timedOut.Message, ElapsedMs(started));
            throw timedOut;
        }
        catch (HttpRequestException ex) when (ex.InnerException is FetchException refused)
        {
            // The connect callback refused a resolved address; the handler wraps what it throws.
            var rethrown = Failure(refused.Failure, refused.Message, ex);
            LogRefused(method, url, rethrown.Failure, rethrown.Message, ElapsedMs(started));
            throw rethrown;
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException && !cancellationToken.IsCancellationRequested)
        {
            var failed = Failure(
                FetchFailure.Network,
                $"fetcher: network error ({ex.GetBaseException().Message}) {Verb(method)} {url}",
                ex);
            LogRefused(method, url, failed.Failure, failed.Message, ElapsedMs(started));
            throw failed;
        }
    }

    private static string Verb(string method) => method == "GET" ? "fetching" : "posting to";

    // The first bytes of an answer (an error's explanation); the rest is never read.
    private static async Task<byte[]> ReadStartAsync(HttpContent content, int max, CancellationToken cancellationToken)
    {
        var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            var buffer = new byte[max];
            var filled = 0;
            int read;
            while (filled < max && (read = await stream.ReadAsync(buffer.AsMemory(filled), cancellationToken).ConfigureAwait(false)) > 0)
            {
                filled += read;
            }

            return buffer[..filled];
        }
    }

    public void Dispose() => _http.Dispose();

    private async Task<FetchResult> FollowRedirectsAsync(
        Uri requested, FetchValidators? validators, string? accept, CancellationToken cancellationToken)
    {
        var current = requested;
        var visited = new HashSet<string>(StringComparer.Ordinal) { requested.AbsoluteUri };
        for (var redirects = 0; ; redirects++)
        {
            CheckTarget(current, requested);
            using var request = BuildRequest(current, validators, accept);
            using var response = await _http
                .SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken)
                .ConfigureAwait(false);

            if (IsRedirect(response.StatusCode) && response.Headers.Location is { } location)
            {
                var next = location.IsAbsoluteUri ? location : new Uri(current, location);
                if (!visited.Add(next.AbsoluteUri))
                {
                    throw Failure(FetchFailure.TooManyRedirects, $"fetcher: redirect loop back to {next} fetching {requested}");
                }

                if (redirects + 1 > _options.MaxRedirects)
                {
                    throw Failure(
                        FetchFailure.TooManyRedirects,
                        $"fetcher: more than {_options.MaxRedirects} redirects (Fetch:MaxRedirects) fetching {requested}");
                }

                LogRedirect(current, next, (int)response.StatusCode);
                current = next;
                continue;
            }

            return await ReadResultAsync(requested, current, response, validators, cancellationToken).ConfigureAwait(false);
        }
    }

    private static bool IsRedirect(HttpStatusCode status) => status is HttpStatusCode.MovedPermanently
        or HttpStatusCode.Found or HttpStatusCode.SeeOther or HttpStatusCode.TemporaryRedirect or HttpStatusCode.PermanentRedirect;

    private static HttpRequestMessage BuildRequest(Uri url, FetchValidators? validators, string? accept)
    {
        // HTTP/1.1 only: HTTP/3 runs over QUIC, which bypasses the connect callback and so the guard.
        var request = new HttpRequestMessage(HttpMethod.Get, url)
        {
            Version = HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionOrLower,
        };
        if (!string.IsNullOrEmpty(accept))
        {
            request.Headers.TryAddWithoutValidation("Accept", accept);
        }

        if (!string.IsNullOrEmpty(validators?.ETag))
        {
            request.Headers.TryAddWithoutValidation("If-None-Match", validators.ETag);
        }

        if (!string.IsNullOrEmpty(validators?.LastModified))
        {
            request.Headers.TryAddWithoutValidation("If-Modified-Since", validators.LastModified);
        }

        return request;
    }

    // The first check of a hop, before any socket: the scheme, and the host when it is an IP literal in
    // any spelling. Host names are checked after resolution, in ConnectAsync.
    private void CheckTarget(Uri target, Uri requested)
    {
        var via = target == requested ? "" : $" (redirected from {requested})";
        if (target.Scheme != Uri.UriSchemeHttp && target.Scheme != Uri.UriSchemeHttps)
        {
            throw Failure(
                FetchFailure.UnsupportedScheme,
                $"fetcher: refused scheme '{target.Scheme}' for {target}{via} (only http and https are fetched)");
        }

        if (AddressGuard.TryParseNumericHost(target.IdnHost, out var address) && !IsAllowed(address))
        {
            throw Refusal(address, target, $"{via}");
        }
    }

    private bool IsAllowed(IPAddress address) =>
        AddressGuard.IsAllowed(address, _options.AllowPrivateAddresses, _allowedNetworks);

    private static FetchException Refusal(IPAddress address, Uri url, string detail)
    {
        var addressClass = AddressGuard.Classify(address);
        var hint = AddressGuard.IsPrivateClass(addressClass)
            ? "set Fetch:AllowPrivateAddresses or Fetch:AllowedNetworks to allow"
            : "only Fetch:AllowedNetworks can allow it";
        return Failure(
            FetchFailure.BlockedAddress,
            $"fetcher: refused {AddressGuard.Describe(addressClass)} address {address} for {url}{detail} ({hint})");
    }

    // Resolves the host itself and connects only to an address the guard allows, so what is checked is
    // what is connected: a DNS answer cannot change between the check and the connect.
    private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var host = context.DnsEndPoint.Host;
        var url = context.InitialRequestMessage.Method == HttpMethod.Post
            ? HostOnly(context.InitialRequestMessage.RequestUri!)
            : context.InitialRequestMessage.RequestUri!;
        var addresses = AddressGuard.TryParseNumericHost(host, out var literal)
            ? [literal]
            : await Dns.GetHostAddressesAsync(host, cancellationToken).ConfigureAwait(false);
        if (addresses.Length == 0)
        {
            throw Failure(FetchFailure.Network, $"fetcher: {host} resolved to no address fetching {url}");
        }

        var allowed = addresses.Where(IsAllowed).ToList();
        if (allowed.Count == 0)
        {
            var detail = literal is null ? $" (resolved from {host})" : "";
            throw Refusal(addresses[0], url, detail);
        }

        if (allowed.Count < addresses.Length)
        {
            LogSkippedAddresses(url, host, addresses.Length - allowed.Count);
        }

        SocketException? lastError = null;
        foreach (var address in allowed)
        {
            var target = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
            Socket? socket = null;
            try
            {
                socket = new Socket(target.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                await socket.ConnectAsync(new IPEndPoint(target, context.DnsEndPoint.Port), cancellationToken).ConfigureAwait(false);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (SocketException ex)
            {
                socket?.Dispose();
                lastError = ex;
            }
            catch
            {
                socket?.Dispose();
                throw;
            }
        }

        throw lastError!;
    }

    private async Task<FetchResult> ReadResultAsync(
        Uri requested, Uri final, HttpResponseMessage response, FetchValidators? validators, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        var notModified = response.StatusCode == HttpStatusCode.NotModified;
        var body = notModified ? [] : await ReadBodyAsync(requested, response.Content, cancellationToken).ConfigureAwait(false);
        var contentType = response.Content.Headers.ContentType;
        var etag = FirstRaw(response.Headers.NonValidated, "ETag");
        var lastModified = FirstRaw(response.Content.Headers.NonValidated, "Last-Modified");
        return new FetchResult
        {
            RequestedUrl = requested,
            FinalUrl = final,
            StatusCode = status,
            Body = body,
            MediaType = contentType?.MediaType?.ToLowerInvariant(),
            Charset = contentType?.CharSet?.Trim('"', '\'', ' '),
            ETag = etag ?? (notModified ? validators?.ETag : null),
            LastModified = lastModified ?? (notModified ? validators?.LastModified : null),
            RetryAfter = RetryAfter(response),
            MaxAge = response.Headers.CacheControl?.MaxAge,
        };
    }

    private async Task<byte[]> ReadBodyAsync(Uri requested, HttpContent content, CancellationToken cancellationToken)
    {
        // With automatic decompression the handler drops Content-Length, so this catches plain bodies and
        // compressed ones whose compressed size alone is over the cap; the read loop catches the rest.
        if (content.Headers.ContentLength is { } declared && declared > _options.MaxBytes)
        {
            throw Failure(
                FetchFailure.TooLarge,
                $"fetcher: declared body of {declared} bytes is over the {_options.MaxBytes}-byte limit (Fetch:MaxBytes) fetching {requested}");
        }

        var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            using var body = new MemoryStream();
            var chunk = ArrayPool<byte>.Shared.Rent(64 * 1024);
            try
            {
                int read;
                while ((read = await stream.ReadAsync(chunk.AsMemory(), cancellationToken).ConfigureAwait(false)) > 0)
                {
                    if (body.Length + read > _options.MaxBytes)
                    {
                        throw Failure(
                            FetchFailure.TooLarge,
                            $"fetcher: body is over the {_options.MaxBytes}-byte limit (Fetch:MaxBytes) after decompression fetching {requested}");
                    }

                    body.Write(chunk, 0, read);
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(chunk);
            }

            return body.ToArray();
        }
    }

    // Retry-After is either delta seconds or an HTTP date; a date is measured from the response's own Date
    // (the server's clock), or from now when the response has none.
    private TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        var retryAfter = response.Headers.RetryAfter;
        if (retryAfter?.Delta is { } delta)
        {
            return delta;
        }

        if (retryAfter?.Date is { } date)
        {
            var wait = date - (response.Headers.Date ?? _time.GetUtcNow());
            return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        }

        return null;
    }

    private static string? FirstRaw(HttpHeadersNonValidated headers, string name)
    {
        if (headers.TryGetValues(name, out var values))
        {
            foreach (var value in values)
            {
                return value;
            }
        }

        return null;
    }

    private static FetchException Failure(FetchFailure failure, string message, Exception? inner = null) =>
        inner is null ? new FetchException(message) { Failure = failure } : new FetchException(message, inner) { Failure = failure };

    private static string Seconds(TimeSpan span) => string.Create(CultureInfo.InvariantCulture, $"{span.TotalSeconds:0.###} s");

    private long ElapsedMs(long started) => (long)_time.GetElapsedTime(started).TotalMilliseconds;

    [LoggerMessage(Level = LogLevel.Debug, Message = "fetcher: GET {Url} answered {StatusCode} from {FinalUrl} with {Bytes} bytes in {ElapsedMs} ms")]
    private partial void LogFetched(Uri url, Uri finalUrl, int statusCode, int bytes, long elapsedMs);

    [LoggerMessage(Level = LogLevel.Debug, Message = "fetcher: {Url} redirected ({StatusCode}) to {Location}")]
    private partial void LogRedirect(Uri url, Uri location, int statusCode);

    [LoggerMessage(Level = LogLevel.Debug, Message = "fetcher: {Host} for {Url} resolved to {Count} refused addresses, which were skipped")]
    private partial void LogSkippedAddresses(Uri url, string host, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "fetcher: {Method} {Url} failed ({Failure}) after {ElapsedMs} ms: {Reason}")]
    private partial void LogRefused(string method, Uri url, FetchFailure failure, string reason, long elapsedMs);

    [LoggerMessage(Level = LogLevel.Debug, Message = "fetcher: POST {Url} of {Bytes} bytes answered {StatusCode} in {ElapsedMs} ms")]
    private partial void LogPosted(Uri url, int statusCode, int bytes, long elapsedMs);
}
