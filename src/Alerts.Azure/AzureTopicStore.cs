using System.Text.Json;
using Alerts.Core.Topics;
using Alerts.Pipeline.Storage;
using Azure.Data.Tables;

namespace Alerts.Azure;

/// <summary>
/// Topics, alias groups and matches in Azure tables. Topics (RowKey "t-" + id), aliases ("a-" + name) and
/// the topics version ("version") share the one partition "topics" of the table <c>topics</c>, so each
/// change and its version bump are one batch transaction: the bump is an If-Match update of the version
/// entity, and a concurrent change makes the batch fail as a whole and retry. Matches are in
/// <c>topicmatches</c>: PartitionKey the padded article id, RowKey the topic id, written with Insert (a
/// 409 means already recorded).
/// </summary>
public sealed class AzureTopicStore(AzureStoreTables tables) : ITopicStore
{
    private const string TopicsTable = "topics";
    private const string MatchesTable = "topicmatches";
    private const string Partition = "topics";
    private const string VersionRow = "version";
    private const string TopicPrefix = "t-";
    private const string AliasPrefix = "a-";
    private const int MaxAttempts = 50;

    public async Task UpsertTopicAsync(Topic topic, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(topic);
        var entity = new TableEntity(Partition, TopicPrefix + TableKeys.EncodeKey(topic.Id))
        {
            ["Id"] = topic.Id,
            ["Name"] = topic.Name,
            ["Query"] = topic.Query,
            ["Description"] = topic.Description,
            ["Languages"] = JsonSerializer.Serialize(topic.Languages),
            ["FeedIds"] = JsonSerializer.Serialize(topic.FeedIds),
            ["Public"] = topic.Public,
        };
        await ChangeAsync((TableTransactionActionType.UpsertReplace, entity), cancellationToken);
    }

    public async Task<Topic?> GetTopicAsync(string id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(id);
        var table = await tables.TableAsync(TopicsTable, cancellationToken);
        var entity = await table.GetAsync(Partition, TopicPrefix + TableKeys.EncodeKey(id), cancellationToken);
        return entity is null ? null : ReadTopic(entity);
    }

    public async Task<IReadOnlyList<Topic>> ListTopicsAsync(CancellationToken cancellationToken) =>
        (await ListRowsAsync(TopicPrefix, cancellationToken)).Select(ReadTopic).OrderBy(t => t.Id, StringComparer.Ordinal).ToList();

    public Task<bool> RemoveTopicAsync(string id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(id);
        return ChangeAsync((TableTransactionActionType.Delete, new TableEntity(Partition, TopicPrefix + TableKeys.EncodeKey(id))), cancellationToken);
    }

    public async Task UpsertAliasAsync(AliasDefinition definition, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var entity = new TableEntity(Partition, AliasKey(definition.Name))
        {
            ["Name"] = definition.Name,
            ["Members"] = definition.Members,
        };
        await ChangeAsync((TableTransactionActionType.UpsertReplace, entity), cancellationToken);
    }

    public Task<bool> RemoveAliasAsync(string name, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(name);
        return ChangeAsync((TableTransactionActionType.Delete, new TableEntity(Partition, AliasKey(name))), cancellationToken);
    }

    public async Task<IReadOnlyList<AliasDefinition>> ListAliasesAsync(CancellationToken cancellationToken) =>
        (await ListRowsAsync(AliasPrefix, cancellationToken))
        .Select(e => new AliasDefinition(e.GetString("Name") ?? string.Empty, e.GetString("Members") ?? string.Empty))
        .OrderBy(a => a.Name, StringComparer.OrdinalIgnoreCase).ToList();

    public async Task<long> GetTopicsVersionAsync(CancellationToken cancellationToken)
    {
        var table = await tables.TableAsync(TopicsTable, cancellationToken);
        return (await table.GetAsync(Partition, VersionRow, cancellationToken))?.GetLong("Value") ?? 0;
    }

