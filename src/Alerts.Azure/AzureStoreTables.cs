using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Data.Tables;

namespace Alerts.Azure;

/// <summary>
/// What the Azure Table stores share: table names (with an optional prefix, so several deployments or test
/// runs can share one account), tables created on first use, key helpers and id allocation from counters.
/// </summary>
public sealed class AzureStoreTables
{
    private const string CountersTable = "counters";
    private const string IdsPartition = "ids";
    private const int MaxAttempts = 200;
    private const int TextChunk = 30_000;
    private const int MaxTextChunks = 30;

    private readonly ConcurrentDictionary<string, Task<TableClient>> _created = new(StringComparer.Ordinal);
    private readonly TableServiceClient _service;
    private readonly string _prefix;

    /// <param name="service">The Table service client (registered once by <see cref="AzureStorageHostingExtensions.AddAzureStorage"/>).</param>
    /// <param name="prefix">Empty, or letters and digits starting with a letter, prepended to every table name.</param>
    public AzureStoreTables(TableServiceClient service, string prefix)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(prefix);
        if (prefix.Length > 0 && !IsValidTableName(prefix + "x"))
        {
            throw new ArgumentException($"azure: table prefix '{prefix}' must be letters and digits starting with a letter", nameof(prefix));
        }

        _service = service;
        _prefix = prefix;
    }

    /// <summary>Table names: 3–63 letters and digits, starting with a letter ("tables" is reserved).</summary>
    public static bool IsValidTableName(string table) =>
        table is { Length: >= 3 and <= 63 } && char.IsAsciiLetter(table[0]) && table.All(char.IsAsciiLetterOrDigit)
        && !table.Equals("tables", StringComparison.OrdinalIgnoreCase);

    /// <summary>The client of table <paramref name="name"/> (with the prefix), created (once per instance) before it is returned.</summary>
    public async Task<TableClient> TableAsync(string name, CancellationToken cancellationToken)
    {
        var table = _prefix + name;
        var creation = _created.GetOrAdd(table, CreateAsync);
        try
        {
            return await creation.WaitAsync(cancellationToken);
        }
        catch (RequestFailedException)
        {
            // A failed creation is not remembered: the next call tries again.
            _created.TryRemove(new KeyValuePair<string, Task<TableClient>>(table, creation));
            throw;
        }
    }

    private async Task<TableClient> CreateAsync(string table)
    {
        var client = _service.GetTableClient(table);
        await client.CreateIfNotExistsAsync(CancellationToken.None);
        return client;
    }

    /// <summary>
    /// The next id of <paramref name="kind"/> (1, 2, 3, ...): a counter entity incremented with If-Match, so
    /// concurrent writers never get the same id; a conflict re-reads and tries again after a short random pause.
    /// An id whose writer then fails is simply never used (ids may have gaps, as SQLite's may).
    /// </summary>
    public async Task<long> NextIdAsync(string kind, CancellationToken cancellationToken)
    {
        var table = await TableAsync(CountersTable, cancellationToken);
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var counter = await table.GetAsync(IdsPartition, kind, cancellationToken);
            var next = (counter?.GetLong("Value") ?? 0) + 1;
            var entity = new TableEntity(IdsPartition, kind) { ["Value"] = next };
            var written = counter is null
                ? await table.InsertAsync(entity, cancellationToken)
                : await table.UpdateAsync(WithETag(entity, counter), TableUpdateMode.Replace, cancellationToken);
            if (written.Written)
            {
                return next;
            }

            await BackOffAsync(attempt, cancellationToken);
        }

        throw new AzureStorageException($"store: could not allocate a {kind} id after {MaxAttempts} attempts (too much contention)");
    }

    /// <summary>The last id of <paramref name="kind"/> given out (0 when none): one point read of its counter.</summary>
    public async Task<long> CurrentIdAsync(string kind, CancellationToken cancellationToken)
    {
        var table = await TableAsync(CountersTable, cancellationToken);
        return (await table.GetAsync(IdsPartition, kind, cancellationToken))?.GetLong("Value") ?? 0;
    }

    /// <summary><paramref name="entity"/> with the version of <paramref name="read"/> (for If-Match); as it is when nothing was read.</summary>
    public static TableEntity WithETag(TableEntity entity, TableEntity? read)
    {
        ArgumentNullException.ThrowIfNull(entity);
        entity.ETag = read?.ETag ?? default;
        return entity;
    }

    /// <summary>A short random pause before retrying after a concurrency conflict, growing a little with each attempt.</summary>
    public static Task BackOffAsync(int attempt, CancellationToken cancellationToken) =>
        Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(1, 5 + Math.Min(attempt, 20) * 5)), cancellationToken);

    /// <summary>An id as a key that sorts in numeric order (non-negative ids, 19 digits).</summary>
    public static string IdKey(long id) => id.ToString("D19", CultureInfo.InvariantCulture);

    /// <summary>An id as a key that sorts newest (largest) first.</summary>
    public static string InvertedIdKey(long id) => (long.MaxValue - id).ToString("D19", CultureInfo.InvariantCulture);

    /// <summary>
    /// A fixed-length key for a value of any length (URLs and feed item ids can exceed the 1 KiB key limit):
    /// the lower-case hex SHA-256 of its UTF-8. The value itself is stored in the entity too.
    /// </summary>
    public static string HashKey(string value) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)));

    /// <summary>
    /// Stores <paramref name="text"/> in properties <paramref name="name"/>0, 1, ... (<paramref name="name"/>Parts
    /// says how many): a string property holds at most 64 KiB, 32 K UTF-16 characters. Pieces are at most 30,000
    /// characters and never split a surrogate pair; more than 30 pieces would exceed the 1 MiB entity limit.
    /// </summary>
    public static void SetLongText(TableEntity entity, string name, string text)
    {
        ArgumentNullException.ThrowIfNull(entity);
        ArgumentNullException.ThrowIfNull(text);
        var chunks = new List<string>();
        var start = 0;
        while (start < text.Length)
        {
            var length = Math.Min(TextChunk, text.Length - start);
            if (start + length < text.Length && char.IsHighSurrogate(text[start + length - 1]))
            {
                length--;
            }

            chunks.Add(text.Substring(start, length));
            start += length;
        }

        if (chunks.Count > MaxTextChunks)
        {
            throw new InvalidOperationException($"store: a text of {text.Length} characters is too long for a table entity");
        }

        entity[name + "Parts"] = chunks.Count;
        for (var i = 0; i < chunks.Count; i++)
        {
            entity[name + i.ToString(CultureInfo.InvariantCulture)] = chunks[i];
        }
    }

    /// <summary>The text <see cref="SetLongText"/> stored.</summary>
    public static string GetLongText(TableEntity entity, string name)
    {
        ArgumentNullException.ThrowIfNull(entity);
        var parts = (int)(entity.GetLong(name + "Parts") ?? 0);
        return string.Concat(Enumerable.Range(0, parts).Select(i => entity.GetString(name + i.ToString(CultureInfo.InvariantCulture))));
    }
}
