using Alerts.Core.Mail;
using Alerts.Pipeline.Mail;

namespace Alerts.Tests.Mail;

public class OutboxMailSenderTests
{
    [Fact]
    public async Task AMessageIsWrittenOnceAsAnEmlFileNamedByItsKey()
    {
        using var host = MailTestHost.Create(new Dictionary<string, string?>());
        var message = MailSamples.Digest();

        var result = await host.Sender.SendAsync(message, "sub1-d20260302", TestContext.Current.CancellationToken);

        result.Outcome.ShouldBe(MailSendOutcome.Sent);
        var outbox = Path.Combine(host.Folder, "outbox");
        Directory.GetFiles(outbox).Select(Path.GetFileName).ShouldBe(["sub1-d20260302.eml"]);
        var written = await File.ReadAllTextAsync(Path.Combine(outbox, "sub1-d20260302.eml"), TestContext.Current.CancellationToken);
        written.ShouldBe(System.Text.Encoding.ASCII.GetString(MailMime.WriteBytes(message)));
        MimeEntity.Parse(written).Header("Message-ID").ShouldBe("<sub1-d20260302@alerts.example.org>");
    }

    [Fact]
    public async Task ASecondSendWithTheSameKeyIsAlreadySentAndWritesNothing()
    {
        using var host = MailTestHost.Create(new Dictionary<string, string?>());
        var token = TestContext.Current.CancellationToken;
        await host.Sender.SendAsync(MailSamples.Digest("first"), "sub1-d20260302", token);
        var path = Path.Combine(host.Folder, "outbox", "sub1-d20260302.eml");
        var before = await File.ReadAllBytesAsync(path, token);

        var again = await host.Sender.SendAsync(MailSamples.Digest("second"), "sub1-d20260302", token);

        again.Outcome.ShouldBe(MailSendOutcome.AlreadySent);
        (await File.ReadAllBytesAsync(path, token)).ShouldBe(before);
        Directory.GetFiles(Path.Combine(host.Folder, "outbox")).Length.ShouldBe(1);
    }

    [Fact]
    public async Task ConcurrentSendsOfOneKeyLeaveOneFileAndOneSent()
    {
        using var host = MailTestHost.Create(new Dictionary<string, string?>());
        var sender = host.Sender;

        var results = await Task.WhenAll(Enumerable.Range(0, 16).Select(i =>
            Task.Run(() => sender.SendAsync(MailSamples.Digest($"try {i}"), "sub1-d20260302", TestContext.Current.CancellationToken))));

        results.Count(r => r.Outcome == MailSendOutcome.Sent).ShouldBe(1);
        results.Count(r => r.Outcome == MailSendOutcome.AlreadySent).ShouldBe(15);
        Directory.GetFiles(Path.Combine(host.Folder, "outbox"), "*", SearchOption.AllDirectories).Length.ShouldBe(1);
    }

    [Fact]
    public async Task DifferentKeysGiveDifferentFiles()
    {
        using var host = MailTestHost.Create(new Dictionary<string, string?>());
        var token = TestContext.Current.CancellationToken;

        await host.Sender.SendAsync(MailSamples.Digest(), "sub1-d20260302", token);
        await host.Sender.SendAsync(MailSamples.Digest(), "sub1-d20260303", token);

        Directory.GetFiles(Path.Combine(host.Folder, "outbox")).Select(Path.GetFileName).Order().ShouldBe(["sub1-d20260302.eml", "sub1-d20260303.eml"]);
    }

    [Theory]
    [InlineData("")]
    [InlineData("../escape")]
    [InlineData("a/b")]
    [InlineData(".hidden")]
    [InlineData("with space")]
    [InlineData("line\nbreak")]
    public async Task KeysThatAreNotPlainFileNamesAreRefused(string key)
    {
        using var host = MailTestHost.Create(new Dictionary<string, string?>());

        var ex = await Should.ThrowAsync<ArgumentException>(() => host.Sender.SendAsync(MailSamples.Digest(), key, TestContext.Current.CancellationToken));

        ex.Message.ShouldStartWith("mail: idempotency key");
        Directory.Exists(Path.Combine(host.Folder, "outbox")).ShouldBeFalse();
    }
}
