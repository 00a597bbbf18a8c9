using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Aggregator.Configuration;

public static class ConfigurationServiceCollectionExtensions
{
    /// <summary>Binds appsettings.json's "Aggregator" sections and checks them when the host starts.</summary>
    public static IServiceCollection AddAggregatorConfiguration(this IServiceCollection services)
    {
        services.AddOptions<AggregatorOptions>().BindConfiguration(AggregatorOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<PollingOptions>().BindConfiguration(PollingOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<DeliveryOptions>().BindConfiguration(DeliveryOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IValidateOptions<PollingOptions>, ValidatePollingOptions>();
        services.AddSingleton<IValidateOptions<DeliveryOptions>, ValidateDeliveryOptions>();
        services.AddSingleton<ConfigFiles>();
        services.AddSingleton(TimeProvider.System);
        return services;
    }
}
