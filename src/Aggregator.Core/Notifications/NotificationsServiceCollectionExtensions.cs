using Aggregator.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Aggregator.Notifications;

public static class NotificationsServiceCollectionExtensions
{
    private const string Section = "Notifiers";

    /// <summary>The notifiers named in appsettings.json ("Notifiers"), or one console notifier when there are none.</summary>
    public static IServiceCollection AddNotifications(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddHttpClient(WebhookNotifier.HttpClientName, client => client.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5), UseCookies = false });
        services.AddSingleton(provider =>
        {
            var http = provider.GetRequiredService<IHttpClientFactory>();
            var time = provider.GetRequiredService<TimeProvider>();
            return new NotifierRegistry(Configured(configuration).Select(n =>
                NotifierFactory.Create(n.Name, n.Options, () => http.CreateClient(WebhookNotifier.HttpClientName), time, System.Console.Out)));
        });
        services.AddSingleton<OutboxDispatcher>();
        return services;
    }

    /// <summary>Every problem with the configured notifiers; empty when all are usable.</summary>
    public static IReadOnlyList<string> Validate(IServiceProvider services) =>
        Configured(services.GetRequiredService<IConfiguration>()).SelectMany(n => NotifierFactory.Validate(n.Name, n.Options)).ToList();

    private static IEnumerable<(string Name, NotifierOptions Options)> Configured(IConfiguration configuration)
    {
        var section = configuration.GetSection(Section).GetChildren().ToList();
        if (section.Count == 0)
        {
            yield return (ConfigFiles.DefaultNotifier, new NotifierOptions { Type = NotifierFactory.Console });
            yield break;
        }
        foreach (var child in section)
            yield return (child.Key, child.Get<NotifierOptions>() ?? new NotifierOptions());
    }
}
