using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Alerts.Azure;

/// <summary>How a conditional or batched write ended.</summary>
public enum TableWriteOutcome
{
    /// <summary>Written; <see cref="TableWriteResult.ETag"/> is the entity's new version.</summary>
    Written,

    /// <summary>Someone else wrote first: the ETag did not match (412), or an insert found the entity (409).</summary>
    ConcurrencyConflict,

    /// <summary>There is no such entity (404) to update or delete.</summary>
    NotFound,
}

/// <summary>The outcome of a write and the new ETag when it was written.</summary>
public readonly record struct TableWriteResult(TableWriteOutcome Outcome, string? ETag)
{
    public bool Written => Outcome == TableWriteOutcome.Written;
}

/// <summary>Replace writes the given properties only; Merge keeps the stored properties it does not mention.</summary>
public enum TableUpdateMode
{
    Replace,
    Merge,
}

/// <summary>Where a partition query stopped; pass it back to get the next page.</summary>
public sealed record TableContinuation(string NextPartitionKey, string? NextRowKey);

/// <summary>One page of a query and the continuation to the next one (null after the last page).</summary>
public sealed record TablePage(IReadOnlyList<TableEntity> Entities, TableContinuation? Continuation);

/// <summary>The kind of one operation in a batch transaction.</summary>
public enum TableBatchKind
{
    Insert,
    UpsertReplace,
    UpsertMerge,
    UpdateReplace,
    UpdateMerge,
    Delete,
}

/// <summary>One operation of a batch; Update* and Delete use <see cref="TableEntity.ETag"/> as If-Match ("*" when null).</summary>
public sealed record TableBatchOperation(TableBatchKind Kind, TableEntity Entity);

/// <summary>
/// A batch either written as a whole (<see cref="ETags"/> per operation, null for deletes) or not at all:
/// then <see cref="FailedIndex"/> names the operation that failed and <see cref="Outcome"/> says why.
/// </summary>
public sealed record TableBatchResult(TableWriteOutcome Outcome, int? FailedIndex, string? ErrorCode, IReadOnlyList<string?> ETags)
{
    public bool Written => Outcome == TableWriteOutcome.Written;
}

/// <summary>
/// A narrow client of the Table service REST API (JSON): Create Table (idempotent), Delete Table, Insert
/// Entity, Insert Or Replace / Insert Or Merge (upserts), Update / Merge Entity with If-Match (412 becomes
/// <see cref="TableWriteOutcome.ConcurrencyConflict"/>), Delete Entity, a point read (404 becomes null),
/// Query Entities with $filter, $top and continuation tokens, and Entity Group Transactions ($batch, a
/// multipart/mixed changeset of up to 100 operations within one partition, all or nothing).
/// </summary>
public sealed partial class AzureTableClient(StorageTransport transport)
{
    /// <summary>The most operations one batch transaction may hold.</summary>
    public const int MaxBatchOperations = 100;

    private const string JsonNoMetadata = "application/json;odata=nometadata";
    private const string JsonMinimalMetadata = "application/json;odata=minimalmetadata";

    /// <summary>Create Table. Returns false when it already exists (409 TableAlreadyExists).</summary>
    public async Task<bool> CreateTableAsync(string table, CancellationToken cancellationToken)
    {
        ValidateTableName(table);
        var body = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string> { ["TableName"] = table });
        using var response = await transport.SendAsync("table create", StorageService.Table,
            () => Request(HttpMethod.Post, new Uri(transport.Account.TableEndpoint, "Tables"), body), cancellationToken);
        if (response.StatusCode == HttpStatusCode.Conflict)
        {
            return false;
        }

