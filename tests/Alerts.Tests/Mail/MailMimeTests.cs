using System.Text;
using Alerts.Core.Mail;

namespace Alerts.Tests.Mail;

/// <summary>
/// The message MimeKit writes for us, read back with the tests' own independent reader (MimeReader.cs): our
/// headers and guards on top of MimeKit's encoding.
/// </summary>
public class MailMimeTests
{
    private static string Write(MailMessage message) => Encoding.ASCII.GetString(MailMime.WriteBytes(message));

    [Fact]
    public void DigestHeadersAndBothPartsReadBack()
    {
        var mail = MimeEntity.Parse(Write(MailSamples.Digest()));

        mail.Decoded("From").ShouldBe("Alerts <alerts@alerts.example.org>");
        mail.Decoded("To").ShouldBe("A Reader <reader@example.com>");
        mail.Decoded("Subject").ShouldBe("Turkey S-400: 1 new claim, 2 contradictions");
        mail.Header("Date").ShouldBe("Mon, 02 Mar 2026 08:00:05 +0100");
        mail.Header("Message-ID").ShouldBe("<sub1-d20260302@alerts.example.org>");
        mail.Header("List-Id").ShouldBe("<digests.alerts.example.org>");
        mail.Header("List-Unsubscribe").ShouldBe("<https://alerts.example.org/unsubscribe?t=v1.k1.abc.def>, <mailto:unsubscribe@alerts.example.org?subject=v1.k1.abc.def>");
        mail.Header("List-Unsubscribe-Post").ShouldBe("List-Unsubscribe=One-Click");
        mail.Header("X-Alerts-Digest").ShouldBe("sub1-d20260302");
        mail.Header("MIME-Version").ShouldBe("1.0");
        mail.MediaType.ShouldBe("multipart/alternative");

        mail.Parts.Select(p => p.MediaType).ShouldBe(["text/plain", "text/html"]);
        foreach (var part in mail.Parts)
        {
            part.Parameters["charset"].ShouldBe("utf-8");
            part.TransferEncoding.ShouldBe("quoted-printable");
        }

        mail.Part("text/plain").Text().ShouldBe(MailSamples.Crlf(MailSamples.Text));
        mail.Part("text/html").Text().ShouldBe(MailSamples.Html);
    }

    [Fact]
    public void TheMessageIsSevenBitWithCrlfLinesWithinTheLimits()
    {
        var message = MailSamples.Digest("Überraschung in Ankara: " + string.Concat(Enumerable.Repeat("Raketenabwehr S-400 geliefert, ", 6)))
            with
        {
            TextBody = new string('x', 300) + "\n" + string.Concat(Enumerable.Repeat("Größe 東京 😀 ", 40)),
            HtmlBody = "<p>" + new string('é', 200) + "</p>",
        };
        var bytes = MailMime.WriteBytes(message);

        bytes.ShouldAllBe(b => b < 128);
        var raw = Encoding.ASCII.GetString(bytes);
        raw.Replace("\r\n", "", StringComparison.Ordinal).ShouldNotContain('\r');
        raw.Replace("\r\n", "", StringComparison.Ordinal).ShouldNotContain('\n');
        raw.ShouldEndWith("\r\n");

        var mail = MimeEntity.Parse(raw);
        mail.RawHeaderLines.ShouldAllBe(line => line.Length <= 78);
        foreach (var part in mail.Parts)
        {
            // MimeKit 4.18.2's quoted-printable lines reach 78 characters with the soft break, past RFC 2045's 76
            // (whatever FormatOptions.MaxLineLength says); this pins that they go no further.
            part.RawBody.Split("\r\n").ShouldAllBe(line => line.Length <= 78);
        }

        mail.Decoded("Subject").ShouldBe(MailHeaders.SingleLine(message.Subject));
        mail.Part("text/plain").Text().ShouldBe(MailSamples.Crlf(message.TextBody));
        mail.Part("text/html").Text().ShouldBe(message.HtmlBody);
    }

    [Theory]
    [InlineData("Überraschung")]
    [InlineData("東京で S-400 の報道が続く、防衛省は確認を拒否した")]
    [InlineData("Emoji 😀😀😀😀😀😀😀😀😀😀😀😀 and a flag 🇹🇷 never split")]
    [InlineData("ASCII start then ünïcödé at the end of a long enough subject line to need folding twice over")]
    public void NonAsciiSubjectsDecodeExactly(string subject)
    {
        var mail = MimeEntity.Parse(Write(MailSamples.Digest(subject)));

        mail.Header("Subject")!.ShouldContain("=?utf-8?", Case.Insensitive);
        mail.Decoded("Subject").ShouldBe(subject);
    }

