using System.Security.Cryptography;
using Alerts.Core.Subscriptions;
using Alerts.Pipeline.Mail;
using Alerts.Pipeline.Storage;
using Microsoft.Extensions.Options;

namespace Alerts.Pipeline.Subscriptions;

/// <summary>
/// Signed confirm, manage and unsubscribe links. Tokens are signed with the keys of <c>Tokens:Keys</c> when any are
/// configured; otherwise with a key the store generates on first use and keeps (id <see cref="StoreKeyId"/>),
/// so a local install works out of the box and its links survive restarts. Configuring keys later replaces
/// the store key: links signed with it stop working, except unsubscribe links, which the operator can honour
/// by listing the store key (from the store_secrets table) among Tokens:Keys.
/// </summary>
public sealed class SubscriptionLinks(
    IOptions<TokenOptions> tokenOptions,
    IOptions<SiteOptions> siteOptions,
    IOptions<MailOptions> mailOptions,
    ISubscriptionStore store,
    TimeProvider clock)
{
    public const string StoreKeyId = "store";

    private SubscriptionTokens? _tokens;

    public async Task<SubscriptionTokens> TokensAsync(CancellationToken cancellationToken)
    {
        // Two concurrent first calls build equal signers: the store hands both the same secret.
        if (_tokens is { } ready)
        {
            return ready;
        }

        var configured = tokenOptions.Value;
        if (configured.Keys.Count == 0)
        {
            var secret = await store.GetOrCreateSecretAsync(
                "tokens:" + StoreKeyId, () => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)), cancellationToken);
            configured = new TokenOptions
            {
                ActiveKeyId = StoreKeyId,
                ConfirmLifetime = configured.ConfirmLifetime,
                ManageLifetime = configured.ManageLifetime,
            };
            configured.Keys.Add(new TokenKey { Id = StoreKeyId, Secret = secret });
        }

        _tokens = new SubscriptionTokens(configured, clock);
        return _tokens;
    }

    /// <summary>The confirmation link: <c>{PublicBaseUrl}/confirm?token=...</c>.</summary>
    public async Task<string> ConfirmUrlAsync(string subscriptionId, CancellationToken cancellationToken) =>
        siteOptions.Value.Url("/confirm?token=" + Uri.EscapeDataString((await TokensAsync(cancellationToken)).Create(TokenPurpose.Confirm, subscriptionId)));

    /// <summary>The manage token (lives <see cref="TokenOptions.ManageLifetime"/>) for <paramref name="subscriptionId"/>.</summary>
    public async Task<string> ManageTokenAsync(string subscriptionId, CancellationToken cancellationToken) =>
        (await TokensAsync(cancellationToken)).Create(TokenPurpose.Manage, subscriptionId);

    /// <summary>The manage page: <c>{PublicBaseUrl}/manage?token=...</c>.</summary>
    public string ManageUrl(string token) => siteOptions.Value.Url("/manage?token=" + Uri.EscapeDataString(token));

    /// <summary>The unsubscribe token (never expires) for <paramref name="subscriptionId"/>.</summary>
    public async Task<string> UnsubscribeTokenAsync(string subscriptionId, CancellationToken cancellationToken) =>
        (await TokensAsync(cancellationToken)).Create(TokenPurpose.Unsubscribe, subscriptionId);

    /// <summary>The one-click unsubscribe URL: <c>{PublicBaseUrl}/api/v1/unsubscribe?token=...</c>.</summary>
    public string UnsubscribeUrl(string token) => siteOptions.Value.Url("/api/v1/unsubscribe?token=" + Uri.EscapeDataString(token));

    /// <summary>Whether the unsubscribe URL may go in List-Unsubscribe (RFC 8058 needs https).</summary>
    public bool OneClickAllowed => siteOptions.Value.PublicBaseUrl.Scheme == Uri.UriSchemeHttps;

    /// <summary>The mailto form of List-Unsubscribe: a message to the sender with the token in the subject.</summary>
    public string UnsubscribeMailto(string token) => $"mailto:{mailOptions.Value.From}?subject=unsubscribe%20{Uri.EscapeDataString(token)}";

    /// <summary>The sender's domain, used for Message-IDs and the List-Id.</summary>
    public string MailDomain
    {
        get
        {
            var from = mailOptions.Value.From;
            return from[(from.LastIndexOf('@') + 1)..].ToLowerInvariant();
        }
    }
}
