using System.Globalization;
using System.Text.Json;

namespace Alerts.Functions.Invocations;

/// <summary>The fields of a queue-trigger invocation the handlers use.</summary>
public sealed record QueueTrigger(string MessageText, int DequeueCount, string? Id, string? PopReceipt);

/// <summary>The fields of a timer-trigger invocation the handlers use.</summary>
public sealed record TimerTrigger(bool IsPastDue, DateTimeOffset? Last, DateTimeOffset? Next);

/// <summary>A payload the host sent that is not the shape this handler expects.</summary>
public sealed class InvocationFormatException : Exception
{
    public InvocationFormatException() { }
    public InvocationFormatException(string message) : base(message) { }
    public InvocationFormatException(string message, Exception innerException) : base(message, innerException) { }
}

/// <summary>
/// Decodes the body the Functions host posts to a custom handler: <c>{"Data":{binding: ...},"Metadata":{...}}</c>.
/// Pure: a function of the JSON only. The quirks it absorbs (DESIGN.md section 2): a queue message's text
/// arrives JSON-encoded as a string, sometimes twice; <c>DequeueCount</c> arrives as a string or a number;
/// <c>Id</c> and <c>PopReceipt</c> keep their JSON quotes.
/// </summary>
public static class HostInvocation
{
    public static QueueTrigger ReadQueue(JsonElement body, string binding)
    {
        var data = Property(body, "Data") ?? throw new InvocationFormatException("functions: invocation has no Data object");
        var value = Property(data, binding) ?? throw new InvocationFormatException($"functions: invocation has no Data.{binding}");
        var metadata = Property(body, "Metadata");
        return new QueueTrigger(
            MessageText(value),
            DequeueCount(metadata is { } m ? Property(m, "DequeueCount") : null),
            Unquote(metadata is { } m1 ? Property(m1, "Id") : null),
            Unquote(metadata is { } m2 ? Property(m2, "PopReceipt") : null));
    }

    public static TimerTrigger ReadTimer(JsonElement body, string binding)
    {
        var data = Property(body, "Data") ?? throw new InvocationFormatException("functions: invocation has no Data object");
        var timer = Property(data, binding) ?? throw new InvocationFormatException($"functions: invocation has no Data.{binding}");
        if (timer.ValueKind == JsonValueKind.String)
        {
            // Some host versions hand bindings over as JSON text; read it the same way as a queue message.
            timer = Parse(MessageText(timer), $"Data.{binding}");
        }

        if (timer.ValueKind != JsonValueKind.Object)
        {
            throw new InvocationFormatException($"functions: Data.{binding} is {timer.ValueKind}, expected the timer object");
        }

        var status = Property(timer, "ScheduleStatus");
        return new TimerTrigger(
            Property(timer, "IsPastDue") is { ValueKind: JsonValueKind.True },
            status is { ValueKind: JsonValueKind.Object } s ? Instant(Property(s, "Last")) : null,
            status is { ValueKind: JsonValueKind.Object } s2 ? Instant(Property(s2, "Next")) : null);
    }

    /// <summary>
    /// The message text: a JSON string is decoded once, and again when the result is itself a JSON string
    /// literal; an object or array (a host that already parsed the JSON message) is taken as its JSON text.
    /// </summary>
    public static string MessageText(JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                var once = value.GetString()!;
                var trimmed = once.TrimStart();
                if (trimmed.StartsWith('"'))
                {
                    try
                    {
                        return JsonSerializer.Deserialize(trimmed, InvocationJsonContext.Default.String) ?? once;
                    }
                    catch (JsonException)
                    {
                        // Text that merely starts with a quote is the message itself.
                        return once;
                    }
                }

                return once;
            case JsonValueKind.Object or JsonValueKind.Array:
                return value.GetRawText();
            default:
                throw new InvocationFormatException($"functions: queue message is {value.ValueKind}, expected a string or an object");
        }
    }

    public static int DequeueCount(JsonElement? value) => value switch
    {
        null or { ValueKind: JsonValueKind.Null } => 1,
        { ValueKind: JsonValueKind.Number } v when v.TryGetInt32(out var n) => n,
        { ValueKind: JsonValueKind.String } v when int.TryParse(Unquote(v), NumberStyles.None, CultureInfo.InvariantCulture, out var n) => n,
        { } v => throw new InvocationFormatException($"functions: Metadata.DequeueCount is not a count: {v.GetRawText()}"),
    };

    private static string? Unquote(JsonElement? value)
    {
        if (value is not { } v || v.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        var text = v.ValueKind == JsonValueKind.String ? v.GetString()! : v.GetRawText();
        return text.Length >= 2 && text[0] == '"' && text[^1] == '"' ? text[1..^1] : text;
    }

    private static DateTimeOffset? Instant(JsonElement? value) =>
        value is { ValueKind: JsonValueKind.String } v
        && DateTimeOffset.TryParse(v.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var instant)
            ? instant
            : null;

    /// <summary><c>Data.&lt;binding&gt;</c> of an invocation body.</summary>
    public static JsonElement Binding(JsonElement body, string binding)
    {
        var data = Property(body, "Data") ?? throw new InvocationFormatException("functions: invocation has no Data object");
        return Property(data, binding) ?? throw new InvocationFormatException($"functions: invocation has no Data.{binding}");
    }

    /// <summary>A property by name, ignoring case (the host writes PascalCase; tests and older hosts may not).</summary>
    public static JsonElement? Property(JsonElement element, string name)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        foreach (var property in element.EnumerateObject())
        {
            if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return property.Value;
            }
        }

        return null;
    }

    private static JsonElement Parse(string json, string what)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return document.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            throw new InvocationFormatException($"functions: {what} is not JSON: {ex.Message}", ex);
        }
    }
}
