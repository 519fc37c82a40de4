using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Alerts.Pipeline.Fetching;

public static class FetchingServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="GuardedHttpClient"/> as a singleton with <see cref="FetchOptions"/> bound from the
    /// "Fetch" configuration section and validated at start-up, and <see cref="TimeProvider.System"/> unless a
    /// clock is already registered.
    /// </summary>
    public static IServiceCollection AddGuardedHttpClient(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<FetchOptions>()
            .BindConfiguration(FetchOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<GuardedHttpClient>();
        return services;
    }
}
