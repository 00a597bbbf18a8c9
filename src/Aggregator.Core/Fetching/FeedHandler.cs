using System.Net;

namespace Aggregator.Fetching;

/// <summary>The one HTTP handler feeds are fetched through, for the service, `poll` and `parse` alike.</summary>
public static class FeedHandler
{
    public static SocketsHttpHandler Create(FetchOptions options, AddressPolicy policy) => new()
    {
        AutomaticDecompression = DecompressionMethods.All,
        AllowAutoRedirect = false, // FeedFetcher follows them, to see which are permanent and check where they lead
        MaxConnectionsPerServer = options.MaxConcurrencyPerHost,
        ConnectTimeout = TimeSpan.FromSeconds(Math.Min(15, options.Timeout.TotalSeconds)),
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        UseCookies = false,
        ConnectCallback = policy.ConnectAsync,
    };
}
