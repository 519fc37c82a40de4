using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Alerts.Pipeline.Fetching;

/// <summary>What kind of address an IP is, as far as the SSRF guard cares.</summary>
public enum AddressClass
{
    /// <summary>Globally routable unicast: always allowed.</summary>
    Public,
    /// <summary>127.0.0.0/8, ::1.</summary>
    Loopback,
    /// <summary>RFC 1918: 10/8, 172.16/12, 192.168/16.</summary>
    Private,
    /// <summary>Carrier-grade NAT shared space 100.64/10.</summary>
    SharedAddressSpace,
    /// <summary>IPv6 unique-local fc00::/7.</summary>
    UniqueLocal,
    /// <summary>169.254/16, fe80::/10: where cloud metadata services live.</summary>
    LinkLocal,
    /// <summary>Cloud instance metadata and platform endpoints (169.254.169.254, 168.63.129.16, ...).</summary>
    Metadata,
    /// <summary>0.0.0.0/8 and ::, which reach the local host on many systems.</summary>
    Unspecified,
    /// <summary>224/4, ff00::/8.</summary>
    Multicast,
    /// <summary>255.255.255.255.</summary>
    Broadcast,
    /// <summary>Documentation, benchmarking, future-use and protocol-assignment blocks, and anything outside 2000::/3.</summary>
    Reserved,
}

/// <summary>
/// The address side of the SSRF guard: pure functions that classify an IP address and decide whether
/// the fetcher may connect to it. The client calls it twice per hop: on the URL host when it is an IP
/// literal (before any socket exists) and on every address DNS returns, inside the connect callback, so
/// the check applies to the address actually connected (no DNS rebinding).
/// </summary>
public static class AddressGuard
{
    // First match wins, so the specific metadata addresses come before the blocks holding them.
    private static readonly (IPNetwork Network, AddressClass Class)[] V4Table =
    [
        (IPNetwork.Parse("169.254.169.254/32"), AddressClass.Metadata), // AWS, GCP, Azure IMDS, OpenStack
        (IPNetwork.Parse("168.63.129.16/32"), AddressClass.Metadata),   // Azure wire server (a public range)
        (IPNetwork.Parse("100.100.100.200/32"), AddressClass.Metadata), // Alibaba Cloud
        (IPNetwork.Parse("0.0.0.0/8"), AddressClass.Unspecified),
        (IPNetwork.Parse("127.0.0.0/8"), AddressClass.Loopback),
        (IPNetwork.Parse("10.0.0.0/8"), AddressClass.Private),
        (IPNetwork.Parse("172.16.0.0/12"), AddressClass.Private),
        (IPNetwork.Parse("192.168.0.0/16"), AddressClass.Private),
        (IPNetwork.Parse("100.64.0.0/10"), AddressClass.SharedAddressSpace),
        (IPNetwork.Parse("169.254.0.0/16"), AddressClass.LinkLocal),
        (IPNetwork.Parse("192.0.0.0/24"), AddressClass.Reserved),       // IETF protocol assignments
        (IPNetwork.Parse("192.0.2.0/24"), AddressClass.Reserved),       // documentation
        (IPNetwork.Parse("198.51.100.0/24"), AddressClass.Reserved),    // documentation
        (IPNetwork.Parse("203.0.113.0/24"), AddressClass.Reserved),     // documentation
        (IPNetwork.Parse("192.88.99.0/24"), AddressClass.Reserved),     // former 6to4 relay anycast
        (IPNetwork.Parse("198.18.0.0/15"), AddressClass.Reserved),      // benchmarking
        (IPNetwork.Parse("224.0.0.0/4"), AddressClass.Multicast),
        (IPNetwork.Parse("255.255.255.255/32"), AddressClass.Broadcast),
        (IPNetwork.Parse("240.0.0.0/4"), AddressClass.Reserved),
    ];

    private static readonly (IPNetwork Network, AddressClass Class)[] V6Table =
    [
        (IPNetwork.Parse("fd00:ec2::254/128"), AddressClass.Metadata),  // AWS IMDS over IPv6
        (IPNetwork.Parse("::/128"), AddressClass.Unspecified),
        (IPNetwork.Parse("::1/128"), AddressClass.Loopback),
        (IPNetwork.Parse("64:ff9b:1::/48"), AddressClass.Reserved),     // local-use NAT64 (RFC 8215)
        (IPNetwork.Parse("100::/64"), AddressClass.Reserved),           // discard-only
        (IPNetwork.Parse("2001::/23"), AddressClass.Reserved),          // IETF assignments, Teredo (embeds an obfuscated IPv4)
        (IPNetwork.Parse("2001:db8::/32"), AddressClass.Reserved),      // documentation
        (IPNetwork.Parse("fc00::/7"), AddressClass.UniqueLocal),
        (IPNetwork.Parse("fe80::/10"), AddressClass.LinkLocal),
        (IPNetwork.Parse("fec0::/10"), AddressClass.Reserved),          // deprecated site-local
        (IPNetwork.Parse("ff00::/8"), AddressClass.Multicast),
    ];

