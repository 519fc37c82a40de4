using System.Text.RegularExpressions;
using Alerts.Cli;
using Alerts.Tests.Mail;

namespace Alerts.Tests.Digests;

/// <summary>The <c>alerts</c> commands for subscriptions and digests, in-process, on a copy of the sample configuration.</summary>
public sealed partial class DigestCliTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "alerts-cli-tests", "digests-" + Guid.NewGuid().ToString("N"));

    public DigestCliTests()
    {
        var samples = Path.Combine(TestEnvironment.RepositoryRoot, "samples");
        foreach (var file in Directory.EnumerateFiles(samples, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(_folder, "samples", Path.GetRelativePath(samples, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }

        File.WriteAllText(Config, File.ReadAllText(Config)
            .Replace("./data/alerts.db", Path.Combine(_folder, "data", "alerts.db"), StringComparison.Ordinal)
            .Replace("./outbox", Outbox, StringComparison.Ordinal));
    }

    private string Config => Path.Combine(_folder, "samples", "alerts.yaml");

    private string Outbox => Path.Combine(_folder, "outbox");

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

    private async Task<(int Exit, string Out, string Err)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await AlertsCommandLine.InvokeAsync([.. args, "--config", Config], output, error);
        return (exit, output.ToString(), error.ToString());
    }

    private List<string> OutboxFiles() =>
        Directory.Exists(Outbox) ? Directory.GetFiles(Outbox, "*.eml").Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal).ToList() : [];

    private MimeEntity Read(string file) => MimeEntity.Parse(File.ReadAllText(Path.Combine(Outbox, file)));

    [GeneratedRegex(@"/confirm\?token=(\S+)")]
    private static partial Regex ConfirmLink();

    [Fact]
    public async Task RunOnceSendsOneDigestToTheSampleSubscriberAndASecondRunSendsNothing()
    {
        var first = await RunAsync("run", "--once");
        var afterFirst = OutboxFiles();
        var second = await RunAsync("run", "--once");

        first.Exit.ShouldBe(ExitCodes.Success, first.Err);
        first.Out.ShouldContain("; 1 digests sent");
        second.Out.ShouldContain("; 0 digests sent");
        afterFirst.Count.ShouldBe(1);
        OutboxFiles().ShouldBe(afterFirst);
        var digest = Read(afterFirst[0]);
        digest.Header("To").ShouldBe("reader@example.com");
        digest.Decoded("Subject")!.ShouldStartWith("Alerts: Turkey S-400: ");
        digest.Decoded("Subject")!.ShouldContain("disputed");
        var text = digest.Part("text/plain").Text();
        text.ShouldContain("[NEW] ");
        text.ShouldMatch(@"\[(DISPUTED|REVERSED)\] ");
        text.ShouldContain("asserted by Bloomberg");
        text.ShouldContain("disputed by Kremlin");
        text.ShouldContain("why: contradiction");
        text.ShouldContain("Unsubscribe: http://127.0.0.1:5080/api/v1/unsubscribe?token=");
        digest.Part("text/html").Text().ShouldContain(">Unsubscribe</a>");
    }

    [Fact]
    public async Task SubscribeSendsOnlyAConfirmationUntilTheAddressIsConfirmed()
    {
        var subscribe = await RunAsync("subscribe", "new.reader@example.org", "--topic", "turkey-s400", "--frequency", "immediate");
        var again = await RunAsync("subscribe", "new.reader@example.org", "--topic", "turkey-s400");
        var run = await RunAsync("run", "--once");

        subscribe.Exit.ShouldBe(ExitCodes.Success, subscribe.Err);
        subscribe.Out.ShouldContain("is pending");
        again.Out.ShouldContain("already waiting for its confirmation");
        run.Out.ShouldContain("; 1 digests sent");
        var files = OutboxFiles();
        files.Count.ShouldBe(2);
        var confirmation = Read(files.Single(f => f.StartsWith("confirm-", StringComparison.Ordinal)));
        confirmation.Header("To").ShouldBe("new.reader@example.org");
        files.Select(Read).Count(m => m.Header("To") == "new.reader@example.org").ShouldBe(1);

        var token = Uri.UnescapeDataString(ConfirmLink().Match(confirmation.Part("text/plain").Text()).Groups[1].Value);
        var confirm = await RunAsync("subscriptions", "confirm", token);
        var list = await RunAsync("subscriptions", "list", "--json");
        var unsubscribe = await RunAsync("subscriptions", "unsubscribe", "new.reader@example.org");
        var missing = await RunAsync("subscriptions", "unsubscribe", "nobody@example.org");

        confirm.Exit.ShouldBe(ExitCodes.Success, confirm.Err);
        confirm.Out.ShouldContain("new.reader@example.org is active");
        list.Out.ShouldContain("\"email\": \"new.reader@example.org\"");
        list.Out.ShouldContain("\"email\": \"reader@example.com\"");
        unsubscribe.Out.ShouldContain("is unsubscribed");
        missing.Exit.ShouldBe(ExitCodes.Failures);
    }

    [Fact]
    public async Task SubscribeRefusesAnUnknownTopicWithUsageExit()
    {
        var (exit, _, error) = await RunAsync("subscribe", "a@example.org", "--topic", "no-such-topic");

        exit.ShouldBe(ExitCodes.Usage);
        error.ShouldContain("no topic 'no-such-topic'");
        OutboxFiles().ShouldBeEmpty();
    }

    [Fact]
    public async Task DigestPreviewWritesNothingToTheOutboxAndSaysWhenThereIsNothingNew()
    {
        await RunAsync("run", "--once");
        var before = OutboxFiles();

        var preview = await RunAsync("digest", "preview", "reader@example.com", "--out", Path.Combine(_folder, "preview"));
        var unknown = await RunAsync("digest", "preview", "nobody@example.org");

        preview.Exit.ShouldBe(ExitCodes.Success, preview.Err);
        preview.Out.ShouldContain("nothing new for reader@example.com");
        unknown.Exit.ShouldBe(ExitCodes.Failures);
        OutboxFiles().ShouldBe(before);
    }
}
