using System.Security.Cryptography;

namespace Alerts.Core.Subscriptions;

/// <summary>How often a subscriber gets a digest.</summary>
public enum DigestFrequency
{
    /// <summary>At the next digest tick after something new happened.</summary>
    Immediate,

    /// <summary>At most once per UTC hour.</summary>
    Hourly,

    /// <summary>Once a day at <see cref="Subscription.Hour"/> in the subscriber's time zone.</summary>
    Daily,

    /// <summary>Once a week on <see cref="Subscription.DayOfWeek"/> at <see cref="Subscription.Hour"/>.</summary>
    Weekly,
}

/// <summary>Where a subscription is in its life: only <see cref="Active"/> ones get digests.</summary>
public enum SubscriptionState
{
    /// <summary>Waiting for the subscriber to confirm (double opt-in); nothing but the confirmation is sent.</summary>
    Pending,
    Active,
    Unsubscribed,

    /// <summary>Kept but not sent to, for example after the provider refused the address permanently.</summary>
    Paused,
}

/// <summary>
/// One person's subscription: an address, the topics they follow and when they want their digest.
/// <see cref="Email"/> is normalised by <see cref="EmailAddress.TryNormalize"/>; <see cref="TimeZone"/> is
/// an IANA id such as <c>Europe/Berlin</c>; <see cref="Hour"/> (0-23) matters for daily and weekly digests,
/// <see cref="DayOfWeek"/> for weekly ones.
/// </summary>
public sealed record Subscription
{
    public required string Id { get; init; }

    public required string Email { get; init; }

    public required IReadOnlyList<string> Topics { get; init; }

    public DigestFrequency Frequency { get; init; } = DigestFrequency.Daily;

    public int Hour { get; init; } = 8;

    public DayOfWeek DayOfWeek { get; init; } = DayOfWeek.Monday;

    public string TimeZone { get; init; } = "UTC";

    public SubscriptionState State { get; init; } = SubscriptionState.Pending;

    public required DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset? ConfirmedAt { get; init; }

    public DateTimeOffset? UnsubscribedAt { get; init; }

    private const string Base32Alphabet = "abcdefghijklmnopqrstuvwxyz234567";

    /// <summary>
    /// A new random id: 16 lower-case base32 characters (80 bits), safe in file names, URLs and tokens.
    /// </summary>
    public static string NewId()
    {
        Span<byte> bytes = stackalloc byte[10];
        RandomNumberGenerator.Fill(bytes);
        Span<char> chars = stackalloc char[16];
        var buffer = 0;
        var bits = 0;
        var next = 0;
        foreach (var b in bytes)
        {
            buffer = (buffer << 8) | b;
            bits += 8;
            while (bits >= 5)
            {
                bits -= 5;
                chars[next++] = Base32Alphabet[(buffer >> bits) & 31];
            }
        }

        return new string(chars);
    }
}
