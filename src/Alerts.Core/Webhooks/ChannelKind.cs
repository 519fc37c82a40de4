namespace Alerts.Core.Webhooks;

/// <summary>Where a subscription's digests go.</summary>
public enum ChannelKind
{
    /// <summary>The subscriber's address (the default).</summary>
    Email,

    /// <summary>A Slack incoming webhook: one Block Kit message per digest.</summary>
    Slack,

    /// <summary>A Microsoft Teams workflow webhook: one Adaptive Card per digest.</summary>
    Teams,

    /// <summary>Any HTTPS endpoint: one JSON document per digest, signed as Standard Webhooks says.</summary>
    Webhook,
}
