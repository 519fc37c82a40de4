using System.Diagnostics;
using System.IO.Compression;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Alerts.Pipeline.Fetching;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Alerts.Tests.Fetching;

/// <summary>HTTP behaviour of the guarded client against a loopback Kestrel server (allowed as 127.0.0.1/32).</summary>
public class GuardedHttpClientTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    internal static GuardedHttpClient Client(Action<FetchOptions>? configure = null, TimeProvider? time = null)
    {
        var options = new FetchOptions { AllowedNetworks = { "127.0.0.1/32" } };
        configure?.Invoke(options);
        return new GuardedHttpClient(Options.Create(options), NullLogger<GuardedHttpClient>.Instance, time ?? TimeProvider.System);
    }

    [Theory]
    [InlineData("\"v1\"")]
    [InlineData("W/\"v1-weak\"")]
    [InlineData("unquoted-etag-42")]
    public async Task ConditionalGetSendsTheStoredValidatorsBackAndA304HasAnEmptyBody(string etag)
    {
        const string lastModified = "Sat, 21 Nov 2026 09:00:00 GMT";
        await using var server = await LoopbackServer.StartAsync(async context =>
        {
            if (context.Request.Headers.IfNoneMatch == etag)
            {
                context.Response.StatusCode = StatusCodes.Status304NotModified;
                return;
            }

            context.Response.Headers.ETag = etag;
            context.Response.Headers.LastModified = lastModified;
            context.Response.ContentType = "application/RSS+xml; charset=\"utf-8\"";
            await context.Response.WriteAsync("<rss version=\"2.0\"/>");
        });
        using var client = Client();

        var first = await client.FetchAsync(server.Url("feed"), null, Ct);
        first.StatusCode.ShouldBe(200);
        first.ETag.ShouldBe(etag);
        first.LastModified.ShouldBe(lastModified);
        first.MediaType.ShouldBe("application/rss+xml");
        first.Charset.ShouldBe("utf-8");
        Encoding.UTF8.GetString(first.Body).ShouldBe("<rss version=\"2.0\"/>");

        var second = await client.FetchAsync(server.Url("feed"), new FetchValidators(first.ETag, first.LastModified), Ct);
        second.StatusCode.ShouldBe(304);
        second.NotModified.ShouldBeTrue();
        second.Body.ShouldBeEmpty();
        second.ETag.ShouldBe(etag);
        second.LastModified.ShouldBe(lastModified);

        var requests = server.Requests.ToArray();
        requests[0].Header("If-None-Match").ShouldBeNull();
        requests[0].Header("If-Modified-Since").ShouldBeNull();
        requests[1].Header("If-None-Match").ShouldBe(etag);
        requests[1].Header("If-Modified-Since").ShouldBe(lastModified);
    }

    [Theory]
    [InlineData("gzip")]
    [InlineData("deflate")]
    [InlineData("br")]
    public async Task CompressedBodiesComeBackDecompressed(string encoding)
    {
        var text = string.Concat(Enumerable.Repeat("Ankara says its position on the S-400 remains unchanged. ", 500));
        var compressed = Compress(encoding, Encoding.UTF8.GetBytes(text));
        await using var server = await LoopbackServer.StartAsync(async context =>
        {
            context.Response.Headers.ContentEncoding = encoding;
            context.Response.ContentType = "text/html";
            await context.Response.Body.WriteAsync(compressed);
        });
        using var client = Client();

        var result = await client.FetchAsync(server.Url("page"), null, Ct);

        result.StatusCode.ShouldBe(200);
        Encoding.UTF8.GetString(result.Body).ShouldBe(text);
        var acceptEncoding = server.Requests.Single().Header("Accept-Encoding");
        acceptEncoding.ShouldNotBeNull();
        acceptEncoding.ShouldContain("gzip");
        acceptEncoding.ShouldContain("deflate");
        acceptEncoding.ShouldContain("br");
    }

    [Fact]
    public async Task AGzipBombIsCutOffAtTheDecompressedLimit()
    {
        var bomb = Compress("gzip", new byte[20_000_000]);
        bomb.Length.ShouldBeLessThan(100_000);
        await using var server = await LoopbackServer.StartAsync(async context =>
        {
            context.Response.Headers.ContentEncoding = "gzip";
            context.Response.ContentLength = bomb.Length;
            await context.Response.Body.WriteAsync(bomb, context.RequestAborted);
        });
        using var client = Client(o => o.MaxBytes = 1_048_576);

        var watch = Stopwatch.StartNew();
        var error = await Should.ThrowAsync<FetchException>(() => client.FetchAsync(server.Url("bomb"), null, Ct));

        error.Failure.ShouldBe(FetchFailure.TooLarge);
        error.Message.ShouldBe(
            $"fetcher: body is over the 1048576-byte limit (Fetch:MaxBytes) after decompression fetching {server.Url("bomb")}");
        watch.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task AStreamedBodyPastTheDefaultCapIsRefused()
    {
        await using var server = await LoopbackServer.StartAsync(async context =>
        {
            var chunk = new byte[64 * 1024];
            for (long sent = 0; sent < 50_000_000; sent += chunk.Length)
            {
                await context.Response.Body.WriteAsync(chunk, context.RequestAborted);
            }
        });
        using var client = Client();

        var error = await Should.ThrowAsync<FetchException>(() => client.FetchAsync(server.Url("big"), null, Ct));

        error.Failure.ShouldBe(FetchFailure.TooLarge);
        error.Message.ShouldContain("15000000-byte limit");
    }

    [Fact]
    public async Task ADeclaredContentLengthOverTheCapIsRefusedBeforeReadingTheBody()
    {
        await using var server = await LoopbackServer.StartAsync(async context =>
        {
            context.Response.ContentLength = 50_000_000;
            await context.Response.Body.FlushAsync(context.RequestAborted);
            await Task.Delay(Timeout.Infinite, context.RequestAborted);
        });
        using var client = Client(o => o.Timeout = TimeSpan.FromSeconds(30));

        var watch = Stopwatch.StartNew();
        var error = await Should.ThrowAsync<FetchException>(() => client.FetchAsync(server.Url("huge"), null, Ct));

        error.Failure.ShouldBe(FetchFailure.TooLarge);
        error.Message.ShouldBe(
            $"fetcher: declared body of 50000000 bytes is over the 15000000-byte limit (Fetch:MaxBytes) fetching {server.Url("huge")}");
        watch.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task ARedirectLoopIsRefused()
    {
        await using var server = await LoopbackServer.StartAsync(context =>
        {
            context.Response.Redirect(context.Request.Path == "/a" ? "/b" : "/a");
            return Task.CompletedTask;
        });
        using var client = Client();

        var error = await Should.ThrowAsync<FetchException>(() => client.FetchAsync(server.Url("a"), null, Ct));

        error.Failure.ShouldBe(FetchFailure.TooManyRedirects);
        error.Message.ShouldBe($"fetcher: redirect loop back to {server.Url("a")} fetching {server.Url("a")}");
    }

    [Theory]
    [InlineData(5, true)]
    [InlineData(6, false)]
    public async Task AtMostMaxRedirectsAreFollowed(int hops, bool succeeds)
    {
        await using var server = await LoopbackServer.StartAsync(HopServer);
        using var client = Client();
        var start = server.Url($"hop/{hops}");

        if (succeeds)
        {
            var result = await client.FetchAsync(start, null, Ct);
            result.StatusCode.ShouldBe(200);
            result.RequestedUrl.ShouldBe(start);
            result.FinalUrl.ShouldBe(server.Url("hop/0"));
            Encoding.UTF8.GetString(result.Body).ShouldBe("arrived");
        }
        else
        {
            var error = await Should.ThrowAsync<FetchException>(() => client.FetchAsync(start, null, Ct));
            error.Failure.ShouldBe(FetchFailure.TooManyRedirects);
            error.Message.ShouldBe($"fetcher: more than 5 redirects (Fetch:MaxRedirects) fetching {start}");
            server.Requests.Count.ShouldBe(6);
        }
    }

    [Theory]
    [InlineData(301)]
    [InlineData(302)]
    [InlineData(303)]
    [InlineData(307)]
    [InlineData(308)]
    public async Task EveryRedirectStatusIsFollowedWithARelativeLocation(int status)
    {
        await using var server = await LoopbackServer.StartAsync(async context =>
        {
            if (context.Request.Path == "/old/feed")
            {
                context.Response.StatusCode = status;
                context.Response.Headers.Location = "../new/feed?x=1";
                return;
            }

            await context.Response.WriteAsync("moved here");
        });
        using var client = Client();

        var result = await client.FetchAsync(server.Url("old/feed"), null, Ct);

        result.FinalUrl.ShouldBe(server.Url("new/feed?x=1"));
        Encoding.UTF8.GetString(result.Body).ShouldBe("moved here");
    }

    [Theory]
    [InlineData(404)]
    [InlineData(410)]
    [InlineData(500)]
    public async Task HttpErrorStatusesAreReturnedNotThrown(int status)
    {
        await using var server = await LoopbackServer.StartAsync(async context =>
        {
            context.Response.StatusCode = status;
            await context.Response.WriteAsync("no such feed");
        });
        using var client = Client();

        var result = await client.FetchAsync(server.Url("missing"), null, Ct);

        result.StatusCode.ShouldBe(status);
        result.IsSuccess.ShouldBeFalse();
        Encoding.UTF8.GetString(result.Body).ShouldBe("no such feed");
    }

    [Fact]
    public async Task AServerThatTricklesItsBodyTimesOut()
    {
        await using var server = await LoopbackServer.StartAsync(async context =>
        {
            context.Response.ContentType = "application/rss+xml";
            while (true)
            {
                await context.Response.Body.WriteAsync("<"u8.ToArray(), context.RequestAborted);
                await context.Response.Body.FlushAsync(context.RequestAborted);
                await Task.Delay(200, context.RequestAborted);
            }
        });
        using var client = Client(o => o.Timeout = TimeSpan.FromSeconds(1));

        var watch = Stopwatch.StartNew();
        var error = await Should.ThrowAsync<FetchException>(() => client.FetchAsync(server.Url("slow"), null, Ct));

        error.Failure.ShouldBe(FetchFailure.Timeout);
        error.Message.ShouldBe($"fetcher: timed out after 1 s fetching {server.Url("slow")}");
        watch.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task AServerThatNeverAnswersTimesOut()
    {
        await using var server = await LoopbackServer.StartAsync(context => Task.Delay(Timeout.Infinite, context.RequestAborted));
        using var client = Client(o => o.Timeout = TimeSpan.FromSeconds(1));

        var watch = Stopwatch.StartNew();
        var error = await Should.ThrowAsync<FetchException>(() => client.FetchAsync(server.Url("silent"), null, Ct));

        error.Failure.ShouldBe(FetchFailure.Timeout);
        error.Message.ShouldBe($"fetcher: timed out after 1 s fetching {server.Url("silent")}");
        watch.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task CancellationByTheCallerIsNotReportedAsATimeout()
    {
        await using var server = await LoopbackServer.StartAsync(context => Task.Delay(Timeout.Infinite, context.RequestAborted));
        using var client = Client();
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        cancel.CancelAfter(TimeSpan.FromMilliseconds(200));

        await Should.ThrowAsync<OperationCanceledException>(() => client.FetchAsync(server.Url("silent"), null, cancel.Token));
    }

    [Fact]
    public async Task ARefusedConnectionIsANetworkFailure()
    {
        Uri closed;
        await using (var server = await LoopbackServer.StartAsync(_ => Task.CompletedTask))
        {
            closed = server.Url("gone");
        }

        using var client = Client();

        var error = await Should.ThrowAsync<FetchException>(() => client.FetchAsync(closed, null, Ct));

        error.Failure.ShouldBe(FetchFailure.Network);
        error.Message.ShouldStartWith("fetcher: network error (");
        error.Message.ShouldEndWith($") fetching {closed}");
    }

    [Fact]
    public async Task RetryAfterInSecondsIsParsed()
    {
        await using var server = await LoopbackServer.StartAsync(context =>
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            context.Response.Headers.RetryAfter = "120";
            return Task.CompletedTask;
        });
        using var client = Client();

        var result = await client.FetchAsync(server.Url("busy"), null, Ct);

        result.StatusCode.ShouldBe(503);
        result.RetryAfter.ShouldBe(TimeSpan.FromSeconds(120));
    }

    [Fact]
    public async Task RetryAfterAsAnHttpDateIsMeasuredFromTheResponseDate()
    {
        await using var server = await LoopbackServer.StartAsync(context =>
        {
            context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
            context.Response.Headers.Date = "Mon, 05 Jan 2026 10:00:00 GMT";
            context.Response.Headers.RetryAfter = "Mon, 05 Jan 2026 10:01:30 GMT";
            return Task.CompletedTask;
        });
        using var client = Client();

        var result = await client.FetchAsync(server.Url("busy"), null, Ct);

        result.StatusCode.ShouldBe(429);
        result.RetryAfter.ShouldBe(TimeSpan.FromSeconds(90));
    }

    [Fact]
    public async Task RetryAfterAsAnHttpDateWithoutAResponseDateIsMeasuredFromTheClock()
    {
        // Kestrel always sends Date, so this answer comes from a bare socket on loopback.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var serve = Task.Run(async () =>
        {
            using var connection = await listener.AcceptTcpClientAsync(Ct);
            var stream = connection.GetStream();
            var request = new byte[8192];
            var seen = 0;
            while (!Encoding.ASCII.GetString(request, 0, seen).Contains("\r\n\r\n", StringComparison.Ordinal))
            {
                var read = await stream.ReadAsync(request.AsMemory(seen), Ct);
                if (read == 0)
                {
                    return;
                }

                seen += read;
            }

            await stream.WriteAsync(Encoding.ASCII.GetBytes(
                "HTTP/1.1 503 Service Unavailable\r\nRetry-After: Mon, 05 Jan 2026 10:05:00 GMT\r\n" +
                "Content-Length: 0\r\nConnection: close\r\n\r\n"), Ct);
        }, Ct);
        using var client = Client(time: new FixedClock(new DateTimeOffset(2026, 1, 5, 10, 0, 0, TimeSpan.Zero)));

        var result = await client.FetchAsync(new Uri($"http://127.0.0.1:{port}/busy"), null, Ct);
        await serve;

        result.StatusCode.ShouldBe(503);
        result.RetryAfter.ShouldBe(TimeSpan.FromMinutes(5));
    }

    [Fact]
    public async Task RetryAfterInThePastMeansNow()
    {
        await using var server = await LoopbackServer.StartAsync(context =>
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            context.Response.Headers.Date = "Mon, 05 Jan 2026 10:00:00 GMT";
            context.Response.Headers.RetryAfter = "Mon, 05 Jan 2026 09:00:00 GMT";
            return Task.CompletedTask;
        });
        using var client = Client();

        var result = await client.FetchAsync(server.Url("busy"), null, Ct);

        result.RetryAfter.ShouldBe(TimeSpan.Zero);
    }

    [Fact]
    public async Task CacheControlMaxAgeIsParsedAndAbsentHeadersStayNull()
    {
        await using var server = await LoopbackServer.StartAsync(async context =>
        {
            if (context.Request.Path == "/cached")
            {
                context.Response.Headers.CacheControl = "public, max-age=600";
            }

            await context.Response.WriteAsync("ok");
        });
        using var client = Client();

        var cached = await client.FetchAsync(server.Url("cached"), null, Ct);
        var plain = await client.FetchAsync(server.Url("plain"), null, Ct);

        cached.MaxAge.ShouldBe(TimeSpan.FromSeconds(600));
        plain.MaxAge.ShouldBeNull();
        plain.RetryAfter.ShouldBeNull();
        plain.ETag.ShouldBeNull();
        plain.LastModified.ShouldBeNull();
        plain.MediaType.ShouldBeNull();
    }

    [Fact]
    public async Task TheUserAgentAndTheChosenAcceptHeaderAreSent()
    {
        await using var server = await LoopbackServer.StartAsync(context => context.Response.WriteAsync("ok"));
        using var defaultAgent = Client();
        using var customAgent = Client(o => o.UserAgent = "Alerts-test/2.0 (self-hosted)");

        await defaultAgent.FetchAsync(server.Url("feed"), null, GuardedHttpClient.FeedAccept, Ct);
        await customAgent.FetchAsync(server.Url("page"), null, GuardedHttpClient.HtmlAccept, Ct);
        await customAgent.FetchAsync(server.Url("any"), null, Ct);

        var requests = server.Requests.ToArray();
        requests[0].Header("User-Agent").ShouldBe(new FetchOptions().UserAgent);
        requests[0].Header("Accept").ShouldBe(GuardedHttpClient.FeedAccept);
        requests[1].Header("User-Agent").ShouldBe("Alerts-test/2.0 (self-hosted)");
        requests[1].Header("Accept").ShouldBe(GuardedHttpClient.HtmlAccept);
        requests[2].Header("Accept").ShouldBeNull();
    }

    /// <summary>A clock whose wall time stands still; timers and timestamps stay real.</summary>
    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    private static async Task HopServer(HttpContext context)
    {
        var remaining = int.Parse(context.Request.Path.Value!["/hop/".Length..], System.Globalization.CultureInfo.InvariantCulture);
        if (remaining == 0)
        {
            await context.Response.WriteAsync("arrived");
            return;
        }

        context.Response.Redirect($"/hop/{remaining - 1}");
    }

    private static byte[] Compress(string encoding, byte[] data)
    {
        using var output = new MemoryStream();
        using (Stream compressor = encoding switch
        {
            "gzip" => new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true),
            "deflate" => new ZLibStream(output, CompressionLevel.Optimal, leaveOpen: true),
            _ => new BrotliStream(output, CompressionLevel.Optimal, leaveOpen: true),
        })
        {
            compressor.Write(data);
        }

        return output.ToArray();
    }
}
