using Alerts.Azure;

namespace Alerts.Tests.Azure;

[Collection(AzuriteCollection.Name)]
public class AzureQueueClientTests(AzuriteFixture azurite)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<(AzureQueueClient Client, string Queue)> NewQueueAsync()
    {
        var client = new AzureQueueClient(azurite.CreateTransport());
        var queue = AzuriteFixture.UniqueName("q");
        (await client.CreateQueueAsync(queue, Ct)).ShouldBeTrue();
        return (client, queue);
    }

    [Fact]
    public async Task CreatingAQueueTwiceIsFine()
    {
        var (client, queue) = await NewQueueAsync();

        (await client.CreateQueueAsync(queue, Ct)).ShouldBeFalse();
        (await client.DeleteQueueAsync(queue, Ct)).ShouldBeTrue();
        (await client.DeleteQueueAsync(queue, Ct)).ShouldBeFalse();
    }

    [Fact]
    public async Task APutMessageIsReceivedWithItsTextLeasedAndDeletedByPopReceipt()
    {
        var (client, queue) = await NewQueueAsync();
        var text = "{\"feedId\":7,\"title\":\"Türkiye & <S-400>\"}";
        var put = await client.PutMessageAsync(queue, text, TimeSpan.Zero, null, Ct);

        var got = (await client.GetMessagesAsync(queue, 1, TimeSpan.FromSeconds(30), Ct)).Single();

        got.Id.ShouldBe(put.Id);
        got.Text.ShouldBe(text);
        got.DequeueCount.ShouldBe(1);
        got.PopReceipt.ShouldNotBeNullOrEmpty();
        got.NextVisibleAt.ShouldBeGreaterThan(got.InsertedAt + TimeSpan.FromSeconds(25));
        got.ExpiresAt.ShouldBeGreaterThan(got.InsertedAt + TimeSpan.FromDays(365));
        (await client.GetMessagesAsync(queue, 1, TimeSpan.FromSeconds(30), Ct)).ShouldBeEmpty();
        (await client.GetApproximateCountAsync(queue, Ct)).ShouldBe(1);

        (await client.DeleteMessageAsync(queue, got.Id, got.PopReceipt, Ct)).ShouldBeTrue();

        (await client.GetApproximateCountAsync(queue, Ct)).ShouldBe(0);
        (await client.DeleteMessageAsync(queue, got.Id, got.PopReceipt, Ct)).ShouldBeFalse();
    }

    [Fact]
    public async Task MessagesAreBase64OnTheWireAsTheFunctionsTriggerExpects()
    {
        var (client, queue) = await NewQueueAsync();
        await client.PutMessageAsync(queue, "{\"v\":1}", TimeSpan.Zero, TimeSpan.FromHours(1), Ct);

        // Read the raw XML to see what the Functions host would see.
        var transport = azurite.CreateTransport();
        using var response = await transport.SendAsync("raw peek", StorageService.Queue,
            () => new HttpRequestMessage(HttpMethod.Get, new Uri(transport.Account.QueueEndpoint, queue + "/messages?peekonly=true")), Ct);
        var xml = await response.Content.ReadAsStringAsync(Ct);

        xml.ShouldContain("<MessageText>" + Convert.ToBase64String("{\"v\":1}"u8.ToArray()) + "</MessageText>");
    }

    [Fact]
    public async Task UpdateMessageGivesANewPopReceiptAndTheOldOneGoesStale()
    {
        var (client, queue) = await NewQueueAsync();
        await client.PutMessageAsync(queue, "work", TimeSpan.Zero, null, Ct);
        var got = (await client.GetMessagesAsync(queue, 1, TimeSpan.FromSeconds(30), Ct)).Single();

        var update = await client.UpdateMessageAsync(queue, got.Id, got.PopReceipt, TimeSpan.Zero, null, Ct);

        update.ShouldNotBeNull();
        update.PopReceipt.ShouldNotBe(got.PopReceipt);
        (await client.UpdateMessageAsync(queue, got.Id, got.PopReceipt, TimeSpan.Zero, null, Ct)).ShouldBeNull();
        (await client.DeleteMessageAsync(queue, got.Id, got.PopReceipt, Ct)).ShouldBeFalse();
        var again = (await client.GetMessagesAsync(queue, 1, TimeSpan.FromSeconds(30), Ct)).Single();
        again.Text.ShouldBe("work");
        again.DequeueCount.ShouldBe(2);
    }

    [Fact]
    public async Task UpdateMessageCanReplaceTheText()
    {
        var (client, queue) = await NewQueueAsync();
        await client.PutMessageAsync(queue, "before", TimeSpan.Zero, null, Ct);
        var got = (await client.GetMessagesAsync(queue, 1, TimeSpan.FromSeconds(30), Ct)).Single();

        (await client.UpdateMessageAsync(queue, got.Id, got.PopReceipt, TimeSpan.Zero, "after", Ct)).ShouldNotBeNull();

        (await client.PeekMessagesAsync(queue, 1, Ct)).Single().Text.ShouldBe("after");
    }

    [Fact]
    public async Task PeekDoesNotLeaseAndAnInitialDelayHidesAMessage()
    {
        var (client, queue) = await NewQueueAsync();
        await client.PutMessageAsync(queue, "now", TimeSpan.Zero, null, Ct);
        await client.PutMessageAsync(queue, "later", TimeSpan.FromMinutes(5), null, Ct);

        var peeked = await client.PeekMessagesAsync(queue, 32, Ct);

        peeked.Select(m => m.Text).ShouldBe(["now"]);
        peeked.Single().PopReceipt.ShouldBeEmpty();
        peeked.Single().DequeueCount.ShouldBe(0);
        (await client.GetApproximateCountAsync(queue, Ct)).ShouldBe(2);
        (await client.GetMessagesAsync(queue, 32, TimeSpan.FromSeconds(30), Ct)).Select(m => m.Text).ShouldBe(["now"]);
    }

    [Fact]
    public async Task AMissingQueueFailsWithTheServiceErrorCode()
    {
        var client = new AzureQueueClient(azurite.CreateTransport());

        var error = await Should.ThrowAsync<AzureStorageException>(() => client.PutMessageAsync("no-such-queue", "x", TimeSpan.Zero, null, Ct));

        error.Status.ShouldBe(System.Net.HttpStatusCode.NotFound);
        error.ErrorCode.ShouldBe("QueueNotFound");
        error.Message.ShouldStartWith("azure: queue put failed: 404 QueueNotFound");
    }

    [Fact]
    public async Task AWrongKeyFailsWithAuthenticationFailed()
    {
        azurite.CreateAccount();
        var wrongKey = Convert.ToBase64String(new byte[64]);
        var account = StorageAccount.Parse(azurite.ConnectionString.Replace(StorageAccount.DevelopmentAccountKey, wrongKey, StringComparison.Ordinal));
        using var http = new HttpClient();
        var client = new AzureQueueClient(new StorageTransport(http, new StorageRequestSigner(account, TimeProvider.System), 0, TimeSpan.Zero, TimeSpan.FromSeconds(10)));

        var error = await Should.ThrowAsync<AzureStorageException>(() => client.CreateQueueAsync("wrong-key", Ct));

        error.Status.ShouldBe(System.Net.HttpStatusCode.Forbidden);
        error.ErrorCode.ShouldBe("AuthenticationFailed");
        error.Message.ShouldStartWith("azure: queue create failed: 403 AuthenticationFailed");
    }

    [Theory]
    [InlineData("ab")]
    [InlineData("Upper")]
    [InlineData("two--hyphens")]
    [InlineData("-leading")]
    [InlineData("trailing-")]
    [InlineData("under_score")]
    public void InvalidQueueNamesAreRejectedBeforeAnyRequest(string name)
    {
        AzureQueueClient.IsValidQueueName(name).ShouldBeFalse();
    }

    [Theory]
    [InlineData("articles")]
    [InlineData("feed-poll-poison")]
    [InlineData("a1b")]
    public void ValidQueueNamesAreAccepted(string name)
    {
        AzureQueueClient.IsValidQueueName(name).ShouldBeTrue();
    }
}
