using System.Text.Json;
using System.Text.Json.Serialization;

namespace Alerts.Pipeline.Messages;

/// <summary>Asks <c>PollFeed</c> to fetch one feed. Version 1.</summary>
public sealed record PollFeedMessage(long FeedId, int V = 1);

/// <summary>Asks <c>ProcessArticle</c> to complete, fingerprint and match one stored article. Version 1.</summary>
public sealed record ProcessArticleMessage(long ArticleId, int V = 1);

/// <summary>
/// Messages between stages are small versioned JSON objects (never bare strings: the Functions host
/// base64-decodes strings that look like base64), serialised with source generation.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(PollFeedMessage))]
[JsonSerializable(typeof(ProcessArticleMessage))]
public sealed partial class PipelineJsonContext : JsonSerializerContext;

public static class PipelineMessage
{
    public static string Serialize(PollFeedMessage message) => JsonSerializer.Serialize(message, PipelineJsonContext.Default.PollFeedMessage);

    public static string Serialize(ProcessArticleMessage message) => JsonSerializer.Serialize(message, PipelineJsonContext.Default.ProcessArticleMessage);

    /// <summary>Reads a message body, with a clear error for a body that is not the expected message.</summary>
    public static T Deserialize<T>(string body, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> typeInfo)
    {
        try
        {
            return JsonSerializer.Deserialize(body, typeInfo)
                ?? throw new InvalidMessageException($"pipeline: message is null, expected {typeof(T).Name}");
        }
        catch (JsonException ex)
        {
            throw new InvalidMessageException($"pipeline: message is not a valid {typeof(T).Name}: {ex.Message}", ex);
        }
    }
}

/// <summary>A queue message that can never succeed; it goes to the poison queue with this reason.</summary>
public sealed class InvalidMessageException : Exception
{
    public InvalidMessageException() { }
    public InvalidMessageException(string message) : base(message) { }
    public InvalidMessageException(string message, Exception innerException) : base(message, innerException) { }
}
