using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http;

namespace Alerts.Functions.Invocations;

/// <summary>
/// The body a custom handler answers with: <c>{"Outputs":{binding: value},"Logs":[...],"ReturnValue":null}</c>.
/// A queue output given an array enqueues one message per element; every element is a JSON object
/// (a bare string that looks like base64 would be decoded to bytes by the host).
/// </summary>
public sealed class InvocationReply
{
    private readonly JsonObject _outputs = [];
    private readonly List<string> _logs = [];

    /// <summary>Log lines the host writes to the function's invocation log (Application Insights).</summary>
    public IReadOnlyList<string> Logs => _logs;

    public InvocationReply Log(string line)
    {
        _logs.Add(line);
        return this;
    }

    /// <summary>Sets a queue output binding to one message per item, each the item's JSON object.</summary>
    public InvocationReply QueueOutput(string binding, IEnumerable<string> jsonObjects)
    {
        ArgumentNullException.ThrowIfNull(jsonObjects);
        var messages = new JsonArray();
        foreach (var json in jsonObjects)
        {
            var node = JsonNode.Parse(json) as JsonObject
                ?? throw new ArgumentException($"functions: queue message for {binding} must be a JSON object: {json}", nameof(jsonObjects));
            messages.Add(node);
        }

        _outputs[binding] = messages;
        return this;
    }

    /// <summary>
    /// Sets an <c>http</c> output binding: <c>{statusCode, headers, body}</c>, one string per header (the host
    /// writes each header value with <c>ToString()</c>: an array would arrive as JSON text). A header with several
    /// values is joined with ", " (RFC 9110 allows it) except Set-Cookie, which cannot be joined: only its first
    /// value is kept and a log line names the cookies the host cannot carry.
    /// </summary>
    public InvocationReply HttpOutput(string binding, int statusCode, IEnumerable<KeyValuePair<string, string[]>> headers, string body)
    {
        ArgumentNullException.ThrowIfNull(headers);
        var headerObject = new JsonObject();
        foreach (var (name, values) in headers)
        {
            if (values.Length == 0)
            {
                continue;
            }

            if (values.Length > 1 && string.Equals(name, "Set-Cookie", StringComparison.OrdinalIgnoreCase))
            {
                var dropped = string.Join(", ", values.Skip(1).Select(v => v.Split('=', 2)[0].Trim()));
                Log($"functions: {binding}: the Functions host carries one Set-Cookie per response; kept {values[0].Split('=', 2)[0].Trim()}, dropped {dropped}");
                headerObject[name] = values[0];
                continue;
            }

            headerObject[name] = string.Join(", ", values);
        }

        _outputs[binding] = new JsonObject
        {
            // The host reads statusCode as a string (HttpOutputBindingResponse.StatusCode).
            ["statusCode"] = statusCode.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["headers"] = headerObject,
            ["body"] = body,
        };
        return this;
    }

    public string ToJson()
    {
        var body = new JsonObject
        {
            ["Outputs"] = _outputs.DeepClone(),
            [nameof(Logs)] = new JsonArray(_logs.Select(line => (JsonNode?)JsonValue.Create(line)).ToArray()),
            ["ReturnValue"] = null,
        };
        return body.ToJsonString();
    }

    public IResult ToResult(int statusCode = StatusCodes.Status200OK) =>
        Results.Text(ToJson(), "application/json", System.Text.Encoding.UTF8, statusCode);
}

[JsonSerializable(typeof(string))]
internal sealed partial class InvocationJsonContext : JsonSerializerContext;