        await EnsureAsync("table create", response, cancellationToken, HttpStatusCode.Created, HttpStatusCode.NoContent);
        return true;
    }

    /// <summary>Delete Table. Returns false when there was no such table.</summary>
    public async Task<bool> DeleteTableAsync(string table, CancellationToken cancellationToken)
    {
        ValidateTableName(table);
        using var response = await transport.SendAsync("table delete", StorageService.Table,
            () => Request(HttpMethod.Delete, new Uri(transport.Account.TableEndpoint, $"Tables('{table}')"), null), cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }

        await EnsureAsync("table delete", response, cancellationToken, HttpStatusCode.NoContent);
        return true;
    }

    /// <summary>Insert Entity; <see cref="TableWriteOutcome.ConcurrencyConflict"/> when it already exists. Sets the entity's ETag when written.</summary>
    public async Task<TableWriteResult> InsertAsync(string table, TableEntity entity, CancellationToken cancellationToken)
    {
        ValidateTableName(table);
        ArgumentNullException.ThrowIfNull(entity);
        var body = TableJson.Serialize(entity);
        using var response = await transport.SendAsync("table insert", StorageService.Table, () =>
        {
            var request = Request(HttpMethod.Post, new Uri(transport.Account.TableEndpoint, table), body);
            request.Headers.TryAddWithoutValidation("Prefer", "return-no-content");
            return request;
        }, cancellationToken);
        return await WriteResultAsync("table insert", response, entity, cancellationToken);
    }

    /// <summary>Insert Or Replace / Insert Or Merge: always written. Returns the new ETag.</summary>
    public async Task<string> UpsertAsync(string table, TableEntity entity, TableUpdateMode mode, CancellationToken cancellationToken)
    {
        var result = await WriteEntityAsync("table upsert", table, entity, mode, ifMatch: null, cancellationToken);
        return result.ETag ?? throw new AzureStorageException("azure: table upsert failed: no ETag in the response");
    }

    /// <summary>
    /// Update Entity (replace) or Merge Entity with If-Match: the entity's <see cref="TableEntity.ETag"/>, or
    /// "*" (any version) when it has none. 412 is <see cref="TableWriteOutcome.ConcurrencyConflict"/>, 404
    /// <see cref="TableWriteOutcome.NotFound"/>. Sets the entity's ETag when written.
    /// </summary>
    public Task<TableWriteResult> UpdateAsync(string table, TableEntity entity, TableUpdateMode mode, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entity);
        return WriteEntityAsync("table update", table, entity, mode, entity.ETag ?? "*", cancellationToken);
    }

    /// <summary>Delete Entity with If-Match (<paramref name="etag"/>, or "*" for any version).</summary>
    public async Task<TableWriteResult> DeleteAsync(string table, string partitionKey, string rowKey, string? etag, CancellationToken cancellationToken)
    {
        ValidateTableName(table);
        using var response = await transport.SendAsync("table delete entity", StorageService.Table, () =>
        {
            var request = Request(HttpMethod.Delete, EntityUri(table, partitionKey, rowKey), null);
            request.Headers.TryAddWithoutValidation("If-Match", etag ?? "*");
            return request;
        }, cancellationToken);
        return await WriteResultAsync("table delete entity", response, null, cancellationToken);
    }

    /// <summary>A point read by PartitionKey and RowKey; null when there is no such entity.</summary>
    public async Task<TableEntity?> GetAsync(string table, string partitionKey, string rowKey, CancellationToken cancellationToken)
    {
        ValidateTableName(table);
        using var response = await transport.SendAsync("table get", StorageService.Table,
            () => Request(HttpMethod.Get, EntityUri(table, partitionKey, rowKey), null), cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        await EnsureAsync("table get", response, cancellationToken, HttpStatusCode.OK);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStreamAsync(cancellationToken));
        var entity = TableJson.Deserialize(json.RootElement);
        entity.ETag ??= response.Headers.ETag?.ToString();
        return entity;
    }

    /// <summary>
    /// Query Entities: one page of the entities matching <paramref name="filter"/> (OData, e.g. from
    /// <see cref="PartitionFilter"/>; null for all), at most <paramref name="top"/> (≤ 1000, the service's
    /// page size), starting at <paramref name="continuation"/>. A page may be short, even empty, and still
    /// have a continuation.
    /// </summary>
    public async Task<TablePage> QueryAsync(string table, string? filter, int? top, TableContinuation? continuation, CancellationToken cancellationToken)
    {
        ValidateTableName(table);
        if (top is { } t)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(t, 1);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(t, 1000);
        }

        var query = new List<string>();
        if (!string.IsNullOrEmpty(filter))
        {
            query.Add("$filter=" + Uri.EscapeDataString(filter));
        }

        if (top is not null)
        {
            query.Add("$top=" + top.Value.ToString(CultureInfo.InvariantCulture));
        }

        if (continuation is not null)
        {
            query.Add("NextPartitionKey=" + Uri.EscapeDataString(continuation.NextPartitionKey));
            if (continuation.NextRowKey is not null)
            {
                query.Add("NextRowKey=" + Uri.EscapeDataString(continuation.NextRowKey));
            }
        }

        var uri = new Uri(transport.Account.TableEndpoint, table + "()" + (query.Count == 0 ? string.Empty : "?" + string.Join('&', query)));
        using var response = await transport.SendExpectingAsync("table query", StorageService.Table,
            () => Request(HttpMethod.Get, uri, null), cancellationToken, HttpStatusCode.OK);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStreamAsync(cancellationToken));
        var entities = json.RootElement.GetProperty("value").EnumerateArray().Select(TableJson.Deserialize).ToList();
        var next = response.Headers.TryGetValues("x-ms-continuation-NextPartitionKey", out var partitions)
            ? new TableContinuation(partitions.Single(),
                response.Headers.TryGetValues("x-ms-continuation-NextRowKey", out var rows) ? rows.Single() : null)
            : null;
        return new TablePage(entities, next);
    }

    /// <summary>Every entity matching <paramref name="filter"/>, following continuations page by page.</summary>
    public async IAsyncEnumerable<TableEntity> QueryAllAsync(string table, string? filter,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        TableContinuation? continuation = null;
        do
        {
            var page = await QueryAsync(table, filter, null, continuation, cancellationToken);
            foreach (var entity in page.Entities)
            {
                yield return entity;
            }

            continuation = page.Continuation;
        }
        while (continuation is not null);
    }

    /// <summary>The filter "PartitionKey eq '…'", quoted as OData requires.</summary>
    public static string PartitionFilter(string partitionKey) => "PartitionKey eq " + Quote(partitionKey);

    /// <summary>An OData string literal: single quotes around, inner single quotes doubled.</summary>
    public static string Quote(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";
    }

    /// <summary>
    /// An Entity Group Transaction: up to 100 operations on distinct rows of one partition, applied all or
    /// nothing. A failed batch names the failing operation; nothing of it was written.
    /// </summary>
    public async Task<TableBatchResult> ExecuteBatchAsync(string table, IReadOnlyList<TableBatchOperation> operations, CancellationToken cancellationToken)
    {
        ValidateTableName(table);
        ArgumentNullException.ThrowIfNull(operations);
        if (operations.Count is 0 or > MaxBatchOperations)
        {
            throw new ArgumentException($"azure: a batch holds 1 to {MaxBatchOperations} operations, not {operations.Count}", nameof(operations));
        }

        if (operations.Select(o => o.Entity.PartitionKey).Distinct(StringComparer.Ordinal).Count() != 1)
        {
            throw new ArgumentException("azure: every operation of a batch must be in the same partition", nameof(operations));
        }

        var batchBoundary = "batch_" + Guid.NewGuid().ToString("D");
        var changesetBoundary = "changeset_" + Guid.NewGuid().ToString("D");
        var body = BatchBody(table, operations, batchBoundary, changesetBoundary);
        using var response = await transport.SendAsync("table batch", StorageService.Table, () =>
        {
            var request = Request(HttpMethod.Post, new Uri(transport.Account.TableEndpoint, "$batch"), null);
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse($"multipart/mixed; boundary={batchBoundary}");
            return request;
        }, cancellationToken);
        await EnsureAsync("table batch", response, cancellationToken, HttpStatusCode.Accepted);
        var result = ParseBatchResponse(await response.Content.ReadAsStringAsync(cancellationToken), operations.Count);
        if (result.Written)
        {
            for (var i = 0; i < operations.Count; i++)
            {
                operations[i].Entity.ETag = result.ETags[i];
            }
        }

        return result;
    }

    /// <summary>Table names: 3–63 letters and digits, starting with a letter ("tables" is reserved).</summary>
    public static bool IsValidTableName(string table) =>
        table is { Length: >= 3 and <= 63 } && TableNamePattern().IsMatch(table) && !table.Equals("tables", StringComparison.OrdinalIgnoreCase);

    private async Task<TableWriteResult> WriteEntityAsync(string operation, string table, TableEntity entity, TableUpdateMode mode, string? ifMatch,
        CancellationToken cancellationToken)
    {
        ValidateTableName(table);
        ArgumentNullException.ThrowIfNull(entity);
        var body = TableJson.Serialize(entity);
        using var response = await transport.SendAsync(operation, StorageService.Table, () =>
        {
            var request = Request(mode == TableUpdateMode.Merge ? Merge : HttpMethod.Put, EntityUri(table, entity.PartitionKey, entity.RowKey), body);
            if (ifMatch is not null)
            {
                request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
            }

            return request;
        }, cancellationToken);
        return await WriteResultAsync(operation, response, entity, cancellationToken);
    }

    private static async Task<TableWriteResult> WriteResultAsync(string operation, HttpResponseMessage response, TableEntity? entity,
        CancellationToken cancellationToken)
    {
        switch (response.StatusCode)
        {
            case HttpStatusCode.PreconditionFailed or HttpStatusCode.Conflict:
                return new TableWriteResult(TableWriteOutcome.ConcurrencyConflict, null);
            case HttpStatusCode.NotFound when response.Headers.TryGetValues("x-ms-error-code", out var codes) && codes.Contains("ResourceNotFound"):
                return new TableWriteResult(TableWriteOutcome.NotFound, null);
            case HttpStatusCode.NoContent or HttpStatusCode.Created:
                var etag = response.Headers.ETag?.ToString();
                if (entity is not null)
                {
                    entity.ETag = etag;
                }

                return new TableWriteResult(TableWriteOutcome.Written, etag);
            default:
                throw await StorageTransport.ErrorAsync(operation, response, cancellationToken);
        }
    }

    private static async Task EnsureAsync(string operation, HttpResponseMessage response, CancellationToken cancellationToken, params HttpStatusCode[] accepted)
    {
        if (Array.IndexOf(accepted, response.StatusCode) < 0)
        {
            throw await StorageTransport.ErrorAsync(operation, response, cancellationToken);
        }
    }

    private static readonly HttpMethod Merge = new("MERGE");

    private static HttpRequestMessage Request(HttpMethod method, Uri uri, byte[]? json)
    {
        var request = new HttpRequestMessage(method, uri);
        request.Headers.TryAddWithoutValidation("Accept", JsonMinimalMetadata);
        request.Headers.TryAddWithoutValidation("DataServiceVersion", "3.0");
        request.Headers.TryAddWithoutValidation("MaxDataServiceVersion", "3.0;NetFx");
        if (json is not null)
        {
            request.Content = new ByteArrayContent(json);
            request.Content.Headers.TryAddWithoutValidation("Content-Type", JsonNoMetadata);
        }

        return request;
    }

    private Uri EntityUri(string table, string partitionKey, string rowKey)
    {
        TableKeys.Validate(partitionKey, nameof(partitionKey));
        TableKeys.Validate(rowKey, nameof(rowKey));
        return new Uri(transport.Account.TableEndpoint, $"{table}(PartitionKey={EscapeKey(partitionKey)},RowKey={EscapeKey(rowKey)})");
    }

    private static string EscapeKey(string key) => Uri.EscapeDataString(Quote(key));

    private byte[] BatchBody(string table, IReadOnlyList<TableBatchOperation> operations, string batchBoundary, string changesetBoundary)
    {
        // CRLF line ends, as in the REST reference's example; each operation is a complete HTTP request.
        var builder = new StringBuilder();
        builder.Append("--").Append(batchBoundary).Append("\r\n")
            .Append("Content-Type: multipart/mixed; boundary=").Append(changesetBoundary).Append("\r\n\r\n");
        for (var i = 0; i < operations.Count; i++)
        {
            var (kind, entity) = operations[i];
            var (method, uri, ifMatch) = kind switch
            {
                TableBatchKind.Insert => ("POST", new Uri(transport.Account.TableEndpoint, table), null),
                TableBatchKind.UpsertReplace => ("PUT", EntityUri(table, entity.PartitionKey, entity.RowKey), null),
                TableBatchKind.UpsertMerge => ("MERGE", EntityUri(table, entity.PartitionKey, entity.RowKey), null),
                TableBatchKind.UpdateReplace => ("PUT", EntityUri(table, entity.PartitionKey, entity.RowKey), entity.ETag ?? "*"),
                TableBatchKind.UpdateMerge => ("MERGE", EntityUri(table, entity.PartitionKey, entity.RowKey), entity.ETag ?? "*"),
                TableBatchKind.Delete => ("DELETE", EntityUri(table, entity.PartitionKey, entity.RowKey), entity.ETag ?? "*"),
                _ => throw new ArgumentOutOfRangeException(nameof(operations), kind, "azure: unknown batch operation"),
            };
            builder.Append("--").Append(changesetBoundary).Append("\r\n")
                .Append("Content-Type: application/http\r\n")
                .Append("Content-Transfer-Encoding: binary\r\n")
                .Append("Content-ID: ").Append(i + 1).Append("\r\n\r\n")
                .Append(method).Append(' ').Append(uri.AbsoluteUri).Append(" HTTP/1.1\r\n")
                .Append("Accept: ").Append(JsonMinimalMetadata).Append("\r\n")
                .Append("DataServiceVersion: 3.0\r\n");
            if (ifMatch is not null)
            {
                builder.Append("If-Match: ").Append(ifMatch).Append("\r\n");
            }

            if (kind == TableBatchKind.Delete)
            {
                builder.Append("\r\n");
            }
            else
            {
                if (kind == TableBatchKind.Insert)
                {
                    builder.Append("Prefer: return-no-content\r\n");
                }

                builder.Append("Content-Type: application/json\r\n\r\n")
                    .Append(Encoding.UTF8.GetString(TableJson.Serialize(entity))).Append("\r\n");
            }
        }

        builder.Append("--").Append(changesetBoundary).Append("--\r\n")
            .Append("--").Append(batchBoundary).Append("--\r\n");
        return Encoding.UTF8.GetBytes(builder.ToString());
    }

    /// <summary>
    /// Reads the changeset response: one HTTP response per operation when all succeeded, or a single error
    /// response whose message starts with the failing operation's index ("1:The specified entity ...").
    /// </summary>
    internal static TableBatchResult ParseBatchResponse(string body, int count)
    {
        var statuses = StatusLinePattern().Matches(body);
        var failed = statuses.FirstOrDefault(m => int.Parse(m.Groups["status"].Value, CultureInfo.InvariantCulture) >= 400);
        if (failed is null)
        {
            var etags = new List<string?>();
            for (var i = 0; i < statuses.Count; i++)
            {
                var end = i + 1 < statuses.Count ? statuses[i + 1].Index : body.Length;
                var etag = EtagLinePattern().Match(body[statuses[i].Index..end]);
                etags.Add(etag.Success ? etag.Groups["etag"].Value.Trim() : null);
            }

            if (etags.Count != count)
            {
                throw new AzureStorageException($"azure: table batch failed: {count} operations but {etags.Count} responses");
            }

            return new TableBatchResult(TableWriteOutcome.Written, null, null, etags);
        }

        var status = int.Parse(failed.Groups["status"].Value, CultureInfo.InvariantCulture);
        var rest = body[(failed.Index + failed.Length)..];
        var jsonStart = rest.IndexOf('{', StringComparison.Ordinal);
        string? code = null;
        int? index = null;
        if (jsonStart >= 0)
        {
            var jsonEnd = rest.LastIndexOf('}');
            var (errorCode, message) = StorageTransport.ParseErrorBody(rest[jsonStart..(jsonEnd + 1)]);
            code = errorCode;
            var colon = message?.IndexOf(':', StringComparison.Ordinal) ?? -1;
            if (colon > 0 && int.TryParse(message.AsSpan(0, colon), NumberStyles.None, CultureInfo.InvariantCulture, out var i))
            {
                index = i;
            }
        }

        var outcome = status switch
        {
            412 or 409 => TableWriteOutcome.ConcurrencyConflict,
            404 => TableWriteOutcome.NotFound,
            _ => throw new AzureStorageException("table batch", (HttpStatusCode)status, code,
                $"(operation {index?.ToString(CultureInfo.InvariantCulture) ?? "?"})"),
        };
        return new TableBatchResult(outcome, index, code, []);
    }

    private static void ValidateTableName(string table)
    {
        ArgumentNullException.ThrowIfNull(table);
        if (!IsValidTableName(table))
        {
            throw new ArgumentException($"azure: '{table}' is not a valid table name (3-63 letters and digits, starting with a letter)", nameof(table));
        }
    }

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9]*$")]
    private static partial Regex TableNamePattern();

    [GeneratedRegex(@"HTTP/1\.1 (?<status>\d{3})[^\r\n]*")]
    private static partial Regex StatusLinePattern();

    [GeneratedRegex(@"(?im)^ETag:\s*(?<etag>[^\r\n]+)")]
    private static partial Regex EtagLinePattern();
}
