using System.Net;
using System.Text.Json.Nodes;

namespace Alerts.Tests.Web;

public sealed class ApiHealthTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task HealthAnswersOkWhenTheStoreAnswers()
    {
        await using var server = await WebTestServer.StartAsync();

        using var response = await server.Client.GetAsync("api/v1/health", Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!["status"]!.GetValue<string>().ShouldBe("ok");
    }
}
