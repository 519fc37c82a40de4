using System.Net;
using Alerts.Pipeline.Fetching;

namespace Alerts.Tests.Fetching;

/// <summary>The pure address side of the SSRF guard: no sockets, no DNS.</summary>
public class AddressGuardTests
{
    [Theory]
    // IPv4
    [InlineData("8.8.8.8", AddressClass.Public)]
    [InlineData("93.184.216.34", AddressClass.Public)]
    [InlineData("1.1.1.1", AddressClass.Public)]
    [InlineData("172.32.0.1", AddressClass.Public)]
    [InlineData("100.128.0.1", AddressClass.Public)]
    [InlineData("168.63.129.15", AddressClass.Public)]
    [InlineData("127.0.0.1", AddressClass.Loopback)]
    [InlineData("127.255.255.254", AddressClass.Loopback)]
    [InlineData("10.0.0.5", AddressClass.Private)]
    [InlineData("172.16.0.1", AddressClass.Private)]
    [InlineData("172.31.255.255", AddressClass.Private)]
    [InlineData("192.168.1.20", AddressClass.Private)]
    [InlineData("100.64.0.1", AddressClass.SharedAddressSpace)]
    [InlineData("100.127.255.255", AddressClass.SharedAddressSpace)]
    [InlineData("169.254.1.1", AddressClass.LinkLocal)]
    [InlineData("169.254.169.254", AddressClass.Metadata)]
    [InlineData("168.63.129.16", AddressClass.Metadata)]
    [InlineData("100.100.100.200", AddressClass.Metadata)]
    [InlineData("0.0.0.0", AddressClass.Unspecified)]
    [InlineData("0.1.2.3", AddressClass.Unspecified)]
    [InlineData("224.0.0.1", AddressClass.Multicast)]
    [InlineData("239.255.255.250", AddressClass.Multicast)]
    [InlineData("255.255.255.255", AddressClass.Broadcast)]
    [InlineData("240.0.0.1", AddressClass.Reserved)]
    [InlineData("192.0.2.1", AddressClass.Reserved)]
    [InlineData("198.51.100.7", AddressClass.Reserved)]
    [InlineData("203.0.113.9", AddressClass.Reserved)]
    [InlineData("198.18.0.1", AddressClass.Reserved)]
    [InlineData("192.0.0.8", AddressClass.Reserved)]
    // IPv6
    [InlineData("2606:4700:4700::1111", AddressClass.Public)]
    [InlineData("2a00:1450:4001:80b::200e", AddressClass.Public)]
    [InlineData("::1", AddressClass.Loopback)]
    [InlineData("::", AddressClass.Unspecified)]
    [InlineData("fc00::1", AddressClass.UniqueLocal)]
    [InlineData("fd12:3456:789a::1", AddressClass.UniqueLocal)]
    [InlineData("fd00:ec2::254", AddressClass.Metadata)]
    [InlineData("fe80::1", AddressClass.LinkLocal)]
    [InlineData("fe80::1%2", AddressClass.LinkLocal)]
    [InlineData("febf::1", AddressClass.LinkLocal)]
    [InlineData("fec0::1", AddressClass.Reserved)]
    [InlineData("ff02::1", AddressClass.Multicast)]
    [InlineData("2001:db8::1", AddressClass.Reserved)]
    [InlineData("2001:0:4136:e378:8000:63bf:3fff:fdd2", AddressClass.Reserved)]
    [InlineData("100::1", AddressClass.Reserved)]
    [InlineData("64:ff9b:1::a00:1", AddressClass.Reserved)]
    [InlineData("4000::1", AddressClass.Reserved)]
    // IPv6 forms that embed an IPv4 address take its class
    [InlineData("::ffff:127.0.0.1", AddressClass.Loopback)]
    [InlineData("::ffff:7f00:1", AddressClass.Loopback)]
    [InlineData("::ffff:10.1.2.3", AddressClass.Private)]
    [InlineData("::ffff:169.254.169.254", AddressClass.Metadata)]
    [InlineData("::ffff:8.8.8.8", AddressClass.Public)]
    [InlineData("::127.0.0.1", AddressClass.Loopback)]
    [InlineData("::192.168.0.1", AddressClass.Private)]
    [InlineData("64:ff9b::127.0.0.1", AddressClass.Loopback)]
    [InlineData("64:ff9b::a9fe:a9fe", AddressClass.Metadata)]
    [InlineData("64:ff9b::10.0.0.1", AddressClass.Private)]
    [InlineData("64:ff9b::8.8.8.8", AddressClass.Public)]
    [InlineData("2002:7f00:1::1", AddressClass.Loopback)]
    [InlineData("2002:a9fe:a9fe::", AddressClass.Metadata)]
    [InlineData("2002:0808:0808::1", AddressClass.Public)]
    public void AddressesAreClassifiedByTheBlockTheyBelongTo(string address, AddressClass expected) =>
        AddressGuard.Classify(IPAddress.Parse(address)).ShouldBe(expected);

