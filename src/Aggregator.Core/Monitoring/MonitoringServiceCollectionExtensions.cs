using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Aggregator.Monitoring;

public static class MonitoringServiceCollectionExtensions
{
    /// <summary>The process's metrics and the health check that reads them; added by every component that counts.</summary>
    public static IServiceCollection AddMonitoring(this IServiceCollection services)
    {
        services.TryAddSingleton<AggregatorMetrics>();
        services.TryAddSingleton<HealthCheck>();
        services.TryAddSingleton(TimeProvider.System);
        return services;
    }
}
