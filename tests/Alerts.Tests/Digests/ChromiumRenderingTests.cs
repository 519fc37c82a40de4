using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using Alerts.Core.Digests;
using Alerts.Pipeline.Digests;

namespace Alerts.Tests.Digests;

/// <summary>
/// The HTML digest rendered by headless Chromium (Debian's <c>chromium</c>) at phone and desktop widths: nothing
/// may be wider than the viewport. The digest sits in an iframe of the exact width (the browser window has a
/// minimum width of its own), and a script in the test-only wrapper writes the widths into the title, which
/// <c>--dump-dom</c> prints. Screenshots are saved under artifacts/digests in the test output folder.
/// </summary>
public sealed partial class ChromiumRenderingTests : IDisposable
{
    private const string Chromium = "/usr/bin/chromium";
    private readonly string _folder = Directory.CreateTempSubdirectory("alerts-chromium-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static string LongDigest()
    {
        var longWord = string.Concat(Enumerable.Repeat("Unbrokenwordwithoutspaces", 14));
        var topics = HtmlDigestTests.HostileDigest().ToList();
        var item = topics[0].Items[0] with
        {
            ClusterId = "c2",
            Claim = "A claim with a very long token " + longWord + " in the middle of it.",
            Why = ["why: https://example.org/" + longWord + "?query=" + longWord],
        };
        topics.Add(new DigestTopic("second", "Second topic", [item, item with { ClusterId = "c3", Status = DigestStatus.New }]));
        return HtmlDigest.Render(topics, new HtmlDigestFrame(DigestComposer.Subject(topics), "You receive this because reader@example.org subscribed.", "https://alerts.example.net/api/v1/unsubscribe?token=" + longWord));
    }

    [Theory]
    [InlineData(375)]
    [InlineData(1024)]
    public async Task TheDigestFitsTheWidthWithoutOverflowing(int width)
    {
        TestEnvironment.RequireOrSkip(File.Exists(Chromium), $"{Chromium} is not installed (apt-get install chromium)");

        var (scrollWidth, clientWidth) = await MeasureAsync(LongDigest(), width);
        await ScreenshotAsync(LongDigest(), width, $"digest-{width}.png");

        clientWidth.ShouldBeGreaterThan(width - 30);
        clientWidth.ShouldBeLessThanOrEqualTo(width);
        scrollWidth.ShouldBeLessThanOrEqualTo(clientWidth);
    }

    [Fact]
    public async Task TheProbeSeesAPageThatOverflows()
    {
        TestEnvironment.RequireOrSkip(File.Exists(Chromium), $"{Chromium} is not installed (apt-get install chromium)");

        var (scrollWidth, clientWidth) = await MeasureAsync("<!DOCTYPE html><html><body><table width=\"900\"><tr><td>wide</td></tr></table></body></html>", 375);

        scrollWidth.ShouldBeGreaterThan(clientWidth);
    }

    private async Task<(int ScrollWidth, int ClientWidth)> MeasureAsync(string html, int width)
    {
        var probe = $$"""
            <!DOCTYPE html><html><head><title>pending</title></head><body style="margin:0">
            <iframe id="f" style="width:{{width}}px;height:3000px;border:0" srcdoc="{{WebUtility.HtmlEncode(html)}}"></iframe>
            <script>
            function check() {
              var d = document.getElementById('f').contentDocument;
              if (d && d.location.href === 'about:srcdoc' && d.readyState === 'complete' && d.body) {
                document.title = 'W=' + d.documentElement.scrollWidth + ';C=' + d.documentElement.clientWidth;
              } else {
                setTimeout(check, 20);
              }
            }
            check();
            </script></body></html>
            """;
        var page = Path.Combine(_folder, $"probe-{width}.html");
        await File.WriteAllTextAsync(page, probe, TestContext.Current.CancellationToken);
        var dom = await RunChromiumAsync(["--window-size=1200,3200", "--virtual-time-budget=5000", "--dump-dom", new Uri(page).AbsoluteUri]);
        var match = Widths().Match(dom);
        match.Success.ShouldBeTrue($"no widths in the dumped DOM: {dom[..Math.Min(dom.Length, 300)]}");
        return (int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), int.Parse(match.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture));
    }

    private async Task ScreenshotAsync(string html, int width, string name)
    {
        var page = Path.Combine(_folder, $"shot-{width}.html");
        await File.WriteAllTextAsync(page, $"<!DOCTYPE html><html><body style=\"margin:0\"><iframe style=\"width:{width}px;height:3000px;border:0\" srcdoc=\"{WebUtility.HtmlEncode(html)}\"></iframe></body></html>", TestContext.Current.CancellationToken);
        var artifacts = Path.Combine(AppContext.BaseDirectory, "artifacts", "digests");
        Directory.CreateDirectory(artifacts);
        var file = Path.Combine(artifacts, name);
        await RunChromiumAsync([$"--window-size={Math.Max(width, 500)},3000", "--virtual-time-budget=3000", "--screenshot=" + file, new Uri(page).AbsoluteUri]);
        File.Exists(file).ShouldBeTrue($"no screenshot at {file}");
    }

    private async Task<string> RunChromiumAsync(IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(Chromium)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
        {
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run", "--user-data-dir=" + Path.Combine(_folder, "profile"),
        }.Concat(arguments))
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var error = process.StandardError.ReadToEndAsync(timeout.Token);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        process.ExitCode.ShouldBe(0, await error);
        return await output;
    }

    [GeneratedRegex(@"<title>W=(\d+);C=(\d+)</title>")]
    private static partial Regex Widths();
}
