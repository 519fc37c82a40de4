using System.Collections.Concurrent;
using Alerts.Tests.Fetching;
using Microsoft.AspNetCore.Http;

namespace Alerts.Tests.Webhooks;

/// <summary>One post as the receiver saw it: its path, headers (lower-case names), the raw body, and whether its signature checked out.</summary>
public sealed record ReceivedPost(string Path, IReadOnlyDictionary<string, string> Headers, byte[] Body, bool? SignatureValid)
{
    public string? Id => Headers.GetValueOrDefault("webhook-id");
}

/// <summary>
/// A webhook endpoint on a free loopback port (Kestrel): it records every post and, when <c>secretFor</c> gives a
/// secret for the post's path, checks the Standard Webhooks signature with <see cref="StandardWebhookVerifier"/>
/// against <c>now</c>, answering 401 when it fails. <c>answer</c> decides the reply to each post (default 200 "ok"); it gets the post and its number (1, 2, …).
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly LoopbackServer _server;
    private int _count;

    private WebhookReceiver(LoopbackServer server) => _server = server;

    public ConcurrentQueue<ReceivedPost> Posts { get; } = new();

    /// <summary>Posts the receiver took (answered, or tried to answer, 2xx) per webhook-id or, without one, in total under "".</summary>
    public ConcurrentDictionary<string, int> Accepted { get; } = new(StringComparer.Ordinal);

    public Uri Url(string path = "/hook") => _server.Url(path);

    public static Task<WebhookReceiver> StartAsync(string? secret = null, Func<DateTimeOffset>? now = null, Func<ReceivedPost, int, HttpContext, Task>? answer = null) =>
        StartAsync(_ => secret, now, answer);

    public static async Task<WebhookReceiver> StartAsync(Func<string, string?> secretFor, Func<DateTimeOffset>? now = null, Func<ReceivedPost, int, HttpContext, Task>? answer = null)
    {
        WebhookReceiver? receiver = null;
        var server = await LoopbackServer.StartAsync(async context =>
        {
            using var buffer = new MemoryStream();
            await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
            var headers = context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString(), StringComparer.Ordinal);
            bool? valid = null;
            var path = context.Request.Path.ToString();
            if (secretFor(path) is { } secret)
            {
                valid = headers.TryGetValue("webhook-id", out var id) && headers.TryGetValue("webhook-timestamp", out var timestamp)
                    && headers.TryGetValue("webhook-signature", out var signature)
                    && StandardWebhookVerifier.Verify(secret, id, timestamp, signature, buffer.ToArray(), (now ?? (() => DateTimeOffset.UtcNow))());
            }

            var post = new ReceivedPost(path, headers, buffer.ToArray(), valid);
            receiver!.Posts.Enqueue(post);
            var number = Interlocked.Increment(ref receiver._count);
            if (valid == false)
            {
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                return;
            }

            if (answer is not null)
            {
                await answer(post, number, context);
            }
            else
            {
                await context.Response.WriteAsync("ok", context.RequestAborted);
            }

            // Counted when the receiver took the post, whether or not its answer reached the sender in time.
            if (context.Response.StatusCode is >= 200 and < 300)
            {
                receiver.Accepted.AddOrUpdate(post.Id ?? "", 1, (_, n) => n + 1);
            }
        });
        receiver = new WebhookReceiver(server);
        return receiver;
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
