using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Aggregator.Configuration;

public static class ConfigurationServiceCollectionExtensions
{
    /// <summary>config/ (feeds.json, rules.json), loaded and checked by <see cref="ConfigFiles"/>.</summary>
    public static IServiceCollection AddAggregatorConfiguration(this IServiceCollection services)
    {
        services.AddOptions<ConfigOptions>().BindConfiguration(ConfigOptions.Section);
        services.AddSingleton<ConfigFiles>();
        services.TryAddSingleton(TimeProvider.System);
        return services;
    }
}