    [Fact]
    public void NonAsciiDisplayNamesAreEncodedAndQuotesAreEscaped()
    {
        var message = MailSamples.Digest() with
        {
            From = new MailboxAddress("alerts@alerts.example.org", "Alerts für Sie"),
            To = new MailboxAddress("reader@example.com", "O\"Brien \\ Co, Ltd"),
        };
        var mail = MimeEntity.Parse(Write(message));

        mail.Header("From")!.ShouldContain("=?utf-8?", Case.Insensitive);
        mail.Decoded("From").ShouldBe("Alerts für Sie <alerts@alerts.example.org>");
        mail.Header("To").ShouldBe("\"O\\\"Brien \\\\ Co, Ltd\" <reader@example.com>");
    }

    [Theory]
    [InlineData("Hi\r\nBcc: x@y.z")]
    [InlineData("Hi\nBcc: x@y.z")]
    [InlineData("Hi\rBcc: x@y.z")]
    [InlineData("Hi\0Bcc: x@y.z")]
    [InlineData("Hi\u2028Bcc: x@y.z")]
    [InlineData("Hi\u0085Bcc: x@y.z")]
    [InlineData("Hi\r\n\r\nBcc: x@y.z")]
    [InlineData("Hi\r\n Bcc: x@y.z")]
    public void LineBreaksInFeedTextCannotAddHeaders(string evil)
    {
        var message = MailSamples.Digest(evil) with
        {
            From = new MailboxAddress("alerts@alerts.example.org", evil),
            To = new MailboxAddress("reader@example.com", evil),
            Headers = [new("X-Alerts-Topic", evil)],
        };
        var mail = MimeEntity.Parse(Write(message));

        mail.Header("Bcc").ShouldBeNull();
        mail.Headers.ShouldNotContain(h => h.Key.Contains("Bcc", StringComparison.OrdinalIgnoreCase));
        mail.Decoded("Subject").ShouldBe("Hi Bcc: x@y.z");
        mail.Decoded("X-Alerts-Topic").ShouldBe("Hi Bcc: x@y.z");
        mail.Decoded("From").ShouldBe("\"Hi Bcc: x@y.z\" <alerts@alerts.example.org>");
        mail.Parts.Count.ShouldBe(2);
    }

    [Fact]
    public void LongAsciiSubjectsFoldAndUnfoldToTheSameText()
    {
        var subject = string.Join(' ', Enumerable.Range(1, 40).Select(i => $"word{i}"));
        var mail = MimeEntity.Parse(Write(MailSamples.Digest(subject)));

        var lines = mail.RawHeaderLines.SkipWhile(l => !l.StartsWith("Subject:", StringComparison.Ordinal)).TakeWhile((l, i) => i == 0 || l.StartsWith(' ')).ToList();
        lines.Count.ShouldBeGreaterThan(3);
        lines.ShouldAllBe(l => l.Length <= 78);
        mail.Decoded("Subject").ShouldBe(subject);
    }

    [Fact]
    public void LongUnsubscribeUrlsStayWholeOnTheirOwnLines()
    {
        var url = "https://alerts.example.org/unsubscribe?t=v1.k1." + new string('a', 120) + "." + new string('b', 43);
        var mail = MimeEntity.Parse(Write(MailSamples.Digest() with { ListUnsubscribeUrl = url }));

        mail.Header("List-Unsubscribe").ShouldBe($"<{url}>, <mailto:unsubscribe@alerts.example.org?subject=v1.k1.abc.def>");
        mail.RawHeaderLines.ShouldContain("List-Unsubscribe: <" + url + ">,");
        mail.RawHeaderLines.ShouldContain(" <mailto:unsubscribe@alerts.example.org?subject=v1.k1.abc.def>");
    }

    [Fact]
    public void AMessageWithoutHtmlIsOneTextPart()
    {
        var mail = MimeEntity.Parse(Write(MailSamples.Digest() with { HtmlBody = null }));

        mail.MediaType.ShouldBe("text/plain");
        mail.Parts.ShouldBeEmpty();
        mail.TransferEncoding.ShouldBe("quoted-printable");
        mail.Text().ShouldBe(MailSamples.Crlf(MailSamples.Text));
    }

