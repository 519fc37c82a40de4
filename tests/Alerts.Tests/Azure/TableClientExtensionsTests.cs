using Alerts.Azure;
using Azure;
using Azure.Data.Tables;

namespace Alerts.Tests.Azure;

/// <summary>
/// What the stores rely on from the SDK's <see cref="TableClient"/>, through <see cref="TableClientExtensions"/>,
/// on Azurite: If-Match on ETags, 409/412/404 as outcomes, continuation tokens, and entity-group transactions
/// (<see cref="TableClient.SubmitTransactionAsync"/>) written all or nothing.
/// </summary>
[Collection(AzuriteCollection.Name)]
public class TableClientExtensionsTests(AzuriteFixture azurite)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<TableClient> NewTableAsync()
    {
        var table = azurite.CreateTableService().GetTableClient(AzuriteFixture.UniqueName("t"));
        await table.CreateAsync(Ct);
        return table;
    }

    private static TableEntity Entity(string partition, string row, params (string Name, object? Value)[] properties)
    {
        var entity = new TableEntity(partition, row);
        foreach (var (name, value) in properties)
        {
            entity[name] = value;
        }

        return entity;
    }

    private static TableEntity Versioned(TableEntity entity, ETag etag)
    {
        entity.ETag = etag;
        return entity;
    }

    private static IEnumerable<string> PropertyNames(TableEntity entity) =>
        entity.Keys.Where(k => k is not ("PartitionKey" or "RowKey" or "Timestamp" or "odata.etag")).Order(StringComparer.Ordinal);

    [Fact]
    public async Task AnInsertedEntityIsReadBackWithItsTypesAndWithoutItsNulls()
    {
        var table = await NewTableAsync();
        var when = new DateTimeOffset(2026, 3, 1, 12, 30, 15, 123, TimeSpan.Zero);
        // '/', '?' and '#' are not allowed in keys as they are; EncodeKey makes any string a key.
        var entity = Entity("feeds", TableKeys.EncodeKey("https://example.org/rss?x=1#top"),
            ("Title", "Türkiye's <S-400> 'deal'"), ("Errors", 3), ("Bytes", 5_000_000_000L), ("Parked", false), ("CheckedAt", when), ("Missing", null));

        var insert = await table.InsertAsync(entity, Ct);

        insert.Written.ShouldBeTrue();
        entity.ETag.ShouldNotBe(default);
        var read = (await table.GetAsync("feeds", entity.RowKey, Ct)).ShouldNotBeNull();
        TableKeys.DecodeKey(read.RowKey).ShouldBe("https://example.org/rss?x=1#top");
        read.ETag.ShouldBe(entity.ETag);
        read.GetString("Title").ShouldBe("Türkiye's <S-400> 'deal'");
        read.GetLong("Errors").ShouldBe(3);
        read.GetLong("Bytes").ShouldBe(5_000_000_000L);
        read.GetBoolean("Parked").ShouldBe(false);
        read.GetDateTimeOffset("CheckedAt").ShouldBe(when);
        PropertyNames(read).ShouldBe(["Bytes", "CheckedAt", "Errors", "Parked", "Title"]);
    }

    [Fact]
    public async Task APointReadOfAMissingEntityIsNull()
    {
        var table = await NewTableAsync();

        (await table.GetAsync("p", "nothing here", Ct)).ShouldBeNull();
    }

    [Fact]
    public async Task InsertingAnExistingEntityIsAConflict()
    {
        var table = await NewTableAsync();
        await table.InsertAsync(Entity("p", "r", ("V", 1)), Ct);

        var again = await table.InsertAsync(Entity("p", "r", ("V", 2)), Ct);

        again.Outcome.ShouldBe(TableWriteOutcome.ConcurrencyConflict);
        (await table.GetAsync("p", "r", Ct))!.GetLong("V").ShouldBe(1);
    }

    [Fact]
    public async Task AnUpdateWithAStaleETagIsAConcurrencyConflict()
    {
        var table = await NewTableAsync();
        await table.InsertAsync(Entity("p", "r", ("Count", 1)), Ct);
        var mine = (await table.GetAsync("p", "r", Ct))!;
        var theirs = (await table.GetAsync("p", "r", Ct))!;
        theirs["Count"] = 2;
        (await table.UpdateAsync(theirs, TableUpdateMode.Merge, Ct)).Written.ShouldBeTrue();

        mine["Count"] = 5;
        var stale = await table.UpdateAsync(mine, TableUpdateMode.Replace, Ct);

        stale.Outcome.ShouldBe(TableWriteOutcome.ConcurrencyConflict);
        (await table.GetAsync("p", "r", Ct))!.GetLong("Count").ShouldBe(2);
        var fresh = (await table.GetAsync("p", "r", Ct))!;
        fresh["Count"] = 5;
        (await table.UpdateAsync(fresh, TableUpdateMode.Replace, Ct)).Written.ShouldBeTrue();
        (await table.GetAsync("p", "r", Ct))!.GetLong("Count").ShouldBe(5);
    }

    [Fact]
    public async Task UpdatingOrDeletingAMissingEntityIsNotFound()
    {
        var table = await NewTableAsync();

        (await table.UpdateAsync(Entity("p", "gone", ("V", 1)), TableUpdateMode.Merge, Ct)).Outcome.ShouldBe(TableWriteOutcome.NotFound);
        (await table.DeleteAsync("p", "gone", default, Ct)).Outcome.ShouldBe(TableWriteOutcome.NotFound);
    }

    [Fact]
    public async Task DeleteHonoursTheETag()
    {
        var table = await NewTableAsync();
        var entity = Entity("p", "r", ("V", 1));
        await table.InsertAsync(entity, Ct);
        var first = entity.ETag;
        await table.UpsertAsync(Entity("p", "r", ("V", 2)), TableUpdateMode.Merge, Ct);

        (await table.DeleteAsync("p", "r", first, Ct)).Outcome.ShouldBe(TableWriteOutcome.ConcurrencyConflict);
        (await table.DeleteAsync("p", "r", default, Ct)).Written.ShouldBeTrue();
        (await table.GetAsync("p", "r", Ct)).ShouldBeNull();
    }

    [Fact]
    public async Task APartitionQueryFollowsContinuationTokensAndSeesOnlyItsPartition()
    {
        var table = await NewTableAsync();
        for (var batch = 0; batch < 3; batch++)
        {
            var actions = Enumerable.Range(batch * 5, 5)
                .Select(i => (TableTransactionActionType.Add, Entity("topic-1", $"row{i:D2}", ("N", i)))).ToList();
            (await table.SubmitAsync(actions, Ct)).Written.ShouldBeTrue();
        }

        await table.InsertAsync(Entity("topic-2", "row00", ("N", 99)), Ct);
        await table.InsertAsync(Entity("topic-0", "row00", ("N", -1)), Ct);

        var pages = new List<TablePage>();
        string? continuation = null;
        do
        {
            var page = await table.QueryPageAsync(TableClient.CreateQueryFilter($"PartitionKey eq {"topic-1"}"), 4, continuation, Ct);
            pages.Add(page);
            continuation = page.ContinuationToken;
        }
        while (continuation is not null && pages.Count < 10);

        pages.Count.ShouldBeGreaterThanOrEqualTo(4);
        pages.Take(3).ShouldAllBe(page => page.ContinuationToken != null && page.Entities.Count == 4);
        pages.SelectMany(p => p.Entities).Select(e => e.GetLong("N")).ShouldBe(Enumerable.Range(0, 15).Select(i => (long?)i));
        var all = new List<TableEntity>();
        await foreach (var entity in table.QueryAllAsync(TableClient.CreateQueryFilter($"PartitionKey eq {"topic-1"} and N ge {10}"), Ct))
        {
            all.Add(entity);
        }

        all.Select(e => e.RowKey).ShouldBe(["row10", "row11", "row12", "row13", "row14"]);
    }

    [Fact]
    public async Task AFilterQuotesSingleQuotes()
    {
        var table = await NewTableAsync();
        await table.InsertAsync(Entity("O'Brien", "r"), Ct);
        await table.InsertAsync(Entity("OBrien", "r"), Ct);

        var page = await table.QueryPageAsync(TableClient.CreateQueryFilter($"PartitionKey eq {"O'Brien"}"), 10, null, Ct);

        page.Entities.Single().PartitionKey.ShouldBe("O'Brien");
        (await table.GetAsync("O'Brien", "r", Ct)).ShouldNotBeNull();
    }

    [Fact]
    public async Task ATransactionIsWrittenAsAWholeWithANewETagPerEntity()
    {
        var table = await NewTableAsync();
        var existing = Entity("p", "existing", ("V", 1));
        await table.InsertAsync(existing, Ct);
        await table.InsertAsync(Entity("p", "doomed"), Ct);
        var replaced = Versioned(Entity("p", "existing", ("V", 3)), existing.ETag);
        var actions = new List<(TableTransactionActionType, TableEntity)>
        {
            (TableTransactionActionType.Add, Entity("p", "new", ("V", 1))),
            (TableTransactionActionType.UpsertMerge, Entity("p", "merged", ("V", 2))),
            (TableTransactionActionType.UpdateReplace, replaced),
            (TableTransactionActionType.Delete, Entity("p", "doomed")),
        };

        var result = await table.SubmitAsync(actions, Ct);

        result.Written.ShouldBeTrue();
        replaced.ETag.ShouldNotBe(existing.ETag);
        replaced.ETag.ShouldBe((await table.GetAsync("p", "existing", Ct))!.ETag);
        (await table.GetAsync("p", "existing", Ct))!.GetLong("V").ShouldBe(3);
        (await table.GetAsync("p", "merged", Ct))!.GetLong("V").ShouldBe(2);
        (await table.GetAsync("p", "doomed", Ct)).ShouldBeNull();
    }

    [Fact]
    public async Task ATransactionWithOneStaleETagWritesNothingAndNamesTheAction()
    {
        var table = await NewTableAsync();
        var existing = Entity("p", "existing", ("V", 1));
        await table.InsertAsync(existing, Ct);
        await table.UpsertAsync(Entity("p", "existing", ("V", 2)), TableUpdateMode.Merge, Ct);
        var actions = new List<(TableTransactionActionType, TableEntity)>
        {
            (TableTransactionActionType.Add, Entity("p", "a", ("V", 1))),
            (TableTransactionActionType.UpdateMerge, Versioned(Entity("p", "existing", ("V", 9)), existing.ETag)),
            (TableTransactionActionType.Add, Entity("p", "b", ("V", 1))),
        };

        var result = await table.SubmitAsync(actions, Ct);

        result.Outcome.ShouldBe(TableWriteOutcome.ConcurrencyConflict);
        result.FailedIndex.ShouldBe(1);
        (await table.GetAsync("p", "a", Ct)).ShouldBeNull();
        (await table.GetAsync("p", "b", Ct)).ShouldBeNull();
        (await table.GetAsync("p", "existing", Ct))!.GetLong("V").ShouldBe(2);
    }

    [Fact]
    public async Task ATransactionAddOfAnExistingRowWritesNothing()
    {
        var table = await NewTableAsync();
        await table.InsertAsync(Entity("p", "taken"), Ct);

        var result = await table.SubmitAsync(
            [(TableTransactionActionType.Add, Entity("p", "fresh")), (TableTransactionActionType.Add, Entity("p", "taken"))], Ct);

        result.Outcome.ShouldBe(TableWriteOutcome.ConcurrencyConflict);
        result.FailedIndex.ShouldBe(1);
        (await table.GetAsync("p", "fresh", Ct)).ShouldBeNull();
    }

    [Theory]
    [InlineData("a/b")]
    [InlineData("a\\b")]
    [InlineData("a#b")]
    [InlineData("a?b")]
    [InlineData("tab\there")]
    public async Task KeysWithForbiddenCharactersAreRefusedBeforeAnyRequestAndEncodeKeyMakesThemValid(string key)
    {
        var table = azurite.CreateTableService().GetTableClient("nosuchtable");

        await Should.ThrowAsync<ArgumentException>(() => table.InsertAsync(Entity("p", key), Ct));
        TableKeys.IsValid(key).ShouldBeFalse();

        var encoded = TableKeys.EncodeKey(key);

        TableKeys.IsValid(encoded).ShouldBeTrue();
        TableKeys.DecodeKey(encoded).ShouldBe(key);
    }

    [Theory]
    [InlineData("plain")]
    [InlineData("with~tilde~2F")]
    [InlineData("~")]
    [InlineData("")]
    public void EncodeKeyRoundTrips(string key)
    {
        TableKeys.DecodeKey(TableKeys.EncodeKey(key)).ShouldBe(key);
    }
}
