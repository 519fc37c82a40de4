using Alerts.Azure;

namespace Alerts.Tests.Azure;

[Collection(AzuriteCollection.Name)]
public class AzureTableClientTests(AzuriteFixture azurite)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<(AzureTableClient Client, string Table)> NewTableAsync()
    {
        var client = new AzureTableClient(azurite.CreateTransport());
        var table = AzuriteFixture.UniqueName("t");
        (await client.CreateTableAsync(table, Ct)).ShouldBeTrue();
        return (client, table);
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

    private static TableEntity Versioned(TableEntity entity, string? etag)
    {
        entity.ETag = etag;
        return entity;
    }

    [Fact]
    public async Task CreatingATableTwiceIsFine()
    {
        var (client, table) = await NewTableAsync();

        (await client.CreateTableAsync(table, Ct)).ShouldBeFalse();
        (await client.DeleteTableAsync(table, Ct)).ShouldBeTrue();
        (await client.DeleteTableAsync(table, Ct)).ShouldBeFalse();
    }

    [Fact]
    public async Task AnInsertedEntityIsReadBackWithItsTypes()
    {
        var (client, table) = await NewTableAsync();
        var when = new DateTimeOffset(2026, 3, 1, 12, 30, 15, 123, TimeSpan.Zero);
        var id = Guid.NewGuid();
        // '/', '?' and '#' are not allowed in keys as they are; EncodeKey makes any string a key.
        var entity = Entity("feeds", TableKeys.EncodeKey("https://example.org/rss?x=1#top"),
            ("Title", "Türkiye's <S-400> 'deal'"), ("Errors", 3), ("Bytes", 5_000_000_000L), ("Score", 2.0),
            ("Parked", false), ("CheckedAt", when), ("Id", id), ("Hash", new byte[] { 1, 2, 255 }), ("Missing", null));

        var insert = await client.InsertAsync(table, entity, Ct);

        insert.Outcome.ShouldBe(TableWriteOutcome.Written);
        insert.ETag.ShouldNotBeNullOrEmpty();
        entity.ETag.ShouldBe(insert.ETag);
        var read = await client.GetAsync(table, "feeds", entity.RowKey, Ct);
        read.ShouldNotBeNull();
        TableKeys.DecodeKey(read.RowKey).ShouldBe("https://example.org/rss?x=1#top");
        read.ETag.ShouldBe(insert.ETag);
        read.Timestamp.ShouldNotBeNull();
        read["Title"].ShouldBe("Türkiye's <S-400> 'deal'");
        read["Errors"].ShouldBe(3);
        read["Bytes"].ShouldBe(5_000_000_000L);
        read["Score"].ShouldBe(2.0);
        read["Parked"].ShouldBe(false);
        read["CheckedAt"].ShouldBe(when);
        read["Id"].ShouldBe(id);
        read["Hash"].ShouldBe(new byte[] { 1, 2, 255 });
        read.Properties.ContainsKey("Missing").ShouldBeFalse();
    }

    [Fact]
    public async Task APointReadOfAMissingEntityIsNull()
    {
        var (client, table) = await NewTableAsync();

        (await client.GetAsync(table, "p", "nothing here", Ct)).ShouldBeNull();
    }

    [Fact]
    public async Task InsertingAnExistingEntityIsAConflict()
    {
        var (client, table) = await NewTableAsync();
        await client.InsertAsync(table, Entity("p", "r", ("V", 1)), Ct);

        var again = await client.InsertAsync(table, Entity("p", "r", ("V", 2)), Ct);

        again.Outcome.ShouldBe(TableWriteOutcome.ConcurrencyConflict);
        (await client.GetAsync(table, "p", "r", Ct))!["V"].ShouldBe(1);
    }

    [Fact]
    public async Task UpsertReplaceDropsOtherPropertiesAndUpsertMergeKeepsThem()
    {
        var (client, table) = await NewTableAsync();
        await client.UpsertAsync(table, Entity("p", "r", ("A", "a"), ("B", "b")), TableUpdateMode.Replace, Ct);

        await client.UpsertAsync(table, Entity("p", "r", ("C", "c")), TableUpdateMode.Merge, Ct);
        var merged = (await client.GetAsync(table, "p", "r", Ct))!;
        await client.UpsertAsync(table, Entity("p", "r", ("D", "d")), TableUpdateMode.Replace, Ct);
        var replaced = (await client.GetAsync(table, "p", "r", Ct))!;

        merged.Properties.Keys.Order().ShouldBe(["A", "B", "C"]);
        replaced.Properties.Keys.ShouldBe(["D"]);
        replaced.ETag.ShouldNotBe(merged.ETag);
    }

    [Fact]
    public async Task AnUpdateWithAStaleETagIsAConcurrencyConflict()
    {
        var (client, table) = await NewTableAsync();
        await client.InsertAsync(table, Entity("p", "r", ("Count", 1)), Ct);
        var mine = (await client.GetAsync(table, "p", "r", Ct))!;
        var theirs = (await client.GetAsync(table, "p", "r", Ct))!;
        theirs["Count"] = 2;
        (await client.UpdateAsync(table, theirs, TableUpdateMode.Merge, Ct)).Outcome.ShouldBe(TableWriteOutcome.Written);

        mine["Count"] = 5;
        var stale = await client.UpdateAsync(table, mine, TableUpdateMode.Replace, Ct);

        stale.Outcome.ShouldBe(TableWriteOutcome.ConcurrencyConflict);
        (await client.GetAsync(table, "p", "r", Ct))!["Count"].ShouldBe(2);
        var fresh = (await client.GetAsync(table, "p", "r", Ct))!;
        fresh["Count"] = 5;
        (await client.UpdateAsync(table, fresh, TableUpdateMode.Replace, Ct)).Written.ShouldBeTrue();
        (await client.GetAsync(table, "p", "r", Ct))!["Count"].ShouldBe(5);
    }

    [Fact]
    public async Task UpdatingOrDeletingAMissingEntityIsNotFound()
    {
        var (client, table) = await NewTableAsync();

        (await client.UpdateAsync(table, Entity("p", "gone", ("V", 1)), TableUpdateMode.Merge, Ct)).Outcome.ShouldBe(TableWriteOutcome.NotFound);
        (await client.DeleteAsync(table, "p", "gone", null, Ct)).Outcome.ShouldBe(TableWriteOutcome.NotFound);
    }

    [Fact]
    public async Task DeleteHonoursTheETag()
    {
        var (client, table) = await NewTableAsync();
        var entity = Entity("p", "r", ("V", 1));
        var first = (await client.InsertAsync(table, entity, Ct)).ETag;
        await client.UpsertAsync(table, Entity("p", "r", ("V", 2)), TableUpdateMode.Merge, Ct);

        (await client.DeleteAsync(table, "p", "r", first, Ct)).Outcome.ShouldBe(TableWriteOutcome.ConcurrencyConflict);
        (await client.DeleteAsync(table, "p", "r", null, Ct)).Written.ShouldBeTrue();
        (await client.GetAsync(table, "p", "r", Ct)).ShouldBeNull();
    }

    [Fact]
    public async Task APartitionQueryFollowsContinuationTokensAndSeesOnlyItsPartition()
    {
        var (client, table) = await NewTableAsync();
        for (var batch = 0; batch < 3; batch++)
        {
            var operations = Enumerable.Range(batch * 5, 5)
                .Select(i => new TableBatchOperation(TableBatchKind.Insert, Entity("topic-1", $"row{i:D2}", ("N", i)))).ToList();
            (await client.ExecuteBatchAsync(table, operations, Ct)).Written.ShouldBeTrue();
        }

        await client.InsertAsync(table, Entity("topic-2", "row00", ("N", 99)), Ct);
        await client.InsertAsync(table, Entity("topic-0", "row00", ("N", -1)), Ct);

        var pages = new List<TablePage>();
        TableContinuation? continuation = null;
        do
        {
            var page = await client.QueryAsync(table, AzureTableClient.PartitionFilter("topic-1"), 4, continuation, Ct);
            pages.Add(page);
            continuation = page.Continuation;
        }
        while (continuation is not null && pages.Count < 10);

        pages.Count.ShouldBeGreaterThanOrEqualTo(4);
        pages.Take(3).ShouldAllBe(page => page.Continuation != null && page.Entities.Count == 4);
        pages.SelectMany(p => p.Entities).Select(e => (int)e["N"]!).ShouldBe(Enumerable.Range(0, 15));
        var all = new List<TableEntity>();
        await foreach (var entity in client.QueryAllAsync(table, AzureTableClient.PartitionFilter("topic-1") + " and N ge 10", Ct))
        {
            all.Add(entity);
        }

        all.Select(e => e.RowKey).ShouldBe(["row10", "row11", "row12", "row13", "row14"]);
    }

    [Fact]
    public async Task AFilterQuotesSingleQuotes()
    {
        var (client, table) = await NewTableAsync();
        await client.InsertAsync(table, Entity("O'Brien", "r"), Ct);
        await client.InsertAsync(table, Entity("OBrien", "r"), Ct);

        var page = await client.QueryAsync(table, AzureTableClient.PartitionFilter("O'Brien"), null, null, Ct);

        page.Entities.Single().PartitionKey.ShouldBe("O'Brien");
        (await client.GetAsync(table, "O'Brien", "r", Ct)).ShouldNotBeNull();
    }

    [Fact]
    public async Task ABatchIsWrittenAsAWholeWithAnETagPerOperation()
    {
        var (client, table) = await NewTableAsync();
        var existing = Entity("p", "existing", ("V", 1));
        await client.InsertAsync(table, existing, Ct);
        await client.InsertAsync(table, Entity("p", "doomed"), Ct);
        var operations = new List<TableBatchOperation>
        {
            new(TableBatchKind.Insert, Entity("p", "new", ("V", 1))),
            new(TableBatchKind.UpsertMerge, Entity("p", "merged", ("V", 2))),
            new(TableBatchKind.UpdateReplace, Versioned(Entity("p", "existing", ("V", 3)), existing.ETag)),
            new(TableBatchKind.Delete, Entity("p", "doomed")),
        };

        var result = await client.ExecuteBatchAsync(table, operations, Ct);

        result.Written.ShouldBeTrue();
        result.ETags.Count.ShouldBe(4);
        result.ETags.Take(3).ShouldAllBe(etag => !string.IsNullOrEmpty(etag));
        operations[2].Entity.ETag.ShouldBe(result.ETags[2]);
        (await client.GetAsync(table, "p", "existing", Ct))!["V"].ShouldBe(3);
        (await client.GetAsync(table, "p", "merged", Ct))!["V"].ShouldBe(2);
        (await client.GetAsync(table, "p", "doomed", Ct)).ShouldBeNull();
    }

    [Fact]
    public async Task ABatchWithOneConflictingOperationWritesNothing()
    {
        var (client, table) = await NewTableAsync();
        var existing = Entity("p", "existing", ("V", 1));
        await client.InsertAsync(table, existing, Ct);
        await client.UpsertAsync(table, Entity("p", "existing", ("V", 2)), TableUpdateMode.Merge, Ct);
        var operations = new List<TableBatchOperation>
        {
            new(TableBatchKind.Insert, Entity("p", "a", ("V", 1))),
            new(TableBatchKind.UpdateMerge, Versioned(Entity("p", "existing", ("V", 9)), existing.ETag)),
            new(TableBatchKind.Insert, Entity("p", "b", ("V", 1))),
        };

        var result = await client.ExecuteBatchAsync(table, operations, Ct);

        result.Outcome.ShouldBe(TableWriteOutcome.ConcurrencyConflict);
        result.FailedIndex.ShouldBe(1);
        (await client.GetAsync(table, "p", "a", Ct)).ShouldBeNull();
        (await client.GetAsync(table, "p", "b", Ct)).ShouldBeNull();
        (await client.GetAsync(table, "p", "existing", Ct))!["V"].ShouldBe(2);
    }

    [Fact]
    public async Task ABatchInsertOfAnExistingRowWritesNothing()
    {
        var (client, table) = await NewTableAsync();
        await client.InsertAsync(table, Entity("p", "taken"), Ct);

        var result = await client.ExecuteBatchAsync(table,
            new List<TableBatchOperation> { new(TableBatchKind.Insert, Entity("p", "fresh")), new(TableBatchKind.Insert, Entity("p", "taken")) }, Ct);

        result.Outcome.ShouldBe(TableWriteOutcome.ConcurrencyConflict);
        result.FailedIndex.ShouldBe(1);
        (await client.GetAsync(table, "p", "fresh", Ct)).ShouldBeNull();
    }

    [Fact]
    public void ABatchAcrossPartitionsIsRefusedBeforeAnyRequest()
    {
        var client = new AzureTableClient(azurite.CreateTransport());

        Should.Throw<ArgumentException>(() => client.ExecuteBatchAsync("anytable",
            new List<TableBatchOperation> { new(TableBatchKind.Insert, Entity("p1", "r")), new(TableBatchKind.Insert, Entity("p2", "r")) }, Ct));
    }

    [Theory]
    [InlineData("a/b")]
    [InlineData("a\\b")]
    [InlineData("a#b")]
    [InlineData("a?b")]
    [InlineData("tab\there")]
    public void KeysWithForbiddenCharactersAreRefusedAndEncodeKeyMakesThemValid(string key)
    {
        Should.Throw<ArgumentException>(() => new TableEntity("p", key));
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
