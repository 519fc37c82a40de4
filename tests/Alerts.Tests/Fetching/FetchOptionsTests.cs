using Alerts.Pipeline.Fetching;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Alerts.Tests.Fetching;

public class FetchOptionsTests
{
    private static ServiceProvider Services(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging();
        services.AddGuardedHttpClient();
        return services.BuildServiceProvider();
    }

    [Fact]
    public void DefaultsAreTheDocumentedOnes()
    {
        var options = new FetchOptions();
        options.Timeout.ShouldBe(TimeSpan.FromSeconds(20));
        options.DiscoveryTimeout.ShouldBe(TimeSpan.FromMinutes(1));
        options.MaxBytes.ShouldBe(15_000_000);
        options.MaxRedirects.ShouldBe(5);
        options.UserAgent.ShouldStartWith("Alerts/1.0 (self-hosted");
        options.AllowPrivateAddresses.ShouldBeFalse();
        options.AllowedNetworks.ShouldBeEmpty();
    }

    [Fact]
    public void TheFetchSectionBindsIntoTheClientOptions()
    {
        using var provider = Services(new()
        {
            ["Fetch:Timeout"] = "00:00:05",
            ["Fetch:DiscoveryTimeout"] = "00:00:30",
            ["Fetch:MaxBytes"] = "2000000",
            ["Fetch:MaxRedirects"] = "2",
            ["Fetch:UserAgent"] = "Alerts/1.0 (self-hosted; test)",
            ["Fetch:AllowPrivateAddresses"] = "true",
            ["Fetch:AllowedNetworks:0"] = "127.0.0.1/32",
            ["Fetch:AllowedNetworks:1"] = "192.168.1.0/24",
        });

        var options = provider.GetRequiredService<IOptions<FetchOptions>>().Value;

        options.Timeout.ShouldBe(TimeSpan.FromSeconds(5));
        options.DiscoveryTimeout.ShouldBe(TimeSpan.FromSeconds(30));
        options.MaxBytes.ShouldBe(2_000_000);
        options.MaxRedirects.ShouldBe(2);
        options.UserAgent.ShouldBe("Alerts/1.0 (self-hosted; test)");
        options.AllowPrivateAddresses.ShouldBeTrue();
        options.AllowedNetworks.ShouldBe(["127.0.0.1/32", "192.168.1.0/24"]);
        provider.GetRequiredService<GuardedHttpClient>().ShouldNotBeNull();
        provider.GetRequiredService<ILogger<GuardedHttpClient>>().ShouldNotBeNull();
    }

    [Theory]
    [InlineData("Fetch:AllowedNetworks:0", "192.168.1.5/24", "Fetch:AllowedNetworks entry '192.168.1.5/24'")]
    [InlineData("Fetch:AllowedNetworks:0", "intranet", "Fetch:AllowedNetworks entry 'intranet'")]
    [InlineData("Fetch:Timeout", "00:00:00", "Timeout")]
    [InlineData("Fetch:DiscoveryTimeout", "00:00:00", "DiscoveryTimeout")]
    [InlineData("Fetch:DiscoveryTimeout", "00:00:05", "fetcher: Fetch:DiscoveryTimeout (00:00:05) is shorter than Fetch:Timeout (00:00:20)")]
    [InlineData("Fetch:MaxBytes", "10", "MaxBytes")]
    [InlineData("Fetch:MaxRedirects", "50", "MaxRedirects")]
    [InlineData("Fetch:UserAgent", "", "UserAgent")]
    public void BadSettingsFailValidationWithTheirName(string key, string value, string expected)
    {
        using var provider = Services(new() { [key] = value });

        var error = Should.Throw<OptionsValidationException>(() => provider.GetRequiredService<IOptions<FetchOptions>>().Value);

        error.Message.ShouldContain(expected);
    }
}