    private static readonly IPNetwork GlobalUnicast = IPNetwork.Parse("2000::/3");
    private static readonly IPNetwork Nat64WellKnown = IPNetwork.Parse("64:ff9b::/96");
    private static readonly IPNetwork SixToFour = IPNetwork.Parse("2002::/16");
    private static readonly IPNetwork V4Compatible = IPNetwork.Parse("::/96");

    /// <summary>
    /// Classifies an address. IPv6 forms that embed an IPv4 address (mapped ::ffff:a.b.c.d, the old
    /// compatible ::a.b.c.d, NAT64 64:ff9b::/96 and 6to4 2002::/16) take the class of the embedded address,
    /// so ::ffff:127.0.0.1 is loopback and 64:ff9b::a9fe:a9fe is metadata.
    /// </summary>
    public static AddressClass Classify(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            return Lookup(V4Table, address) ?? AddressClass.Public;
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return AddressClass.Reserved;
        }

        if (EmbeddedIPv4(address) is { } embedded)
        {
            return Classify(embedded);
        }

        return Lookup(V6Table, address)
            ?? (GlobalUnicast.Contains(WithoutScope(address)) ? AddressClass.Public : AddressClass.Reserved);
    }

    /// <summary>
    /// Whether the fetcher may connect to <paramref name="address"/>: an address inside one of
    /// <paramref name="allowedNetworks"/> always may; otherwise public addresses may, and loopback,
    /// private, shared and unique-local ones may when <paramref name="allowPrivateAddresses"/> is set.
    /// Link-local, metadata, unspecified, multicast, broadcast and reserved addresses need an allowed network.
    /// </summary>
    public static bool IsAllowed(IPAddress address, bool allowPrivateAddresses, IReadOnlyList<IPNetwork> allowedNetworks)
    {
        ArgumentNullException.ThrowIfNull(address);
        ArgumentNullException.ThrowIfNull(allowedNetworks);
        var plain = WithoutScope(address);
        var canonical = plain.IsIPv4MappedToIPv6 ? plain.MapToIPv4() : plain;
        foreach (var network in allowedNetworks)
        {
            if (network.Contains(canonical) || network.Contains(plain))
            {
                return true;
            }
        }

        return Classify(address) switch
        {
            AddressClass.Public => true,
            AddressClass.Loopback or AddressClass.Private or AddressClass.SharedAddressSpace or AddressClass.UniqueLocal
                => allowPrivateAddresses,
            _ => false,
        };
    }

    /// <summary><see cref="IsAllowed(IPAddress, bool, IReadOnlyList{IPNetwork})"/> with the options' settings.</summary>
    public static bool IsAllowed(IPAddress address, FetchOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return IsAllowed(address, options.AllowPrivateAddresses, ParseNetworks(options.AllowedNetworks));
    }

    /// <summary>Whether <see cref="FetchOptions.AllowPrivateAddresses"/> can allow this class (the hint in refusals).</summary>
    public static bool IsPrivateClass(AddressClass addressClass) =>
        addressClass is AddressClass.Loopback or AddressClass.Private or AddressClass.SharedAddressSpace or AddressClass.UniqueLocal;

    /// <summary>The class in words for messages: "loopback", "cloud metadata", "link-local"...</summary>
    public static string Describe(AddressClass addressClass) => addressClass switch
    {
        AddressClass.Public => "public",
        AddressClass.Loopback => "loopback",
        AddressClass.Private => "private",
        AddressClass.SharedAddressSpace => "shared (CGNAT)",
        AddressClass.UniqueLocal => "unique-local",
        AddressClass.LinkLocal => "link-local",
        AddressClass.Metadata => "cloud metadata",
        AddressClass.Unspecified => "unspecified",
        AddressClass.Multicast => "multicast",
        AddressClass.Broadcast => "broadcast",
        _ => "reserved",
    };

    /// <summary>Parses CIDR entries as <see cref="FetchOptions.AllowedNetworks"/> holds them; throws on a bad entry.</summary>
    public static IReadOnlyList<IPNetwork> ParseNetworks(IEnumerable<string> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var networks = new List<IPNetwork>();
        foreach (var entry in entries)
        {
            if (!TryParseNetwork(entry, out var network))
            {
                throw new FormatException($"fetcher: Fetch:AllowedNetworks entry '{entry}' is not a network such as 192.168.1.0/24");
            }

            networks.Add(network);
        }

        return networks;
    }

    /// <summary>Parses "192.168.1.0/24", "fd00::/8" or a bare address (a network of one).</summary>
    public static bool TryParseNetwork(string? entry, out IPNetwork network)
    {
        network = default;
        var text = entry?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (slash >= 0)
        {
            // Newer runtimes quietly clear host bits (192.168.1.5/24 becomes 192.168.1.0/24); an entry
            // like that is more likely a typo than a network, so it is refused.
            return IPNetwork.TryParse(text, out network)
                && IPAddress.TryParse(text.AsSpan(0, slash), out var written)
                && network.BaseAddress.Equals(written);
        }

        if (!IPAddress.TryParse(text, out var single))
        {
            return false;
        }

        network = new IPNetwork(single, single.AddressFamily == AddressFamily.InterNetwork ? 32 : 128);
        return true;
    }

    /// <summary>
    /// Reads a URL host that denotes an IP address: an IPv6 literal (with or without brackets) or an IPv4
    /// address in any spelling inet_aton accepts — dotted decimal, a single 32-bit number (2130706433),
    /// octal (0177.0.0.1) or hex (0x7f.1) parts, fewer than four parts (127.1) — with an optional trailing dot.
    /// False for host names.
    /// </summary>
    public static bool TryParseNumericHost(string host, [NotNullWhen(true)] out IPAddress? address)
    {
        ArgumentNullException.ThrowIfNull(host);
        address = null;
        var text = host.Trim();
        if (text.StartsWith('[') && text.EndsWith(']'))
        {
            text = text[1..^1];
        }

        if (text.Contains(':', StringComparison.Ordinal))
        {
            if (IPAddress.TryParse(text, out var v6) && v6.AddressFamily == AddressFamily.InterNetworkV6)
            {
                address = v6;
                return true;
            }

            return false;
        }

        if (text.EndsWith('.'))
        {
            text = text[..^1];
        }

        if (TryParseInetAton(text, out var value))
        {
            address = new IPAddress(
            [
                (byte)(value >> 24), (byte)(value >> 16), (byte)(value >> 8), (byte)value,
            ]);
            return true;
        }

        return false;
    }

    // inet_aton: a.b.c.d, a.b.c (c is 16 bits), a.b (b is 24 bits), a (32 bits); each part decimal,
    // 0-prefixed octal or 0x-prefixed hex.
    private static bool TryParseInetAton(string text, out uint value)
    {
        value = 0;
        var parts = text.Split('.');
        if (parts.Length is 0 or > 4)
        {
            return false;
        }

        var numbers = new ulong[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            if (!TryParsePart(parts[i], out numbers[i]))
            {
                return false;
            }
        }

        for (var i = 0; i < parts.Length - 1; i++)
        {
            if (numbers[i] > 255)
            {
                return false;
            }

            value |= (uint)numbers[i] << (24 - (8 * i));
        }

        var lastBits = 32 - (8 * (parts.Length - 1));
        var last = numbers[^1];
        if (last >= 1UL << lastBits)
        {
            return false;
        }

        value |= (uint)last;
        return true;
    }

    private static bool TryParsePart(string part, out ulong number)
    {
        number = 0;
        if (part.Length == 0 || part.Length > 34)
        {
            return false;
        }

        if (part.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            var hex = part[2..];
            return hex.Length == 0
                || ulong.TryParse(hex, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out number);
        }

        if (part.Length > 1 && part[0] == '0')
        {
            foreach (var c in part)
            {
                if (c is < '0' or > '7')
                {
                    return false;
                }

                number = (number * 8) + (ulong)(c - '0');
                if (number > uint.MaxValue)
                {
                    return false;
                }
            }

            return true;
        }

        foreach (var c in part)
        {
            if (c is < '0' or > '9')
            {
                return false;
            }
        }

        return ulong.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out number);
    }

    private static IPAddress? EmbeddedIPv4(IPAddress address)
    {
        var plain = WithoutScope(address);
        if (plain.IsIPv4MappedToIPv6)
        {
            return plain.MapToIPv4();
        }

        var bytes = plain.GetAddressBytes();
        if (Nat64WellKnown.Contains(plain))
        {
            return new IPAddress(bytes.AsSpan(12, 4));
        }

        if (SixToFour.Contains(plain))
        {
            return new IPAddress(bytes.AsSpan(2, 4));
        }

        // The deprecated IPv4-compatible form ::a.b.c.d (but not :: and ::1 themselves).
        if (V4Compatible.Contains(plain) && !plain.Equals(IPAddress.IPv6None) && !plain.Equals(IPAddress.IPv6Loopback))
        {
            return new IPAddress(bytes.AsSpan(12, 4));
        }

        return null;
    }

    private static AddressClass? Lookup((IPNetwork Network, AddressClass Class)[] table, IPAddress address)
    {
        var plain = WithoutScope(address);
        foreach (var (network, addressClass) in table)
        {
            if (network.Contains(plain))
            {
                return addressClass;
            }
        }

        return null;
    }

    // IPNetwork.Contains ignores scope ids already, but a scoped address must not slip past Equals checks.
    private static IPAddress WithoutScope(IPAddress address) =>
        address.AddressFamily == AddressFamily.InterNetworkV6 && address.ScopeId != 0
            ? new IPAddress(address.GetAddressBytes())
            : address;
}
