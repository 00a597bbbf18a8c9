using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Aggregator.Fetching;

public static class FetchingServiceCollectionExtensions
{
    /// <summary>The feed HttpClient: one pooled handler, decompression, bounded connections per host.</summary>
    public static IServiceCollection AddFetching(this IServiceCollection services)
    {
        services.AddOptions<FetchOptions>().BindConfiguration(FetchOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IValidateOptions<FetchOptions>, ValidateFetchOptions>();
        services.AddHttpClient<FeedFetcher>(FeedFetcher.HttpClientName, client => client.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(provider =>
            {
                var polling = provider.GetRequiredService<IOptions<FetchOptions>>().Value;
                return new SocketsHttpHandler
                {
                    AutomaticDecompression = DecompressionMethods.All,
                    AllowAutoRedirect = false, // FeedFetcher follows them, to see which are permanent
                    MaxConnectionsPerServer = polling.MaxConcurrencyPerHost,
                    ConnectTimeout = TimeSpan.FromSeconds(Math.Min(15, polling.Timeout.TotalSeconds)),
                    PooledConnectionLifetime = TimeSpan.FromMinutes(5),
                    UseCookies = false,
                };
            })
            // The factory's default handler rotation (2 min) would drop warm connections mid-cycle.
            .SetHandlerLifetime(TimeSpan.FromMinutes(10));
        return services;
    }
}
