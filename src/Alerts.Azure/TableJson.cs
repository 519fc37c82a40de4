using System.Buffers;
using System.Globalization;
using System.Text.Json;

namespace Alerts.Azure;

/// <summary>
/// Entities as the Table service's JSON: written with odata.type annotations for the types JSON cannot
/// carry (Int64, Double, DateTime, Guid, Binary), read back from "minimal metadata" responses, which
/// annotate the same types, so a value keeps its .NET type across a round trip.
/// </summary>
internal static class TableJson
{
    public static byte[] Serialize(TableEntity entity)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("PartitionKey", entity.PartitionKey);
            writer.WriteString("RowKey", entity.RowKey);
            foreach (var (name, value) in entity.Properties)
            {
                if (name is "PartitionKey" or "RowKey" or "Timestamp" || name.StartsWith("odata.", StringComparison.Ordinal))
                {
                    throw new ArgumentException($"azure: property name '{name}' is reserved", nameof(entity));
                }

                WriteProperty(writer, name, value);
            }

            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    public static TableEntity Deserialize(JsonElement json)
    {
        var entity = new TableEntity(json.GetProperty("PartitionKey").GetString()!, json.GetProperty("RowKey").GetString()!);
        foreach (var property in json.EnumerateObject())
        {
            var name = property.Name;
            if (name is "PartitionKey" or "RowKey" || name.StartsWith("odata.", StringComparison.Ordinal) || name.Contains('@', StringComparison.Ordinal))
            {
                continue;
            }

            var type = json.TryGetProperty(name + "@odata.type", out var annotation) ? annotation.GetString() : null;
            var value = ReadValue(property.Value, type, name);
            if (name == "Timestamp")
            {
                entity.Timestamp = value as DateTimeOffset? ?? ParseDate(property.Value.GetString()!);
                continue;
            }

            entity.Properties[name] = value;
        }

        if (json.TryGetProperty("odata.etag", out var etag))
        {
            entity.ETag = etag.GetString();
        }

        return entity;
    }

    private static void WriteProperty(Utf8JsonWriter writer, string name, object? value)
    {
        switch (value)
        {
            case null:
                return;
            case string text:
                writer.WriteString(name, text);
                return;
            case bool flag:
                writer.WriteBoolean(name, flag);
                return;
            case int number:
                writer.WriteNumber(name, number);
                return;
            case long number:
                writer.WriteString(name, number.ToString(CultureInfo.InvariantCulture));
                writer.WriteString(name + "@odata.type", "Edm.Int64");
                return;
            case double number when double.IsFinite(number):
                writer.WriteNumber(name, number);
                writer.WriteString(name + "@odata.type", "Edm.Double");
                return;
            case double number:
                writer.WriteString(name, double.IsNaN(number) ? "NaN" : number > 0 ? "Infinity" : "-Infinity");
                writer.WriteString(name + "@odata.type", "Edm.Double");
                return;
            case DateTimeOffset time:
                writer.WriteString(name, FormatDate(time));
                writer.WriteString(name + "@odata.type", "Edm.DateTime");
                return;
            case DateTime time:
                writer.WriteString(name, FormatDate(new DateTimeOffset(time.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(time, DateTimeKind.Utc) : time)));
                writer.WriteString(name + "@odata.type", "Edm.DateTime");
                return;
            case Guid guid:
                writer.WriteString(name, guid.ToString("D"));
                writer.WriteString(name + "@odata.type", "Edm.Guid");
                return;
            case byte[] bytes:
                writer.WriteBase64String(name, bytes);
                writer.WriteString(name + "@odata.type", "Edm.Binary");
                return;
            default:
                throw new ArgumentException($"azure: property '{name}' has type {value.GetType().Name}, which tables cannot store");
        }
    }

    private static object? ReadValue(JsonElement value, string? type, string name) => type switch
    {
        "Edm.Int64" => long.Parse(value.GetString()!, CultureInfo.InvariantCulture),
        "Edm.Double" => value.ValueKind == JsonValueKind.String
            ? value.GetString() switch { "NaN" => double.NaN, "Infinity" => double.PositiveInfinity, "-Infinity" => double.NegativeInfinity, var s => double.Parse(s!, CultureInfo.InvariantCulture) }
            : value.GetDouble(),
        "Edm.DateTime" => ParseDate(value.GetString()!),
        "Edm.Guid" => Guid.Parse(value.GetString()!),
        "Edm.Binary" => value.GetBytesFromBase64(),
        "Edm.Int32" => value.GetInt32(),
        "Edm.Boolean" => value.GetBoolean(),
        "Edm.String" => value.GetString(),
        null => value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            // Unannotated numbers: Int32 when integral, Double otherwise (the service's default types).
            JsonValueKind.Number => value.TryGetInt32(out var i) && !value.GetRawText().AsSpan().ContainsAny('.', 'e', 'E') ? (object)i : value.GetDouble(),
            JsonValueKind.Null => null,
            _ => throw new FormatException($"azure: property '{name}' has an unexpected JSON {value.ValueKind}"),
        },
        _ => throw new FormatException($"azure: property '{name}' has unknown type {type}"),
    };

    private static string FormatDate(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    private static DateTimeOffset ParseDate(string text) =>
        DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
}
