using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace Alerts.Azure;

/// <summary>A message as the Queue service returns it: text base64-decoded, times in UTC.</summary>
public sealed record StorageQueueMessage(
    string Id,
    string PopReceipt,
    int DequeueCount,
    DateTimeOffset InsertedAt,
    DateTimeOffset ExpiresAt,
    DateTimeOffset NextVisibleAt,
    string Text);

/// <summary>The new pop receipt and visibility of a message after Update Message.</summary>
public sealed record StorageQueueUpdate(string PopReceipt, DateTimeOffset NextVisibleAt);

/// <summary>
/// A narrow client of the Queue service REST API, exactly what the work queue needs: Create Queue
/// (idempotent), Delete Queue, Put Message (TTL, initial visibility), Get Messages (with a visibility
/// timeout, i.e. a lease), Update Message (new visibility, new pop receipt), Delete Message (by pop
/// receipt), Peek Messages and Get Queue Metadata (the approximate message count). Message text is
/// base64-encoded UTF-8, the Functions queue trigger's default encoding; text that is not base64 (put by
/// another tool) is returned as it is. Visibility timeouts are whole seconds, rounded up.
/// </summary>
public sealed partial class AzureQueueClient(StorageTransport transport)
{
    /// <summary>The longest visibility timeout or initial delay the service accepts.</summary>
    public static readonly TimeSpan MaxVisibilityTimeout = TimeSpan.FromDays(7);

    /// <summary>Create Queue: 201 when created, 204 when it already exists. Returns whether it was created.</summary>
    public async Task<bool> CreateQueueAsync(string queue, CancellationToken cancellationToken)
    {
        ValidateQueueName(queue);
        using var response = await transport.SendExpectingAsync("queue create", StorageService.Queue,
            () => new HttpRequestMessage(HttpMethod.Put, QueueUri(queue, string.Empty)), cancellationToken,
            HttpStatusCode.Created, HttpStatusCode.NoContent);
        return response.StatusCode == HttpStatusCode.Created;
    }

    /// <summary>Delete Queue. Returns false when there was no such queue.</summary>
    public async Task<bool> DeleteQueueAsync(string queue, CancellationToken cancellationToken)
    {
        ValidateQueueName(queue);
        using var response = await transport.SendExpectingAsync("queue delete", StorageService.Queue,
            () => new HttpRequestMessage(HttpMethod.Delete, QueueUri(queue, string.Empty)), cancellationToken,
            HttpStatusCode.NoContent, HttpStatusCode.NotFound);
        return response.StatusCode == HttpStatusCode.NoContent;
    }

    /// <summary>
    /// Put Message: the text, invisible for <paramref name="visibilityDelay"/>, living for
    /// <paramref name="timeToLive"/> (null: never expires, messagettl=-1). Returns the stored message (no dequeue yet).
    /// </summary>
    public async Task<StorageQueueMessage> PutMessageAsync(string queue, string text, TimeSpan visibilityDelay, TimeSpan? timeToLive,
        CancellationToken cancellationToken)
    {
        ValidateQueueName(queue);
        ArgumentNullException.ThrowIfNull(text);
        var visibility = Seconds(visibilityDelay, allowZero: true);
        var ttl = timeToLive is { } t ? Seconds(t, allowZero: false, isVisibility: false).ToString(CultureInfo.InvariantCulture) : "-1";
        var body = MessageBody(text);
        using var response = await transport.SendExpectingAsync("queue put", StorageService.Queue,
            () => new HttpRequestMessage(HttpMethod.Post, QueueUri(queue, $"/messages?visibilitytimeout={visibility}&messagettl={ttl}"))
            {
                Content = new StringContent(body, Encoding.UTF8, "application/xml"),
            }, cancellationToken, HttpStatusCode.Created);
        var stored = (await ReadMessagesAsync(response, cancellationToken)).Single();
        return stored with { Text = text };
    }

