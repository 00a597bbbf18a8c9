using Aggregator.Parsing;
using Microsoft.Extensions.DependencyInjection;

namespace Aggregator.Refreshing;

public static class RefreshingServiceCollectionExtensions
{
    public static IServiceCollection AddRefreshing(this IServiceCollection services) => services
        .AddSingleton<FeedParser>()
        .AddSingleton<FeedRefresher>()
        .AddSingleton<PollCycle>();
}
