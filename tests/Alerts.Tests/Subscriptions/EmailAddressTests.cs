using Alerts.Core.Subscriptions;

namespace Alerts.Tests.Subscriptions;

public class EmailAddressTests
{
    [Theory]
    [InlineData("reader@example.com", "reader@example.com")]
    [InlineData("Reader.Name@Example.COM", "Reader.Name@example.com")]
    [InlineData("  a.b+tag@example.org\t", "a.b+tag@example.org")]
    [InlineData("o'brien{x}~=#$%&*/?^_`|!-@sub.example.co.uk", "o'brien{x}~=#$%&*/?^_`|!-@sub.example.co.uk")]
    [InlineData("user@bücher.example", "user@xn--bcher-kva.example")]
    [InlineData("user@BÜCHER.example", "user@xn--bcher-kva.example")]
    [InlineData("user@xn--bcher-kva.example", "user@xn--bcher-kva.example")]
    [InlineData("user@例え.テスト", "user@xn--r8jz45g.xn--zckzah")]
    [InlineData("a@b-c.d1", "a@b-c.d1")]
    public void ValidAddressesAreNormalised(string input, string expected)
    {
        EmailAddress.TryNormalize(input, out var normalized, out var error).ShouldBeTrue(error);
        normalized.ShouldBe(expected);
        error.ShouldBeEmpty();
    }

    [Fact]
    public void TheLongestAllowedPartsAreAccepted()
    {
        var local = new string('a', 64);
        var domain = string.Join('.', new string('b', 63), new string('c', 63), new string('d', 57));

        EmailAddress.TryNormalize($"{local}@{domain}", out var normalized, out var error).ShouldBeTrue(error);
        normalized.Length.ShouldBe(64 + 1 + 185);
    }

    public static TheoryData<string, string> Invalid => new()
    {
        { "", "is empty" },
        { "   ", "is empty" },
        { "no-at-sign.example.org", "has no @" },
        { "@example.org", "nothing before the @" },
        { "reader@", "nothing after the @" },
        { "a..b@example.org", "not a valid local part" },
        { ".a@example.org", "not a valid local part" },
        { "a.@example.org", "not a valid local part" },
        { "a b@example.org", "not a valid local part" },
        { "a@b@example.org", "not a valid local part" },
        { "ünï@example.org", "not a valid local part" },
        { "\"quoted\"@example.org", "quoted local part or a comment" },
        { "a(comment)@example.org", "quoted local part or a comment" },
        { "a@[127.0.0.1]", "address literal" },
        { "a@localhost", "needs a dot" },
        { "a@-bad.example", "not a valid domain name" },
        { "a@bad-.example", "not a valid domain name" },
        { "a@exa_mple.com", "not a valid domain name" },
        { "a@example..com", "not a valid domain name" },
        { "a@example.com.", "not a valid domain name" },
        { "a\r\n@example.org", "control character or a line break" },
        { "a@example.org\r\nBcc: x@y.z", "control character or a line break" },
        { "a\0@example.org", "control character or a line break" },
        { "a\u2028b@example.org", "control character or a line break" },
        { new string('a', 65) + "@example.org", "at most 64" },
        { "a@" + new string('b', 64) + ".example", "not a valid domain name" },
        { "a@" + string.Join('.', new string('b', 63), new string('c', 63), new string('d', 63), new string('e', 62)), "at most 253" },
        { new string('a', 64) + "@" + string.Join('.', Enumerable.Repeat(new string('b', 62), 3)) + ".bbbb", "at most 254" },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void InvalidAddressesAreRefusedWithAClearError(string input, string expected)
    {
        EmailAddress.TryNormalize(input, out var normalized, out var error).ShouldBeFalse();
        normalized.ShouldBeEmpty();
        error.ShouldStartWith("subscriptions: ");
        error.ShouldContain(expected);
    }

    [Fact]
    public void NullIsRefusedAsEmpty()
    {
        EmailAddress.TryNormalize(null, out _, out var error).ShouldBeFalse();
        error.ShouldContain("is empty");
    }
}