    [Fact]
    public void TheSameMessageGivesTheSameBytesAndTheBoundaryIsNotInTheBody()
    {
        var first = Write(MailSamples.Digest());
        var second = Write(MailSamples.Digest());
        var other = Write(MailSamples.Digest() with { MessageId = "sub1-d20260303@alerts.example.org" });

        second.ShouldBe(first);
        var boundary = MimeEntity.Parse(first).Parameters["boundary"];
        MimeEntity.Parse(other).Parameters["boundary"].ShouldNotBe(boundary);
        first.Split("--" + boundary).Length.ShouldBe(4);
    }

    [Fact]
    public void WithoutUnsubscribeDetailsThoseHeadersAreAbsent()
    {
        var mail = MimeEntity.Parse(Write(MailSamples.Digest() with
        {
            ListId = null,
            ListUnsubscribeUrl = null,
            ListUnsubscribeMailto = null,
            ListUnsubscribePost = false,
        }));

        mail.Header("List-Id").ShouldBeNull();
        mail.Header("List-Unsubscribe").ShouldBeNull();
        mail.Header("List-Unsubscribe-Post").ShouldBeNull();
    }

    [Fact]
    public void CommasInTheUnsubscribeUrlArePercentEncoded()
    {
        var mail = MimeEntity.Parse(Write(MailSamples.Digest() with { ListUnsubscribeUrl = "https://alerts.example.org/u?a=1,2", ListUnsubscribeMailto = null }));

        mail.Header("List-Unsubscribe").ShouldBe("<https://alerts.example.org/u?a=1%2C2>");
    }

    public static TheoryData<string, Func<MailMessage, MailMessage>> Refusals => new()
    {
        { "is not an absolute https URL", m => m with { ListUnsubscribeUrl = "http://alerts.example.org/u" } },
        { "is not an absolute https URL", m => m with { ListUnsubscribeUrl = "/u/abc" } },
        { "is not a mailto: URL", m => m with { ListUnsubscribeMailto = "unsubscribe@alerts.example.org" } },
        { "cannot go in List-Unsubscribe", m => m with { ListUnsubscribeMailto = "mailto:a@b.org>\r\nBcc: x@y.z" } },
        { "List-Unsubscribe-Post needs an https unsubscribe URL", m => m with { ListUnsubscribeUrl = null } },
        { "the header Bcc is set by the mail writer", m => m with { Headers = [new("Bcc", "x@y.z")] } },
        { "the header Content-Type is set by the mail writer", m => m with { Headers = [new("content-type", "text/html")] } },
        { "is not a header name", m => m with { Headers = [new("X-A\r\nBcc", "x@y.z")] } },
        { "is not a Message-ID", m => m with { MessageId = "no at sign" } },
        { "is not a Message-ID", m => m with { MessageId = "a>b@c\r\nBcc: x" } },
        { "is not a List-Id", m => m with { ListId = "digests <x>" } },
        { "the To address is not usable", m => m with { To = new MailboxAddress("reader@example.com\r\nBcc: x@y.z") } },
        { "the From address is not usable", m => m with { From = new MailboxAddress("not an address") } },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public void ValuesThatCouldBreakTheMessageAreRefused(string error, Func<MailMessage, MailMessage> change)
    {
        var ex = Should.Throw<ArgumentException>(() => MailMime.Build(change(MailSamples.Digest())));

        ex.Message.ShouldStartWith("mail: ");
        ex.Message.ShouldContain(error);
    }

    [Theory]
    [InlineData(2026, 3, 2, 8, 0, 5, 60, "Mon, 02 Mar 2026 08:00:05 +0100")]
    [InlineData(2025, 12, 31, 23, 59, 59, 0, "Wed, 31 Dec 2025 23:59:59 +0000")]
    [InlineData(2025, 7, 4, 6, 30, 0, 330, "Fri, 04 Jul 2025 06:30:00 +0530")]
    [InlineData(2025, 7, 4, 6, 30, 0, -300, "Fri, 04 Jul 2025 06:30:00 -0500")]

    // MimeKit would write -04-30; the same instant goes in UTC instead.
    [InlineData(2025, 7, 4, 6, 30, 0, -270, "Fri, 04 Jul 2025 11:00:00 +0000")]
    public void TheMessageKeepsItsOwnDateInRfc5322Form(int year, int month, int day, int hour, int minute, int second, int offsetMinutes, string expected)
    {
        var date = new DateTimeOffset(year, month, day, hour, minute, second, TimeSpan.FromMinutes(offsetMinutes));

        MimeEntity.Parse(Write(MailSamples.Digest() with { Date = date })).Header("Date").ShouldBe(expected);
    }
}
