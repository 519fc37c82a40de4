using System.Text.Json;
using Alerts.Core.Topics;
using Alerts.Pipeline.Storage;
using Microsoft.Data.Sqlite;

namespace Alerts.Sqlite;

/// <summary>Topics, alias groups and topic matches in the topics, topic_aliases and topic_matches tables.</summary>
public sealed class SqliteTopicStore(SqliteDatabase database) : ITopicStore
{
    private const string Columns = "id, name, query, description, languages, feed_ids, public";
    private const string BumpVersion = "UPDATE counters SET value = value + 1 WHERE name = 'topics';";

    public Task UpsertTopicAsync(Topic topic, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(topic);
        return database.WithTransactionAsync(async (connection, transaction) =>
        {
            using var command = connection.Command($"""
                INSERT INTO topics ({Columns}) VALUES ($id, $name, $query, $description, $languages, $feeds, $public)
                ON CONFLICT (id) DO UPDATE SET name = excluded.name, query = excluded.query, description = excluded.description,
                    languages = excluded.languages, feed_ids = excluded.feed_ids, public = excluded.public;
                {BumpVersion}
                """, transaction)
                .With("$id", topic.Id).With("$name", topic.Name).With("$query", topic.Query).With("$description", topic.Description)
                .With("$languages", JsonSerializer.Serialize(topic.Languages)).With("$feeds", JsonSerializer.Serialize(topic.FeedIds)).With("$public", topic.Public ? 1 : 0);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }, cancellationToken);
    }

    public Task<Topic?> GetTopicAsync(string id, CancellationToken cancellationToken) =>
        database.WithConnectionAsync(async connection =>
        {
            using var command = connection.Command($"SELECT {Columns} FROM topics WHERE id = $id;").With("$id", id);
            var topics = await ReadTopicsAsync(command, cancellationToken);
            return topics.Count == 0 ? null : topics[0];
        }, cancellationToken);

    public Task<IReadOnlyList<Topic>> ListTopicsAsync(CancellationToken cancellationToken) =>
        database.WithConnectionAsync(async connection =>
        {
            using var command = connection.Command($"SELECT {Columns} FROM topics ORDER BY id;");
            return await ReadTopicsAsync(command, cancellationToken);
        }, cancellationToken);

    public Task<bool> RemoveTopicAsync(string id, CancellationToken cancellationToken) =>
        DeleteAndBumpAsync("DELETE FROM topics WHERE id = $key;", id, cancellationToken);

    public Task UpsertAliasAsync(AliasDefinition definition, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(definition);
        return database.WithTransactionAsync(async (connection, transaction) =>
        {
            using var command = connection.Command($"""
                INSERT INTO topic_aliases (name, members) VALUES ($name, $members)
                ON CONFLICT (name) DO UPDATE SET members = excluded.members;
                {BumpVersion}
                """, transaction).With("$name", definition.Name).With("$members", definition.Members);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }, cancellationToken);
    }

    public Task<bool> RemoveAliasAsync(string name, CancellationToken cancellationToken) =>
        DeleteAndBumpAsync("DELETE FROM topic_aliases WHERE name = $key;", name, cancellationToken);

    public Task<IReadOnlyList<AliasDefinition>> ListAliasesAsync(CancellationToken cancellationToken) =>
        database.WithConnectionAsync<IReadOnlyList<AliasDefinition>>(async connection =>
        {
            using var command = connection.Command("SELECT name, members FROM topic_aliases ORDER BY name;");
            using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var aliases = new List<AliasDefinition>();
            while (await reader.ReadAsync(cancellationToken))
            {
                aliases.Add(new AliasDefinition(reader.GetString(0), reader.GetString(1)));
            }

            return aliases;
        }, cancellationToken);

    public Task<long> GetTopicsVersionAsync(CancellationToken cancellationToken) =>
        database.WithConnectionAsync(async connection =>
        {
            using var command = connection.Command("SELECT value FROM counters WHERE name = 'topics';");
            return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
        }, cancellationToken);

    public Task RecordMatchesAsync(IReadOnlyList<TopicMatchRecord> matches, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(matches);
        if (matches.Count == 0)
        {
            return Task.CompletedTask;
        }

        return database.WithTransactionAsync(async (connection, transaction) =>
        {
            foreach (var match in matches)
            {
                using var command = connection.Command("""
                    INSERT INTO topic_matches (article_id, topic_id, clauses, matched_at) VALUES ($article, $topic, $clauses, $at)
                    ON CONFLICT (article_id, topic_id) DO NOTHING;
                    """, transaction)
                    .With("$article", match.ArticleId).With("$topic", match.TopicId)
                    .With("$clauses", JsonSerializer.Serialize(match.MatchedClauses)).With("$at", match.MatchedAt.ToUnixMs());
                await command.ExecuteNonQueryAsync(cancellationToken);
            }
        }, cancellationToken);
    }

    public Task<IReadOnlyList<TopicMatchRecord>> ListMatchesForArticleAsync(long articleId, CancellationToken cancellationToken) =>
        database.WithConnectionAsync<IReadOnlyList<TopicMatchRecord>>(async connection =>
        {
            using var command = connection.Command("SELECT article_id, topic_id, clauses, matched_at FROM topic_matches WHERE article_id = $id ORDER BY topic_id;")
                .With("$id", articleId);
            using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var matches = new List<TopicMatchRecord>();
            while (await reader.ReadAsync(cancellationToken))
            {
                matches.Add(new TopicMatchRecord(reader.GetInt64(0), reader.GetString(1), ReadList<string>(reader.GetString(2)), reader.GetTime(3)));
            }

            return matches;
        }, cancellationToken);

    /// <summary>Deletes one row by key and bumps the topics version in the same transaction; false when there was no such row.</summary>
    private Task<bool> DeleteAndBumpAsync(string deleteSql, string key, CancellationToken cancellationToken) =>
        database.WithTransactionAsync(async (connection, transaction) =>
        {
            using var delete = connection.Command(deleteSql, transaction).With("$key", key);
            var removed = await delete.ExecuteNonQueryAsync(cancellationToken) > 0;
            using var bump = connection.Command(BumpVersion, transaction);
            await bump.ExecuteNonQueryAsync(cancellationToken);
            return removed;
        }, cancellationToken);

    private static async Task<IReadOnlyList<Topic>> ReadTopicsAsync(SqliteCommand command, CancellationToken cancellationToken)
    {
        using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var topics = new List<Topic>();
        while (await reader.ReadAsync(cancellationToken))
        {
            topics.Add(new Topic(reader.GetString(0), reader.GetString(1), reader.GetString(2))
            {
                Description = reader.GetNullableString(3),
                Languages = ReadList<string>(reader.GetString(4)),
                FeedIds = ReadList<long>(reader.GetString(5)),
                Public = reader.GetInt64(6) != 0,
            });
        }

        return topics;
    }

    private static List<T> ReadList<T>(string json) => JsonSerializer.Deserialize<List<T>>(json) ?? [];
}
