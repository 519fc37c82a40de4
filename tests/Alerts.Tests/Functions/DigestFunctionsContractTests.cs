using System.Text.Json.Nodes;
using Alerts.Core.Subscriptions;
using Alerts.Core.Topics;
using Alerts.Pipeline.Storage;
using Alerts.Tests.Azure;
using Alerts.Tests.Digests;

namespace Alerts.Tests.Functions;

/// <summary>DigestSchedule and SendDigest through the running handler, in the host's payload shapes.</summary>
[Collection(FunctionsAzuriteCollection.Name)]
public class DigestFunctionsContractTests(AzuriteFixture azurite)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A topic "ports", an active immediate subscriber to it, and one new-claim event in the topic.</summary>
    private static async Task<Subscription> AddSubscriberWithAnEventAsync(FunctionsTestHost host)
    {
        await host.Get<ITopicStore>().UpsertTopicAsync(new Topic("ports", "Velmar port", "velmar"), Ct);
        var subscription = new Subscription
        {
            Id = Subscription.NewId(),
            Email = "reader@example.org",
            Topics = ["ports"],
            Frequency = DigestFrequency.Immediate,
            State = SubscriptionState.Active,
            CreatedAt = DateTimeOffset.UtcNow,
            ConfirmedAt = DateTimeOffset.UtcNow,
        };
        await host.Get<ISubscriptionStore>().SaveAsync(subscription, startFromNow: false, Ct);
        (await TopicEvents.AddTerminalClaimAsync(host.Get<IClaimStore>(), "ports", 1, Ct)).ShouldNotBeEmpty();
        return subscription;
    }

    [Fact]
    public async Task DigestScheduleWithNothingDueQueuesNothing()
    {
        await using var host = await FunctionsTestHost.StartAsync(azurite);

        var reply = await host.InvokeAsync("DigestSchedule", HostPayloads.Timer(method: "DigestSchedule"));

        reply.Status.ShouldBe(200, reply.Body);
        reply.ContentType!.MediaType.ShouldBe("application/json");
        reply.Output("digests").ShouldBeEmpty();
        reply.Logs.ShouldContain(line => line.Contains("0 digests due"));
    }

    [Fact]
    public async Task TheScheduledDigestMessageSendsOneEmailAndARedeliverySendsNone()
    {
        await using var host = await FunctionsTestHost.StartAsync(azurite);
        var subscription = await AddSubscriberWithAnEventAsync(host);

        var schedule = await host.InvokeAsync("DigestSchedule", HostPayloads.Timer(method: "DigestSchedule"));
        var message = schedule.Output("digests").ShouldHaveSingleItem();
        var sent = await host.InvokeAsync("SendDigest", HostPayloads.Queue("SendDigest", message.ToJsonString()));
        var redelivered = await host.InvokeAsync("SendDigest", HostPayloads.Queue("SendDigest", message.ToJsonString(), dequeueCount: 2));

        message["subscriptionId"]!.GetValue<string>().ShouldBe(subscription.Id);
        message["windowKey"]!.GetValue<string>().ShouldNotBeNullOrEmpty();
        message["v"]!.GetValue<int>().ShouldBe(1);
        sent.Status.ShouldBe(200, sent.Body);
        sent.Logs.ShouldHaveSingleItem().ShouldContain(": Sent");
        sent.Json["Outputs"]!.AsObject().Count.ShouldBe(0);
        redelivered.Status.ShouldBe(200, redelivered.Body);
        redelivered.Logs.ShouldHaveSingleItem().ShouldContain(": AlreadySent");
        var file = host.OutboxFiles().ShouldHaveSingleItem();
        file.ShouldStartWith(subscription.Id);
        (await File.ReadAllTextAsync(Path.Combine(host.Outbox, file), Ct)).ShouldContain("container terminal");
    }

    [Fact]
    public async Task SendDigestWithAMessageThatIsNotADigestRequestFailsTowardsThePoisonQueue()
    {
        await using var host = await FunctionsTestHost.StartAsync(azurite);

        var reply = await host.InvokeAsync("SendDigest", HostPayloads.Queue("SendDigest", "{\"subscriptionId\":\"\",\"windowKey\":\"\",\"v\":1}", dequeueCount: 3));

        reply.Status.ShouldBe(500);
        reply.Json["Outputs"].ShouldBeOfType<JsonObject>();
        reply.Logs.ShouldHaveSingleItem().ShouldContain("poison");
        host.OutboxFiles().ShouldBeEmpty();
    }

    [Fact]
    public async Task SendDigestFailsWhileTheMailProviderIsUnreachableAndTheRetrySendsIt()
    {
        var unreachable = new Dictionary<string, string?>
        {
            ["Mail:Provider"] = "SendGrid",
            ["Mail:SendGrid:ApiKey"] = "test-key",
            ["Mail:SendGrid:BaseUrl"] = $"http://127.0.0.1:{FunctionsContractTests.ClosedPort()}/",
            ["Mail:SendGrid:MaxAttempts"] = "1",
        };
        var prefix = AzuriteFixture.UniqueName("f");
        var shared = new Dictionary<string, string?> { ["AzureStorage:TableNamePrefix"] = prefix, ["AzureStorage:QueueNamePrefix"] = prefix + "-" };
        JsonObject message;
        string digestId;
        await using (var failing = await FunctionsTestHost.StartAsync(azurite, shared.Concat(unreachable).ToDictionary()))
        {
            await AddSubscriberWithAnEventAsync(failing);
            message = (await failing.InvokeAsync("DigestSchedule", HostPayloads.Timer(method: "DigestSchedule"))).Output("digests").ShouldHaveSingleItem();

            var reply = await failing.InvokeAsync("SendDigest", HostPayloads.Queue("SendDigest", message.ToJsonString()));

            reply.Status.ShouldBe(500, "a non-2xx reply makes the host retry the message");
            reply.Logs.ShouldHaveSingleItem().ShouldStartWith("functions: SendDigest failed: MailTransientException");
            digestId = $"{message["subscriptionId"]}-{message["windowKey"]}";
            (await failing.Get<ISubscriptionStore>().GetDigestAsync(digestId, Ct))!.State.ShouldBe(DigestState.Pending);
        }

        // The host's retry, once the provider answers (here: the outbox), sends the digest the first try claimed.
        await using var healthy = await FunctionsTestHost.StartAsync(azurite, shared);
        var retry = await healthy.InvokeAsync("SendDigest", HostPayloads.Queue("SendDigest", message.ToJsonString(), dequeueCount: 2));

        retry.Status.ShouldBe(200, retry.Body);
        healthy.OutboxFiles().ShouldBe([digestId + ".eml"]);
    }
}
