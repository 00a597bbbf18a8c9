using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Aggregator.Notifications;

public static class NotificationServiceCollectionExtensions
{
    /// <summary>Registers <see cref="NotifierFactory"/> and its named HttpClient. The client's own timeout is
    /// off: each webhook notifier applies its Notifiers:NAME:Timeout, which yields a Retry with a clear
    /// message instead of HttpClient's generic 100-second cancellation.</summary>
    public static IHttpClientBuilder AddNotifiers(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(provider => ActivatorUtilities.CreateInstance<NotifierFactory>(provider));
        return services.AddHttpClient(NotifierFactory.HttpClientName, client => client.Timeout = Timeout.InfiniteTimeSpan);
    }
}
