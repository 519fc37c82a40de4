using System.Runtime.CompilerServices;
using Azure;
using Azure.Data.Tables;

namespace Alerts.Azure;

/// <summary>How a conditional write ended.</summary>
public enum TableWriteOutcome
{
    /// <summary>Written; the entity's <see cref="TableEntity.ETag"/> is its new version.</summary>
    Written,

    /// <summary>Someone else wrote first: the ETag did not match (412), or an insert found the entity (409).</summary>
    ConcurrencyConflict,

    /// <summary>There is no such entity (404) to update or delete.</summary>
    NotFound,
}

/// <summary>The outcome of a single-entity write.</summary>
public readonly record struct TableWriteResult(TableWriteOutcome Outcome)
{
    public bool Written => Outcome == TableWriteOutcome.Written;
}

/// <summary>
/// A transaction either written as a whole or not at all; then <see cref="FailedIndex"/> names the action
/// that failed and <see cref="Outcome"/> says why.
/// </summary>
public sealed record TableTransactionResult(TableWriteOutcome Outcome, int? FailedIndex)
{
    public bool Written => Outcome == TableWriteOutcome.Written;
}

/// <summary>One page of a query and the SDK's continuation token to the next one (null after the last page).</summary>
public sealed record TablePage(IReadOnlyList<TableEntity> Entities, string? ContinuationToken);

/// <summary>
/// The outcomes the stores branch on, over <see cref="TableClient"/>: a 404 read is null, a 409 insert or a
/// 412 conditional write is <see cref="TableWriteOutcome.ConcurrencyConflict"/> rather than an exception.
/// Every other failure stays the SDK's <see cref="RequestFailedException"/> (after the SDK's retries).
/// Writes drop null properties (a table has no nulls), and an entity without an ETag is written with
/// If-Match "*".
/// </summary>
public static class TableClientExtensions
{
    /// <summary>The most actions one entity-group transaction may hold.</summary>
    public const int MaxTransactionActions = 100;

    /// <summary>A point read by PartitionKey and RowKey; null when there is no such entity.</summary>
    public static async Task<TableEntity?> GetAsync(this TableClient table, string partitionKey, string rowKey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(table);
        TableKeys.Validate(partitionKey, nameof(partitionKey));
        TableKeys.Validate(rowKey, nameof(rowKey));
        var response = await table.GetEntityIfExistsAsync<TableEntity>(partitionKey, rowKey, cancellationToken: cancellationToken);
        return response.HasValue ? response.Value : null;
    }

    /// <summary>Insert; a conflict when the entity already exists (409). Sets the entity's ETag when written.</summary>
    public static async Task<TableWriteResult> InsertAsync(this TableClient table, TableEntity entity, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(table);
        try
        {
            var response = await table.AddEntityAsync(Prepare(entity), cancellationToken);
            entity.ETag = response.Headers.ETag ?? default;
            return new TableWriteResult(TableWriteOutcome.Written);
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            return new TableWriteResult(TableWriteOutcome.ConcurrencyConflict);
        }
    }

    /// <summary>Insert Or Replace / Insert Or Merge: always written.</summary>
    public static async Task UpsertAsync(this TableClient table, TableEntity entity, TableUpdateMode mode, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(table);
        var response = await table.UpsertEntityAsync(Prepare(entity), mode, cancellationToken);
        entity.ETag = response.Headers.ETag ?? default;
    }

    /// <summary>
    /// Update (replace) or Merge with If-Match: the entity's ETag, or "*" when it has none. 412 is
    /// <see cref="TableWriteOutcome.ConcurrencyConflict"/>, 404 <see cref="TableWriteOutcome.NotFound"/>.
    /// Sets the entity's ETag when written.
    /// </summary>
    public static async Task<TableWriteResult> UpdateAsync(this TableClient table, TableEntity entity, TableUpdateMode mode, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(table);
        try
        {
            var response = await table.UpdateEntityAsync(Prepare(entity), IfMatch(entity.ETag), mode, cancellationToken);
            entity.ETag = response.Headers.ETag ?? default;
            return new TableWriteResult(TableWriteOutcome.Written);
        }
        catch (RequestFailedException ex) when (ex.Status is 412 or 404)
        {
            return new TableWriteResult(ex.Status == 412 ? TableWriteOutcome.ConcurrencyConflict : TableWriteOutcome.NotFound);
        }
    }