    /// <summary>One Insert per match; a 409 is a match already recorded, which stays as it was.</summary>
    public async Task RecordMatchesAsync(IReadOnlyList<TopicMatchRecord> matches, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(matches);
        if (matches.Count == 0)
        {
            return;
        }

        var table = await tables.TableAsync(MatchesTable, cancellationToken);
        foreach (var match in matches)
        {
            var entity = new TableEntity(AzureStoreTables.IdKey(match.ArticleId), TableKeys.EncodeKey(match.TopicId))
            {
                ["ArticleId"] = match.ArticleId,
                ["TopicId"] = match.TopicId,
                ["Clauses"] = JsonSerializer.Serialize(match.MatchedClauses),
                ["MatchedAt"] = match.MatchedAt,
            };
            await table.InsertAsync(entity, cancellationToken);
        }
    }

    public async Task<IReadOnlyList<TopicMatchRecord>> ListMatchesForArticleAsync(long articleId, CancellationToken cancellationToken)
    {
        if (articleId < 0)
        {
            return [];
        }

        var table = await tables.TableAsync(MatchesTable, cancellationToken);
        var matches = new List<TopicMatchRecord>();
        await foreach (var entity in table.QueryAllAsync(TableClient.CreateQueryFilter($"PartitionKey eq {AzureStoreTables.IdKey(articleId)}"), cancellationToken))
        {
            matches.Add(new TopicMatchRecord(entity.GetLong("ArticleId") ?? articleId, entity.GetString("TopicId") ?? string.Empty,
                ReadList<string>(entity.GetString("Clauses")), entity.GetDateTimeOffset("MatchedAt") ?? DateTimeOffset.MinValue));
        }

        return matches.OrderBy(m => m.TopicId, StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// Applies <paramref name="change"/> and bumps the version in one batch. False, changing nothing, when the
    /// change is a delete of a row that does not exist; a conflict on the version re-reads it and retries.
    /// </summary>
    private async Task<bool> ChangeAsync((TableTransactionActionType Kind, TableEntity Entity) change, CancellationToken cancellationToken)
    {
        var table = await tables.TableAsync(TopicsTable, cancellationToken);
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var version = await table.GetAsync(Partition, VersionRow, cancellationToken);
            var next = new TableEntity(Partition, VersionRow) { ["Value"] = (version?.GetLong("Value") ?? 0) + 1, ETag = version?.ETag ?? default };
            var bump = (version is null ? TableTransactionActionType.Add : TableTransactionActionType.UpdateReplace, next);
            var result = await table.SubmitAsync([change, bump], cancellationToken);
            if (result.Written)
            {
                return true;
            }

            // Only the delete can be missing; the version update fails with 412 and its insert with 409.
            if (result.Outcome == TableWriteOutcome.NotFound)
            {
                return false;
            }

            await AzureStoreTables.BackOffAsync(attempt, cancellationToken);
        }

        throw new AzureStorageException($"store: could not change the topics after {MaxAttempts} attempts (too much contention)");
    }

    private async Task<List<TableEntity>> ListRowsAsync(string prefix, CancellationToken cancellationToken)
    {
        var table = await tables.TableAsync(TopicsTable, cancellationToken);
        // Row keys from "t-" up to (not including) "t.": '.' is the character after '-'.
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {Partition} and RowKey ge {prefix} and RowKey lt {prefix[..^1] + "."}");
        var rows = new List<TableEntity>();
        await foreach (var entity in table.QueryAllAsync(filter, cancellationToken))
        {
            rows.Add(entity);
        }

        return rows;
    }

    /// <summary>Alias names are case-insensitive (as in SQLite, where the column is NOCASE): the key is the upper-cased name.</summary>
    private static string AliasKey(string name) => AliasPrefix + TableKeys.EncodeKey(name.ToUpperInvariant());

    private static Topic ReadTopic(TableEntity entity) =>
        new(entity.GetString("Id") ?? string.Empty, entity.GetString("Name") ?? string.Empty, entity.GetString("Query") ?? string.Empty)
        {
            Description = entity.GetString("Description"),
            Languages = ReadList<string>(entity.GetString("Languages")),
            FeedIds = ReadList<long>(entity.GetString("FeedIds")),
            Public = entity.GetBoolean("Public") ?? false,
        };

    private static List<T> ReadList<T>(string? json) => json is null ? [] : JsonSerializer.Deserialize<List<T>>(json) ?? [];
}
