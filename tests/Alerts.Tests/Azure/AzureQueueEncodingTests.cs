using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Alerts.Azure;
using Alerts.Pipeline.Messages;
using Alerts.Pipeline.Queues;
using Azure.Core.Serialization;
using Azure.Storage.Queues;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Alerts.Tests.Azure;

/// <summary>
/// Queue messages as the Functions queue trigger reads them: the host decodes the wire text as host.json's
/// <c>extensions.queues.messageEncoding</c> says, and the isolated worker turns the text into the trigger's
/// POCO with its default serializer (a <see cref="JsonObjectSerializer"/> with case-insensitive property names).
/// </summary>
[Collection(AzuriteCollection.Name)]
public class AzureQueueEncodingTests(AzuriteFixture azurite)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>The Functions app's host.json: beside the Functions project when it has one there, else at the repository root.</summary>
    private static string HostJsonEncoding()
    {
        var path = new[] { Path.Combine("src", "Alerts.Functions", "host.json"), "host.json" }
            .Select(relative => Path.Combine(TestEnvironment.RepositoryRoot, relative)).First(File.Exists);
        var encoding = JsonNode.Parse(File.ReadAllText(path))?["extensions"]?["queues"]?["messageEncoding"]?.GetValue<string>();
        // The extension's default when host.json says nothing is base64.
        return encoding ?? "base64";
    }

    /// <summary>What the Functions host does with the wire text before it hands it to the worker.</summary>
    private static byte[] TriggerDecode(string wire, string encoding) => encoding.ToLowerInvariant() switch
    {
        "base64" => Convert.FromBase64String(wire),
        "none" => Encoding.UTF8.GetBytes(wire),
        _ => throw new InvalidOperationException($"tests: host.json names the unknown message encoding '{encoding}'"),
    };

    [Fact]
    public async Task AMessageWrittenByTheAdapterIsReadByTheQueueTriggerAsItsPoco()
    {
        azurite.CreateAccount();
        var prefix = AzuriteFixture.UniqueName("e") + "-";
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration["AzureStorage:ConnectionString"] = azurite.ConnectionString;
        builder.Configuration["AzureStorage:QueueNamePrefix"] = prefix;
        builder.AddAzureStorage();
        using var host = builder.Build();
        var queue = host.Services.GetRequiredService<IWorkQueue>();
        var body = PipelineMessage.Serialize(new ProcessArticleMessage(4217));

        await queue.EnqueueAsync(QueueNames.Articles, body, TimeSpan.Zero, Ct);

        // The wire text, as the Functions host receives it (no decoding by the SDK).
        var raw = azurite.CreateQueueService().GetQueueClient(prefix + QueueNames.Articles);
        var wire = (await raw.PeekMessageAsync(Ct)).Value.MessageText;
        var encoding = HostJsonEncoding();
        var payload = TriggerDecode(wire, encoding);
        Encoding.UTF8.GetString(payload).ShouldBe(body);
        var worker = new JsonObjectSerializer(new JsonSerializerOptions { PropertyNameCaseInsensitive = true });
        var poco = (ProcessArticleMessage?)await worker.DeserializeAsync(new MemoryStream(payload), typeof(ProcessArticleMessage), Ct);
        poco.ShouldBe(new ProcessArticleMessage(4217));
        if (encoding == "base64")
        {
            wire.ShouldNotContain("{", customMessage: "a base64 trigger would not decode plain JSON text");
            // The SDK's own base64 decoding (the worker's QueueMessage binding) reads the same text.
            var sdk = new QueueClient(azurite.ConnectionString, prefix + QueueNames.Articles, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
            (await sdk.PeekMessageAsync(Ct)).Value.MessageText.ShouldBe(body);
        }
    }

    [Fact]
    public void TheAdaptersDefaultEncodingIsTheOneHostJsonNames()
    {
        new AzureStorageOptions().MessageEncoding.ToString().ShouldBe(HostJsonEncoding(), StringCompareShould.IgnoreCase);
    }

    [Fact]
    public async Task WithEncodingNoneTheTextGoesOnTheWireAsItIs()
    {
        var service = azurite.CreateQueueService();
        var prefix = AzuriteFixture.UniqueName("e") + "-";
        var queue = new AzureWorkQueue(service, prefix, QueueMessageEncoding.None);

        await queue.EnqueueAsync(QueueNames.Digests, "{\"subscriptionId\":\"s1\"}", TimeSpan.Zero, Ct);

        (await service.GetQueueClient(prefix + QueueNames.Digests).PeekMessageAsync(Ct)).Value.MessageText.ShouldBe("{\"subscriptionId\":\"s1\"}");
        (await queue.ReceiveAsync(QueueNames.Digests, TimeSpan.FromSeconds(30), Ct))!.Body.ShouldBe("{\"subscriptionId\":\"s1\"}");
    }

    [Fact]
    public async Task TextThatIsNotBase64PutByAnotherToolIsReceivedAsItIs()
    {
        var service = azurite.CreateQueueService();
        var prefix = AzuriteFixture.UniqueName("e") + "-";
        var queue = new AzureWorkQueue(service, prefix, QueueMessageEncoding.Base64);
        var raw = service.GetQueueClient(prefix + QueueNames.FeedPoll);
        await raw.CreateIfNotExistsAsync(cancellationToken: Ct);
        await raw.SendMessageAsync("{\"feedId\":7} not base64", Ct);

        var message = await queue.ReceiveAsync(QueueNames.FeedPoll, TimeSpan.FromSeconds(30), Ct);

        message.ShouldNotBeNull().Body.ShouldBe("{\"feedId\":7} not base64");
    }
}
