using Alerts.Azure;
using Alerts.Pipeline.Storage;
using Alerts.Tests.Contracts;

namespace Alerts.Tests.Azure;

[Collection(AzuriteCollection.Name)]
public sealed class AzureStoryStoreContractTests(AzuriteFixture azurite) : StoryStoreContract
{
    private string? _prefix;

    protected override Task<(StoreSet Stores, IFeedTokenStore FeedTokens)> CreateStoryStoresAsync()
    {
        _prefix = AzuriteFixture.UniqueName("t");
        var tables = Tables();
        return Task.FromResult<(StoreSet, IFeedTokenStore)>((Of(tables), new AzureFeedTokenStore(tables)));
    }

    protected override StoreSet OpenAgain() => Of(Tables());

    private AzureStoreTables Tables() =>
        new(azurite.CreateTableService(), _prefix ?? throw new InvalidOperationException("tests: create the stores first"));

    private static StoreSet Of(AzureStoreTables tables) =>
        new(new AzureFeedStore(tables), new AzureArticleStore(tables), new AzureTopicStore(tables), new AzureClaimStore(tables), new AzureSubscriptionStore(tables));
}