    [Theory]
    [InlineData("8.8.8.8", true, true)]
    [InlineData("2606:4700:4700::1111", true, true)]
    [InlineData("127.0.0.1", false, true)]
    [InlineData("::1", false, true)]
    [InlineData("::ffff:127.0.0.1", false, true)]
    [InlineData("10.0.0.5", false, true)]
    [InlineData("192.168.1.20", false, true)]
    [InlineData("100.64.0.1", false, true)]
    [InlineData("fd12::1", false, true)]
    [InlineData("64:ff9b::10.0.0.1", false, true)]
    // Never by AllowPrivateAddresses alone:
    [InlineData("169.254.1.1", false, false)]
    [InlineData("fe80::1", false, false)]
    [InlineData("169.254.169.254", false, false)]
    [InlineData("::ffff:169.254.169.254", false, false)]
    [InlineData("168.63.129.16", false, false)]
    [InlineData("fd00:ec2::254", false, false)]
    [InlineData("0.0.0.0", false, false)]
    [InlineData("::", false, false)]
    [InlineData("224.0.0.1", false, false)]
    [InlineData("255.255.255.255", false, false)]
    [InlineData("240.0.0.1", false, false)]
    public void PrivateAddressesNeedTheOptionAndMetadataNeverPassesWithIt(string address, bool allowedByDefault, bool allowedWithPrivate)
    {
        var ip = IPAddress.Parse(address);
        AddressGuard.IsAllowed(ip, allowPrivateAddresses: false, []).ShouldBe(allowedByDefault);
        AddressGuard.IsAllowed(ip, allowPrivateAddresses: true, []).ShouldBe(allowedWithPrivate);
    }

    [Theory]
    [InlineData("127.0.0.1", "127.0.0.1/32", true)]
    [InlineData("::ffff:127.0.0.1", "127.0.0.1/32", true)]
    [InlineData("127.0.0.2", "127.0.0.1/32", false)]
    [InlineData("::1", "127.0.0.1/32", false)]
    [InlineData("192.168.1.77", "192.168.1.0/24", true)]
    [InlineData("192.168.2.77", "192.168.1.0/24", false)]
    [InlineData("10.0.0.5", "192.168.1.0/24", false)]
    [InlineData("169.254.169.254", "169.254.169.254/32", true)]
    [InlineData("168.63.129.16", "168.63.129.16", true)]
    [InlineData("fd00:ec2::254", "fd00:ec2::/32", true)]
    [InlineData("8.8.8.8", "10.0.0.0/8", true)]
    public void AllowedNetworksAllowExactlyWhatTheyContain(string address, string network, bool expected)
    {
        var networks = AddressGuard.ParseNetworks([network]);
        AddressGuard.IsAllowed(IPAddress.Parse(address), allowPrivateAddresses: false, networks).ShouldBe(expected);
    }

