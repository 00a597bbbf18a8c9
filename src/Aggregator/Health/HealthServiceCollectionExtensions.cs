using Aggregator.Monitoring;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Aggregator.Health;

public static class HealthServiceCollectionExtensions
{
    /// <summary>The options every command checks; the listener itself only for `run`.</summary>
    public static IServiceCollection AddHealthOptions(this IServiceCollection services)
    {
        services.AddOptions<HealthOptions>().BindConfiguration(HealthOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<HealthOptions>, ValidateHealthOptions>();
        return services;
    }

    /// <summary>The listener, and metrics that create their Prometheus collectors: only for `run` with Health:Enabled.</summary>
    public static IServiceCollection AddHealthServer(this IServiceCollection services)
    {
        services.AddMonitoring();
        services.Replace(ServiceDescriptor.Singleton(new AggregatorMetrics(export: true)));
        services.AddHostedService<HealthServer>();
        return services;
    }
}
