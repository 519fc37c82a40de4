using Alerts.Core.Digests;
using Alerts.Pipeline.Digests;
using Alerts.Pipeline.Storage;

namespace Alerts.Tests.Digests;

/// <summary>Every digest item links to its cluster's anchor on the topic's story page, in both parts of the email.</summary>
public class StoryLinkTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task DigestItemLinksToItsClusterAnchor()
    {
        await using var harness = await DigestHarness.StartAsync(new Dictionary<string, string?> { ["Site:PublicBaseUrl"] = "https://alerts.example.net/" });
        await harness.AddActiveAsync("reader@example.org");
        var events = await TopicEvents.AddTerminalClaimAsync(harness.Get<IClaimStore>(), "ports", 1, Ct);

        var result = await harness.Get<SendDigest>().RunAsync((await harness.Get<DigestSchedule>().RunAsync(Ct)).Single(), Ct);

        var clusterId = events.First(e => e.Type == Alerts.Core.Claims.TopicEventType.NewClaim).ClusterId;
        var link = "https://alerts.example.net/topics/ports?cluster=" + Uri.EscapeDataString(clusterId) + "#" + StoryLinks.Anchor(clusterId);
        StoryLinks.ClusterUrl(new Uri("https://alerts.example.net/"), "ports", clusterId).ShouldBe(link);
        var mail = harness.ReadOutbox(result.DigestId + ".eml");
        mail.Part("text/plain").Text().ShouldContain("  story: " + link);
        mail.Part("text/html").Text().ShouldContain($"<a href=\"{link}\" style=\"color:#0b5cad;\">See it on the story page</a>");
    }

    [Fact]
    public void AClusterAnchorIsStableShortAndSafeInAFragment()
    {
        var anchor = StoryLinks.Anchor("turkey-s400:https://defence-desk.example/2025/12/turkey-return-s400#3");

        anchor.ShouldBe(StoryLinks.Anchor("turkey-s400:https://defence-desk.example/2025/12/turkey-return-s400#3"));
        anchor.ShouldMatch("^c-[0-9a-f]{12}$");
        StoryLinks.Anchor("turkey-s400:https://defence-desk.example/2025/12/turkey-return-s400#4").ShouldNotBe(anchor);
        StoryLinks.TopicPath("a b/c").ShouldBe("/topics/a%20b%2Fc");
    }
}