    [Fact]
    public void IsAllowedReadsTheOptions()
    {
        var options = new FetchOptions { AllowedNetworks = { "192.168.1.0/24" } };
        AddressGuard.IsAllowed(IPAddress.Parse("192.168.1.5"), options).ShouldBeTrue();
        AddressGuard.IsAllowed(IPAddress.Parse("10.0.0.5"), options).ShouldBeFalse();
        options.AllowPrivateAddresses = true;
        AddressGuard.IsAllowed(IPAddress.Parse("10.0.0.5"), options).ShouldBeTrue();
    }

    [Theory]
    [InlineData("2130706433", "127.0.0.1")]
    [InlineData("0177.0.0.1", "127.0.0.1")]
    [InlineData("0x7f.1", "127.0.0.1")]
    [InlineData("0x7f000001", "127.0.0.1")]
    [InlineData("017700000001", "127.0.0.1")]
    [InlineData("127.1", "127.0.0.1")]
    [InlineData("127.0.1", "127.0.0.1")]
    [InlineData("0XA9.0xFE.0251.254", "169.254.169.254")]
    [InlineData("2852039166", "169.254.169.254")]
    [InlineData("10.0.0.5", "10.0.0.5")]
    [InlineData("127.0.0.1.", "127.0.0.1")]
    [InlineData("0", "0.0.0.0")]
    [InlineData("[::1]", "::1")]
    [InlineData("::ffff:127.0.0.1", "::ffff:127.0.0.1")]
    [InlineData("[::ffff:7f00:1]", "::ffff:127.0.0.1")]
    public void NumericHostsInAnySpellingDenoteTheirAddress(string host, string expected)
    {
        AddressGuard.TryParseNumericHost(host, out var address).ShouldBeTrue();
        address.ShouldBe(IPAddress.Parse(expected));
    }

    [Theory]
    [InlineData("localhost")]
    [InlineData("example.com")]
    [InlineData("1.2.3.4.5")]
    [InlineData("08.0.0.1")]
    [InlineData("256.0.0.1")]
    [InlineData("1.2.3.256")]
    [InlineData("4294967296")]
    [InlineData("1.16777216")]
    [InlineData("0x7g.1")]
    [InlineData("127..1")]
    [InlineData("")]
    [InlineData("[not-an-address]")]
    public void HostNamesAndMalformedNumbersAreNotAddresses(string host) =>
        AddressGuard.TryParseNumericHost(host, out _).ShouldBeFalse();

    [Theory]
    [InlineData("http://2130706433/")]
    [InlineData("http://0177.0.0.1/")]
    [InlineData("http://0x7f.1/")]
    [InlineData("http://127.1/")]
    [InlineData("http://[::ffff:127.0.0.1]/")]
    public void UrlHostsInOtherSpellingsAreRecognisedAsLoopback(string url)
    {
        AddressGuard.TryParseNumericHost(new Uri(url).IdnHost, out var address).ShouldBeTrue();
        AddressGuard.Classify(address).ShouldBe(AddressClass.Loopback);
    }

    [Theory]
    [InlineData("192.168.1.0/24")]
    [InlineData("127.0.0.1/32")]
    [InlineData("fd00::/8")]
    [InlineData("10.0.0.5")]
    [InlineData(" 10.0.0.0/8 ")]
    public void NetworkEntriesParse(string entry) => AddressGuard.TryParseNetwork(entry, out _).ShouldBeTrue();

    [Theory]
    [InlineData("192.168.1.5/24")]
    [InlineData("10.0.0.0/33")]
    [InlineData("localhost")]
    [InlineData("")]
    public void BadNetworkEntriesAreRejectedWithTheirText(string entry)
    {
        AddressGuard.TryParseNetwork(entry, out _).ShouldBeFalse();
        Should.Throw<FormatException>(() => AddressGuard.ParseNetworks([entry])).Message
            .ShouldStartWith($"fetcher: Fetch:AllowedNetworks entry '{entry}'");
    }
}
