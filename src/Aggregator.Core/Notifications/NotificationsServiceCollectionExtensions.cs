using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Aggregator.Notifications;

public static class NotificationsServiceCollectionExtensions
{
    // Placeholder until the notifiers land: wired to the real factory on merge.
    public static IServiceCollection AddNotifications(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(_ => new NotifierRegistry([]));
        services.AddSingleton<OutboxDispatcher>();
        return services;
    }

    public static IReadOnlyList<string> Validate(IServiceProvider services) => [];
}
