using Aggregator.Parsing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Aggregator.Refreshing;

public static class RefreshingServiceCollectionExtensions
{
    public static IServiceCollection AddRefreshing(this IServiceCollection services)
    {
        services.AddOptions<PollingOptions>().BindConfiguration(PollingOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<PollingOptions>, ValidatePollingOptions>();
        services.TryAddSingleton(Random.Shared); // poll jitter; a test registers its own
        return services
            .AddSingleton<FeedParser>()
            .AddSingleton<FeedRefresher>()
            .AddSingleton<PollCycle>();
    }
}
