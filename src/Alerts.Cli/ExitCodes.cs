namespace Alerts.Cli;

/// <summary>Exit codes scripts can rely on.</summary>
public static class ExitCodes
{
    /// <summary>Everything worked.</summary>
    public const int Success = 0;

    /// <summary>The command ran but has failures to report (a feed that could not be fetched, a file that is not a feed).</summary>
    public const int Failures = 1;

    /// <summary>Bad usage or configuration: unknown option, missing file, invalid setting.</summary>
    public const int Usage = 2;

    /// <summary>Several answers fit and nothing was changed: <c>feeds add</c> of a site with several feeds lists them to choose from.</summary>
    public const int Choose = 3;

    /// <summary>The work ran out of its time limit and nothing was changed: <c>feeds add</c> whose discovery passed Fetch:DiscoveryTimeout. Worth trying again later.</summary>
    public const int TimedOut = 4;
}
