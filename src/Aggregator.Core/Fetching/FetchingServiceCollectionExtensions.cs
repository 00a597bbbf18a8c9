using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Aggregator.Fetching;

public static class FetchingServiceCollectionExtensions
{
    /// <summary>The feed HttpClient: one pooled handler, decompression, bounded connections per host, the address policy.</summary>
    public static IServiceCollection AddFetching(this IServiceCollection services)
    {
        services.AddOptions<FetchOptions>().BindConfiguration(FetchOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<FetchOptions>, ValidateFetchOptions>();
        services.AddSingleton(provider => new AddressPolicy(provider.GetRequiredService<IOptions<FetchOptions>>().Value.AllowLinkLocal));
        services.AddHttpClient<FeedFetcher>(FeedFetcher.HttpClientName, client => client.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(provider =>
                FeedHandler.Create(provider.GetRequiredService<IOptions<FetchOptions>>().Value, provider.GetRequiredService<AddressPolicy>()))
            // The factory's default handler rotation (2 min) would drop warm connections mid-cycle.
            .SetHandlerLifetime(TimeSpan.FromMinutes(10));
        return services;
    }
}
