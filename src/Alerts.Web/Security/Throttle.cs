using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Alerts.Core.Subscriptions;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Alerts.Web.Security;

/// <summary>Whether a request may go ahead; when not, how long until it may (whole seconds, at least 1).</summary>
public readonly record struct ThrottleDecision(bool Allowed, int RetryAfterSeconds)
{
    public static ThrottleDecision Allow => new(true, 0);
}

/// <summary>
/// Fixed-window request counters per key, in memory: per normalised email address and per client address for
/// subscribing, per client address for the other public POSTs. The API and the page forms call the same
/// methods, so one limit covers both.
/// </summary>
/// <remarks>
/// Counters live in this process: on Azure each instance counts on its own, so the effective limit there is
/// the configured one times the number of instances (a handful at most for this app), which still bounds how
/// much mail a stranger can cause. Windows are computed from the injected <see cref="TimeProvider"/>.
/// </remarks>
public sealed class Throttle(IOptions<ThrottleOptions> options, TimeProvider clock)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Counter> _counters = new(StringComparer.Ordinal);

    /// <summary>
    /// Counts a subscribe request from <paramref name="context"/>'s client for <paramref name="email"/> (as typed;
    /// it is normalised here, and an address that does not parse counts only for the client).
    /// </summary>
    public ThrottleDecision CheckSubscribe(HttpContext context, string? email)
    {
        ArgumentNullException.ThrowIfNull(context);
        var limits = options.Value;
        var client = Take("subscribe-client:" + ClientKey(context), limits.SubscribePerClient);
        if (!client.Allowed)
        {
            return client;
        }

        return EmailAddress.TryNormalize(email, out var normalized, out _)
            ? Take("subscribe-email:" + normalized.ToLowerInvariant(), limits.SubscribePerEmail)
            : client;
    }

    /// <summary>Counts one of the other public POSTs (confirm, unsubscribe, manage changes) from <paramref name="context"/>'s client.</summary>
    public ThrottleDecision CheckPublic(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return Take("public-client:" + ClientKey(context), options.Value.PublicPerClient);
    }

    /// <summary>The client's address as a key: IPv4 as is, IPv6 by its /64 (one host usually owns a whole /64).</summary>
    public static string ClientKey(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var address = context.Connection.RemoteIpAddress;
        if (address is null)
        {
            return "unknown";
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }

        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes).ToString() + "/64";
    }

    private ThrottleDecision Take(string key, ThrottleLimit limit)
    {
        var now = clock.GetUtcNow();
        lock (_gate)
        {
            if (!_counters.TryGetValue(key, out var counter) || counter.WindowEnd <= now)
            {
                if (counter is null && _counters.Count >= options.Value.MaxTrackedKeys && !Purge(now))
                {
                    // Full of live keys: someone is spraying addresses; refusing new keys keeps memory bounded.
                    return new ThrottleDecision(false, Seconds(limit.Window));
                }

                counter = new Counter(now + limit.Window);
                _counters[key] = counter;
            }

            if (counter.Count >= limit.Permits)
            {
                return new ThrottleDecision(false, Seconds(counter.WindowEnd - now));
            }

            counter.Count++;
            return ThrottleDecision.Allow;
        }
    }

    /// <summary>Drops expired counters; true when that made room.</summary>
    private bool Purge(DateTimeOffset now)
    {
        foreach (var key in _counters.Where(c => c.Value.WindowEnd <= now).Select(c => c.Key).ToList())
        {
            _counters.Remove(key);
        }

        return _counters.Count < options.Value.MaxTrackedKeys;
    }

    private static int Seconds(TimeSpan wait) => Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));

    private sealed class Counter(DateTimeOffset windowEnd)
    {
        public DateTimeOffset WindowEnd { get; } = windowEnd;

        public int Count { get; set; }
    }
}

/// <summary>Registers <see cref="Throttle"/> and its options (bound from <c>Web:RateLimits</c>, validated at start-up).</summary>
public static class ThrottleHostingExtensions
{
    public static IServiceCollection AddAlertsThrottle(this IServiceCollection services)
    {
        services.AddOptions<ThrottleOptions>().BindConfiguration(ThrottleOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<Throttle>();
        return services;
    }

    /// <summary>The value of a Retry-After header for <paramref name="decision"/>.</summary>
    public static string RetryAfterHeader(this ThrottleDecision decision) => decision.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
}