    /// <summary>Get Messages: up to <paramref name="count"/> (1–32) visible messages, each leased (made invisible) for <paramref name="visibilityTimeout"/>.</summary>
    public async Task<IReadOnlyList<StorageQueueMessage>> GetMessagesAsync(string queue, int count, TimeSpan visibilityTimeout,
        CancellationToken cancellationToken)
    {
        ValidateQueueName(queue);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, 32);
        var visibility = Seconds(visibilityTimeout, allowZero: false);
        using var response = await transport.SendExpectingAsync("queue get", StorageService.Queue,
            () => new HttpRequestMessage(HttpMethod.Get, QueueUri(queue, $"/messages?numofmessages={count}&visibilitytimeout={visibility}")),
            cancellationToken, HttpStatusCode.OK);
        return await ReadMessagesAsync(response, cancellationToken);
    }

    /// <summary>Peek Messages: up to <paramref name="count"/> (1–32) visible messages, not leased; their pop receipts are empty.</summary>
    public async Task<IReadOnlyList<StorageQueueMessage>> PeekMessagesAsync(string queue, int count, CancellationToken cancellationToken)
    {
        ValidateQueueName(queue);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, 32);
        using var response = await transport.SendExpectingAsync("queue peek", StorageService.Queue,
            () => new HttpRequestMessage(HttpMethod.Get, QueueUri(queue, $"/messages?peekonly=true&numofmessages={count}")),
            cancellationToken, HttpStatusCode.OK);
        return await ReadMessagesAsync(response, cancellationToken);
    }

    /// <summary>
    /// Update Message: the message becomes visible after <paramref name="visibilityTimeout"/> (zero: at once),
    /// with <paramref name="newText"/> when given. Returns the new pop receipt, or null when the pop receipt is
    /// stale or the message is gone (404 MessageNotFound, 400 PopReceiptMismatch).
    /// </summary>
    public async Task<StorageQueueUpdate?> UpdateMessageAsync(string queue, string messageId, string popReceipt, TimeSpan visibilityTimeout,
        string? newText, CancellationToken cancellationToken)
    {
        ValidateQueueName(queue);
        ArgumentException.ThrowIfNullOrEmpty(messageId);
        ArgumentException.ThrowIfNullOrEmpty(popReceipt);
        var visibility = Seconds(visibilityTimeout, allowZero: true);
        var body = newText is null ? null : MessageBody(newText);
        using var response = await transport.SendAsync("queue update", StorageService.Queue, () =>
        {
            var request = new HttpRequestMessage(HttpMethod.Put, QueueUri(queue,
                $"/messages/{Uri.EscapeDataString(messageId)}?popreceipt={Uri.EscapeDataString(popReceipt)}&visibilitytimeout={visibility}"));
            // The body is optional (2011-08-18 and later); without it the text stays as it was.
            request.Content = body is null ? new ByteArrayContent([]) : new StringContent(body, Encoding.UTF8, "application/xml");
            return request;
        }, cancellationToken);
        if (IsStaleReceipt(response))
        {
            return null;
        }

        if (response.StatusCode != HttpStatusCode.NoContent)
        {
            throw await StorageTransport.ErrorAsync("queue update", response, cancellationToken);
        }

        var receipt = response.Headers.GetValues("x-ms-popreceipt").Single();
        var nextVisible = ParseTime(response.Headers.GetValues("x-ms-time-next-visible").Single());
        return new StorageQueueUpdate(receipt, nextVisible);
    }

    /// <summary>Delete Message by pop receipt. Returns false when the pop receipt is stale or the message is gone.</summary>
    public async Task<bool> DeleteMessageAsync(string queue, string messageId, string popReceipt, CancellationToken cancellationToken)
    {
        ValidateQueueName(queue);
        ArgumentException.ThrowIfNullOrEmpty(messageId);
        ArgumentException.ThrowIfNullOrEmpty(popReceipt);
        using var response = await transport.SendAsync("queue delete message", StorageService.Queue,
            () => new HttpRequestMessage(HttpMethod.Delete, QueueUri(queue,
                $"/messages/{Uri.EscapeDataString(messageId)}?popreceipt={Uri.EscapeDataString(popReceipt)}")), cancellationToken);
        if (IsStaleReceipt(response))
        {
            return false;
        }

        if (response.StatusCode != HttpStatusCode.NoContent)
        {
            throw await StorageTransport.ErrorAsync("queue delete message", response, cancellationToken);
        }

        return true;
    }

    /// <summary>Get Queue Metadata: x-ms-approximate-messages-count, visible and invisible messages alike.</summary>
    public async Task<int> GetApproximateCountAsync(string queue, CancellationToken cancellationToken)
    {
        ValidateQueueName(queue);
        using var response = await transport.SendExpectingAsync("queue count", StorageService.Queue,
            () => new HttpRequestMessage(HttpMethod.Get, QueueUri(queue, "?comp=metadata")), cancellationToken, HttpStatusCode.OK);
        return int.Parse(response.Headers.GetValues("x-ms-approximate-messages-count").Single(), CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Queue names: 3–63 characters, lower-case letters, digits and single hyphens, starting and ending with a
    /// letter or digit.
    /// </summary>
    public static bool IsValidQueueName(string queue) =>
        queue is { Length: >= 3 and <= 63 } && QueueNamePattern().IsMatch(queue);

    private static void ValidateQueueName(string queue)
    {
        ArgumentNullException.ThrowIfNull(queue);
        if (!IsValidQueueName(queue))
        {
            throw new ArgumentException($"azure: '{queue}' is not a valid queue name (3-63 lower-case letters, digits, single hyphens)", nameof(queue));
        }
    }

    private Uri QueueUri(string queue, string rest) => new(transport.Account.QueueEndpoint, queue + rest);

    private static bool IsStaleReceipt(HttpResponseMessage response) =>
        response.StatusCode == HttpStatusCode.NotFound
        || (response.StatusCode == HttpStatusCode.BadRequest
            && response.Headers.TryGetValues("x-ms-error-code", out var codes) && codes.Contains("PopReceiptMismatch"));

    private static string MessageBody(string text) =>
        new XElement("QueueMessage", new XElement("MessageText", Convert.ToBase64String(Encoding.UTF8.GetBytes(text)))).ToString(SaveOptions.DisableFormatting);

    private static long Seconds(TimeSpan value, bool allowZero, bool isVisibility = true)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(value, allowZero ? TimeSpan.Zero : TimeSpan.FromTicks(1));
        if (isVisibility)
        {
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, MaxVisibilityTimeout);
        }

        return (long)Math.Ceiling(value.TotalSeconds);
    }

    private static async Task<IReadOnlyList<StorageQueueMessage>> ReadMessagesAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var xml = await response.Content.ReadAsStringAsync(cancellationToken);
        var root = XDocument.Parse(xml).Root!;
        return root.Elements("QueueMessage").Select(element => new StorageQueueMessage(
            element.Element("MessageId")!.Value,
            element.Element("PopReceipt")?.Value ?? string.Empty,
            int.Parse(element.Element("DequeueCount")?.Value ?? "0", CultureInfo.InvariantCulture),
            ParseTime(element.Element("InsertionTime")!.Value),
            ParseTime(element.Element("ExpirationTime")!.Value),
            element.Element("TimeNextVisible") is { } next ? ParseTime(next.Value) : ParseTime(element.Element("InsertionTime")!.Value),
            DecodeText(element.Element("MessageText")?.Value ?? string.Empty))).ToList();
    }

    private static string DecodeText(string text)
    {
        var buffer = new byte[text.Length];
        return Convert.TryFromBase64String(text, buffer, out var written)
            ? new UTF8Encoding(false, throwOnInvalidBytes: false).GetString(buffer, 0, written)
            : text;
    }

    private static DateTimeOffset ParseTime(string value) =>
        DateTimeOffset.Parse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    [GeneratedRegex("^[a-z0-9](?:[a-z0-9]|-(?!-))*[a-z0-9]$")]
    private static partial Regex QueueNamePattern();
}
