using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Alerts.Cli;
using Microsoft.Extensions.DependencyInjection;

namespace Alerts.Tests.Web;

/// <summary><c>alerts serve</c>: a real process answering /api/v1/health and stopping cleanly on Ctrl+C; a taken port is exit code 1.</summary>
public sealed class ApiServeTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "alerts-tests", "serve-" + Guid.NewGuid().ToString("N"));

    public ApiServeTests()
    {
        Directory.CreateDirectory(_folder);
        File.WriteAllText(Config, "store:\n  path: ./alerts.db\nmail:\n  outbox:\n    folder: ./outbox\nsite:\n  publicBaseUrl: http://127.0.0.1:5080\n");
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private string Config => Path.Combine(_folder, "alerts.yaml");

    public void Dispose()
    {
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A pooled SQLite handle may still hold the file for a moment; the temp folder is disposable.
        }
    }

    [Fact]
    public async Task BehindALocalProxyTheForwardedClientIsNeitherAdminNorCountedAsTheProxy()
    {
        var app = Alerts.Cli.Commands.ServeCommand.Build(CliSettings.Resolve(Config, verbose: false), ["http://127.0.0.1:0"]);
        await using (app)
        {
            await app.StartAsync(Ct);
            var address = app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>()
                .Features.Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()!.Addresses.Single();
            using var client = new HttpClient { BaseAddress = new Uri(address) };

            using var direct = await client.GetAsync("api/v1/admin/topics", Ct);
            using var relayed = new HttpRequestMessage(HttpMethod.Get, "api/v1/admin/topics");
            relayed.Headers.Add("X-Forwarded-For", "203.0.113.7");
            using var viaProxy = await client.SendAsync(relayed, Ct);
            // The subscribe limit is per client: a proxy's visitors do not share the proxy's count.
            var statuses = new List<HttpStatusCode>();
            for (var visitor = 1; visitor <= 12; visitor++)
            {
                using var subscribe = new HttpRequestMessage(HttpMethod.Post, "api/v1/subscriptions")
                {
                    Content = new StringContent("{\"email\":\"v" + visitor + "@example.org\",\"topics\":[\"none\"]}", System.Text.Encoding.UTF8, "application/json"),
                };
                subscribe.Headers.Add("X-Forwarded-For", "198.51.100." + visitor);
                using var answer = await client.SendAsync(subscribe, Ct);
                statuses.Add(answer.StatusCode);
            }

            direct.StatusCode.ShouldBe(HttpStatusCode.OK);
            viaProxy.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
            statuses.ShouldNotContain(HttpStatusCode.TooManyRequests);
            await app.StopAsync(Ct);
        }
    }

    [Fact]
    public async Task ServeAnswersHealthPrintsItsAddressAndExitsZeroOnCtrlC()
    {
        var port = FreePort();
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = _folder,
        };
        foreach (var argument in new[] { CliAssembly(), "serve", "--urls", $"http://127.0.0.1:{port}", "--config", Config })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        try
        {
            var firstLine = await process.StandardOutput.ReadLineAsync(Ct).AsTask().WaitAsync(TimeSpan.FromSeconds(60), Ct);
            firstLine.ShouldBe($"serve: listening on http://127.0.0.1:{port} (pages at /, API at /api/v1); Ctrl+C stops");
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
            using var health = await client.GetAsync("api/v1/health", Ct);
            health.StatusCode.ShouldBe(HttpStatusCode.OK);

            using (var interrupt = Process.Start("kill", ["-INT", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await interrupt.WaitForExitAsync(Ct);
            }

            await process.WaitForExitAsync(Ct).WaitAsync(TimeSpan.FromSeconds(30), Ct);
            var errors = await process.StandardError.ReadToEndAsync(Ct);
            process.ExitCode.ShouldBe(0, errors);
            errors.ShouldContain("links in emails point to http://127.0.0.1:5080 (Site:PublicBaseUrl), not to this server");
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill();
            }
        }
    }

    [Fact]
    public async Task ServeOnATakenPortExitsOneWithAClearMessage()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exit = await AlertsCommandLine.InvokeAsync(["serve", "--urls", $"http://127.0.0.1:{port}", "--config", Config], output, error);

        exit.ShouldBe(ExitCodes.Failures);
        error.ToString().ShouldStartWith($"serve: cannot listen on http://127.0.0.1:{port}: ");
        error.ToString().ShouldContain("address already in use");
    }

    [Theory]
    [InlineData("https://127.0.0.1:5443")]
    [InlineData("ftp://127.0.0.1:21")]
    [InlineData("127.0.0.1:5080")]
    public async Task ServeRefusesAddressesItCannotServe(string urls)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exit = await AlertsCommandLine.InvokeAsync(["serve", "--urls", urls, "--config", Config], output, error);

        exit.ShouldBe(ExitCodes.Usage);
        error.ToString().ShouldStartWith("serve: --urls");
    }

    /// <summary>
    /// The CLI as its own project built it (the test output's copy resolves packages against the test's
    /// dependency file): src/Alerts.Cli/bin/&lt;configuration&gt;/net10.0/alerts.dll.
    /// </summary>
    private static string CliAssembly()
    {
        var testOutput = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var path = Path.Combine(TestEnvironment.RepositoryRoot, "src", "Alerts.Cli", "bin", testOutput.Parent!.Name, testOutput.Name, "alerts.dll");
        File.Exists(path).ShouldBeTrue($"build src/Alerts.Cli first: {path} is missing");
        return path;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
