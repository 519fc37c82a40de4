using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

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

    private readonly ConcurrentDictionary<string, Task> _created = new(StringComparer.Ordinal);
    private readonly string _prefix;

    /// <param name="client">The table client.</param>
    /// <param name="prefix">Empty, or letters and digits starting with a letter, prepended to every table name.</param>
    public AzureStoreTables(AzureTableClient client, string prefix)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(prefix);
        if (prefix.Length > 0 && !AzureTableClient.IsValidTableName(prefix + "x"))
        {
            throw new ArgumentException($"azure: table prefix '{prefix}' must be letters and digits starting with a letter", nameof(prefix));
        }

        Client = client;
        _prefix = prefix;
    }

    public AzureTableClient Client { get; }

    /// <summary>The full name of <paramref name="name"/>, created (once per instance) before it is returned.</summary>
    public async Task<string> TableAsync(string name, CancellationToken cancellationToken)
    {
        var table = _prefix + name;
        var creation = _created.GetOrAdd(table, t => Client.CreateTableAsync(t, CancellationToken.None));
        try
        {
            await creation.WaitAsync(cancellationToken);
        }
        catch (AzureStorageException)
        {
            // A failed creation is not remembered: the next call tries again.
            _created.TryRemove(new KeyValuePair<string, Task>(table, creation));
            throw;
        }

        return table;
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
            var counter = await Client.GetAsync(table, IdsPartition, kind, cancellationToken);
            var next = (counter?.GetInt64("Value") ?? 0) + 1;
            var entity = new TableEntity(IdsPartition, kind) { ["Value"] = next, ETag = counter?.ETag };
            var result = counter is null
                ? await Client.InsertAsync(table, entity, cancellationToken)
                : await Client.UpdateAsync(table, entity, TableUpdateMode.Replace, cancellationToken);
            if (result.Written)
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
        return (await Client.GetAsync(table, IdsPartition, kind, cancellationToken))?.GetInt64("Value") ?? 0;
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
        var parts = (int)(entity.GetInt64(name + "Parts") ?? 0);
        return string.Concat(Enumerable.Range(0, parts).Select(i => entity.GetString(name + i.ToString(CultureInfo.InvariantCulture))));
    }
}
