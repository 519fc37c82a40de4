using Alerts.Azure;

namespace Alerts.Tests.Azure;

public class StorageAccountTests
{
    private const string Key = "c2VjcmV0LWtleS1mb3ItdGVzdHM=";

    [Fact]
    public void DevelopmentStorageIsAzuriteOnLoopbackWithTheWellKnownAccount()
    {
        var account = StorageAccount.Parse("UseDevelopmentStorage=true");

        account.Name.ShouldBe("devstoreaccount1");
        account.QueueEndpoint.ShouldBe(new Uri("http://127.0.0.1:10001/devstoreaccount1/"));
        account.TableEndpoint.ShouldBe(new Uri("http://127.0.0.1:10002/devstoreaccount1/"));
        account.UsesSharedKey.ShouldBeTrue();
        account.Credential.ShouldBeNull();
    }

    [Fact]
    public void AnAccountKeyConnectionStringGivesTheStandardEndpoints()
    {
        var account = StorageAccount.Parse($"DefaultEndpointsProtocol=https;AccountName=alerts;AccountKey={Key};EndpointSuffix=core.windows.net");

        account.Name.ShouldBe("alerts");
        account.QueueEndpoint.ShouldBe(new Uri("https://alerts.queue.core.windows.net/"));
        account.TableEndpoint.ShouldBe(new Uri("https://alerts.table.core.windows.net/"));
        account.UsesSharedKey.ShouldBeTrue();
    }

    [Fact]
    public void ExplicitEndpointsAndOtherSuffixesAreHonoured()
    {
        var account = StorageAccount.Parse(
            $" AccountName = a1 ; AccountKey={Key};EndpointSuffix=core.chinacloudapi.cn;QueueEndpoint=http://127.0.0.1:5000/a1;BlobEndpoint=http://ignored/");

        account.QueueEndpoint.ShouldBe(new Uri("http://127.0.0.1:5000/a1/"));
        account.TableEndpoint.ShouldBe(new Uri("https://a1.table.core.chinacloudapi.cn/"));
    }

    [Theory]
    [InlineData("AccountKey=abc=", "no AccountName")]
    [InlineData("AccountName=a", "has no AccountKey")]
    [InlineData("AccountName=a;AccountKey=%%%", "is not base64")]
    [InlineData("AccountName=a;AccountKey=c2VjcmV0;DefaultEndpointsProtocol=ftp", "must be https or http")]
    [InlineData("AccountName=a;AccountKey=c2VjcmV0;QueueEndpoint=not a url", "is not an absolute http(s) URL")]
    [InlineData("AccountName=a;garbage", "is not key=value")]
    public void ABadConnectionStringIsRejectedWithTheReason(string connectionString, string expected)
    {
        Should.Throw<FormatException>(() => StorageAccount.Parse(connectionString)).Message.ShouldContain(expected);
    }

    [Fact]
    public void TheKeyNeverAppearsInAnError()
    {
        var error = Should.Throw<FormatException>(() => StorageAccount.Parse("AccountName=a;AccountKeys3cret"));

        error.Message.ShouldNotContain("s3cret");
        error.Message.ShouldContain("AccountKey=***");
    }

    [Fact]
    public void TheIdentityFormUsesTheAccountsHttpsEndpointsOrGivenOnes()
    {
        var standard = StorageAccount.FromIdentity("alertsprod");
        var custom = StorageAccount.FromIdentity("alertsprod", "managedidentity", null, new Uri("https://q.example.net"), null);

        standard.QueueEndpoint.ShouldBe(new Uri("https://alertsprod.queue.core.windows.net/"));
        standard.UsesSharedKey.ShouldBeFalse();
        standard.Credential.ShouldBeOfType<global::Azure.Identity.DefaultAzureCredential>();
        custom.QueueEndpoint.ShouldBe(new Uri("https://q.example.net/"));
        custom.TableEndpoint.ShouldBe(new Uri("https://alertsprod.table.core.windows.net/"));
        custom.Credential.ShouldBeOfType<global::Azure.Identity.ManagedIdentityCredential>();
    }
}
