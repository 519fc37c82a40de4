using System.Net;
using Microsoft.AspNetCore.Http;

namespace Alerts.Web;

/// <summary>
/// Who may call the admin operations (topics and feeds): on Azure, requests that came through the Admin HTTP
/// function, whose <c>authLevel: function</c> makes the Functions host check the function key before the
/// handler sees anything (the handler marks them with <see cref="MarkVerifiedByHost"/>); locally, requests from
/// a loopback address (<c>alerts serve</c> binds 127.0.0.1 by default) that no proxy relayed: behind a reverse
/// proxy on the same machine every request arrives from loopback, so a request carrying forwarding headers
/// came from elsewhere and is refused.
/// </summary>
public static class AdminAccess
{
    private static readonly object VerifiedKey = new();

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
        return remote is not null && IPAddress.IsLoopback(remote) && !ForwardingHeaders.Any(context.Request.Headers.ContainsKey);
    }

    /// <summary>Headers a proxy adds (X-Original-For is where ASP.NET Core's forwarded-headers middleware moves X-Forwarded-For).</summary>
    private static readonly string[] ForwardingHeaders = ["X-Forwarded-For", "Forwarded", "X-Real-IP", "X-Original-For"];
}
