using System.Net;
using Alerts.Pipeline.Subscriptions;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Alerts.Web;

/// <summary>
/// Who may call the admin operations (topics and feeds): on Azure, requests that came through the Admin HTTP
/// function, whose <c>authLevel: function</c> makes the Functions host check the function key before the
/// handler sees anything (the handler marks them with <see cref="MarkVerifiedByHost"/>); locally, requests from
/// a loopback address (<c>alerts serve</c> binds 127.0.0.1 by default) that
/// <list type="bullet">
/// <item>no proxy relayed: behind a reverse proxy on the same machine every request arrives from loopback, so a
/// request carrying any forwarding header came from elsewhere and is refused;</item>
/// <item>name this server in <c>Host</c> (a loopback name or address, a host <c>serve</c> listens on, or the host of
/// Site:PublicBaseUrl), and, when a browser sends <c>Origin</c>, come from that same host: a DNS-rebinding page
/// reaches loopback with its own name in both, so the operator's browser cannot be made to drive admin.</item>
/// </list>
/// </summary>
public static class AdminAccess
{
    private static readonly object VerifiedKey = new();

    /// <summary>
    /// Headers proxies, CDNs and load balancers add. Any one of them (or any <c>X-Forwarded-*</c> or
    /// <c>X-Original-*</c>, where ASP.NET Core's forwarded-headers middleware moves what it consumed) marks
    /// the request as relayed.
    /// </summary>
    private static readonly string[] ForwardingHeaders =
    [
        "Forwarded", "Via", "X-Real-IP", "X-Client-IP", "True-Client-IP", "CF-Connecting-IP", "Fastly-Client-IP",
        "X-Cluster-Client-IP", "X-ProxyUser-Ip", "Client-IP", "X-Azure-ClientIP", "X-Azure-SocketIP", "X-Envoy-External-Address",
    ];

    private static readonly string[] ForwardingPrefixes = ["X-Forwarded-", "X-Original-"];

    /// <summary>Marks a request whose function key the Functions host has already checked.</summary>
    public static void MarkVerifiedByHost(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Items[VerifiedKey] = true;
    }

    public static bool IsAllowed(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Items.ContainsKey(VerifiedKey))
        {
            return true;
        }

        var remote = context.Connection.RemoteIpAddress;
        if (remote is null || !IPAddress.IsLoopback(remote) || IsRelayed(context.Request))
        {
            return false;
        }

        // HTTP/1.1 requires Host; a request without one (or with a foreign one) is not admin's.
        var host = context.Request.Host;
        if (!host.HasValue || !IsThisServer(context, host.Host))
        {
            return false;
        }

        var origin = context.Request.Headers.Origin.ToString();
        return origin.Length == 0
            || (Uri.TryCreate(origin, UriKind.Absolute, out var from) && string.Equals(Bare(from.Host), Bare(host.Host), StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>
    /// True when something other than this server's own client handed the request on: a forwarding header, or
    /// the Functions host (which relays every request). Such callers never see local file paths.
    /// </summary>
    public static bool IsProxied(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Items.ContainsKey(VerifiedKey) || IsRelayed(context.Request);
    }

    private static bool IsRelayed(HttpRequest request) =>
        request.Headers.Keys.Any(name =>
            ForwardingHeaders.Contains(name, StringComparer.OrdinalIgnoreCase)
            || ForwardingPrefixes.Any(prefix => name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)));

    private static bool IsThisServer(HttpContext context, string host)
    {
        var name = Bare(host);
        if (string.Equals(name, "localhost", StringComparison.OrdinalIgnoreCase)
            || (IPAddress.TryParse(name, out var address) && IPAddress.IsLoopback(address)))
        {
            return true;
        }

        var services = context.RequestServices;
        var site = services?.GetService<IOptions<SiteOptions>>()?.Value.PublicBaseUrl;
        if (site is not null && string.Equals(Bare(site.Host), name, StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        var listening = services?.GetService<IServer>()?.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        return listening.Any(a => Uri.TryCreate(a, UriKind.Absolute, out var uri) && string.Equals(Bare(uri.Host), name, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>An IPv6 literal without its brackets, so "[::1]" and "::1" compare equal.</summary>
    private static string Bare(string host) => host.Trim('[', ']');
}