    /// <summary>Delete with If-Match (<paramref name="etag"/>, or "*" when default): not found (404) or a conflict (412) when it was not there or had changed.</summary>
    public static async Task<TableWriteResult> DeleteAsync(this TableClient table, string partitionKey, string rowKey, ETag etag, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(table);
        TableKeys.Validate(partitionKey, nameof(partitionKey));
        TableKeys.Validate(rowKey, nameof(rowKey));
        try
        {
            // The SDK answers a delete of a missing entity with its 404 response rather than an exception.
            var response = await table.DeleteEntityAsync(partitionKey, rowKey, IfMatch(etag), cancellationToken);
            return new TableWriteResult(response.Status == 404 ? TableWriteOutcome.NotFound : TableWriteOutcome.Written);
        }
        catch (RequestFailedException ex) when (ex.Status is 412 or 404)
        {
            return new TableWriteResult(ex.Status == 412 ? TableWriteOutcome.ConcurrencyConflict : TableWriteOutcome.NotFound);
        }
    }

    /// <summary>
    /// One page of the entities matching <paramref name="filter"/> (null for all), at most
    /// <paramref name="top"/>, from <paramref name="continuationToken"/> (the previous page's). A page may be
    /// short, even empty, and still have a continuation.
    /// </summary>
    public static async Task<TablePage> QueryPageAsync(this TableClient table, string? filter, int top, string? continuationToken,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentOutOfRangeException.ThrowIfLessThan(top, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(top, 1000);
        await foreach (var page in table.QueryAsync<TableEntity>(filter, top, cancellationToken: cancellationToken).AsPages(continuationToken, top))
        {
            return new TablePage(page.Values, page.ContinuationToken);
        }

        return new TablePage([], null);
    }

    /// <summary>Every entity matching <paramref name="filter"/> (null for all); the SDK follows the continuations.</summary>
    public static async IAsyncEnumerable<TableEntity> QueryAllAsync(this TableClient table, string? filter,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(table);
        await foreach (var entity in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            yield return entity;
        }
    }

    /// <summary>
    /// An entity-group transaction (<see cref="TableClient.SubmitTransactionAsync"/>): up to 100 actions on
    /// distinct rows of one partition, all or nothing. Update and Delete actions use the entity's ETag as
    /// If-Match ("*" when it has none). A 409 or 412 of an action is a conflict and a 404 a
    /// <see cref="TableWriteOutcome.NotFound"/>, naming the failed action; nothing of the batch was written.
    /// On success each written entity carries its new ETag.
    /// </summary>
    public static async Task<TableTransactionResult> SubmitAsync(this TableClient table, IReadOnlyList<(TableTransactionActionType Kind, TableEntity Entity)> actions,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(actions);
        if (actions.Count is 0 or > MaxTransactionActions)
        {
            throw new ArgumentException($"azure: a transaction holds 1 to {MaxTransactionActions} actions, not {actions.Count}", nameof(actions));
        }

        var batch = actions.Select(a => a.Kind is TableTransactionActionType.UpdateReplace or TableTransactionActionType.UpdateMerge or TableTransactionActionType.Delete
            ? new TableTransactionAction(a.Kind, Prepare(a.Entity), IfMatch(a.Entity.ETag))
            : new TableTransactionAction(a.Kind, Prepare(a.Entity))).ToList();
        try
        {
            var responses = (await table.SubmitTransactionAsync(batch, cancellationToken)).Value;
            for (var i = 0; i < actions.Count && i < responses.Count; i++)
            {
                actions[i].Entity.ETag = responses[i].Headers.ETag ?? default;
            }

            return new TableTransactionResult(TableWriteOutcome.Written, null);
        }
        catch (TableTransactionFailedException ex) when (ex.Status is 409 or 412 or 404)
        {
            return new TableTransactionResult(ex.Status == 404 ? TableWriteOutcome.NotFound : TableWriteOutcome.ConcurrencyConflict, ex.FailedTransactionActionIndex);
        }
    }

    /// <summary>A whole-number property written as Int32 or Int64 (older rows and counts may be either); null when absent.</summary>
    public static long? GetLong(this TableEntity entity, string name)
    {
        ArgumentNullException.ThrowIfNull(entity);
        return entity.TryGetValue(name, out var value) ? value switch
        {
            long l => l,
            int i => i,
            _ => null,
        } : null;
    }

    private static ETag IfMatch(ETag etag) => etag == default ? ETag.All : etag;

    private static TableEntity Prepare(TableEntity entity)
    {
        ArgumentNullException.ThrowIfNull(entity);
        TableKeys.Validate(entity.PartitionKey, nameof(entity));
        TableKeys.Validate(entity.RowKey, nameof(entity));
        foreach (var name in entity.Keys.Where(name => entity[name] is null).ToList())
        {
            entity.Remove(name);
        }

        return entity;
    }
}
