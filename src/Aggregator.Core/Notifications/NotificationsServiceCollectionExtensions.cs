using Aggregator.Fetching;
using Aggregator.Monitoring;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Aggregator.Notifications;

public static class NotificationsServiceCollectionExtensions
{
    public const string Section = "Notifiers";

    /// <summary>The notifiers named under "Notifiers" in appsettings.json (one console notifier when there are none),
    /// the factory that builds them with its webhook HttpClient, and the outbox dispatcher.</summary>
    public static IServiceCollection AddNotifications(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<DeliveryOptions>().BindConfiguration(DeliveryOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<DeliveryOptions>, ValidateDeliveryOptions>();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(Random.Shared); // retry jitter; a test registers its own
        services.TryAddSingleton(provider => ActivatorUtilities.CreateInstance<NotifierFactory>(provider));
        // The client's own timeout is off: each webhook notifier applies its Notifiers:NAME:Timeout, which yields
        // a Retry with a clear message instead of HttpClient's generic 100-second cancellation. Redirects are not
        // followed: a 301/302/303 would turn the POST into a GET without the payload (and a 200 from the target
        // would count as delivered), a 307/308 would re-post the signed body to whatever host Location names.
        // Each notifier keeps its client for the life of the process, so connections are renewed every few
        // minutes for a receiver's DNS change to be seen.
        services.AddHttpClient(NotifierFactory.HttpClientName, client => client.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(provider => new SocketsHttpHandler
            {
                AllowAutoRedirect = false,
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
                // The URL is the operator's, so trusted as written, except a link-local address (cloud metadata)
                // unless Polling:AllowLinkLocal says so; registered by AddFetching, the default policy otherwise.
                ConnectCallback = (provider.GetService<AddressPolicy>() ?? new AddressPolicy(allowLinkLocal: false)).ConnectAsync,
            });
        services.AddSingleton(provider =>
        {
            var factory = provider.GetRequiredService<NotifierFactory>();
            return new NotifierRegistry(Configured(configuration).ToDictionary(n => n.Key, n => (Func<INotifier>)(() => factory.Create(n.Key, n.Value))));
        });
        services.TryAddSingleton(_ => new DeliveryTiming(Configured(configuration), TimeZoneInfo.Local));
        services.AddMonitoring();
        services.AddOptions<HealthAlertOptions>().BindConfiguration(HealthAlertOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<HealthAlertOptions>, ValidateHealthAlertOptions>();
        services.AddSingleton<HealthAlerts>();
        services.AddSingleton<OutboxDispatcher>();
        return services;
    }

    /// <summary>Every problem with the configured notifiers, each naming its settings key; empty when all are usable.</summary>
    /// <param name="checkSecrets">Whether the SMTP password must be at hand: only for commands that send.</param>
    public static IReadOnlyList<string> Validate(IServiceProvider services, bool checkSecrets)
    {
        var configuration = services.GetRequiredService<IConfiguration>();
        var notifiers = Configured(configuration);
        return [.. NotifierFactory.Validate(notifiers, checkSecrets), .. PasswordsInSettingsFiles(configuration, notifiers.Keys)];
    }

    /// <summary>appsettings*.json is a file people commit and share; a password there is refused, not used.</summary>
    private static IEnumerable<string> PasswordsInSettingsFiles(IConfiguration configuration, IEnumerable<string> names)
    {
        if (configuration is not IConfigurationRoot root) yield break;
        foreach (var provider in root.Providers.OfType<Microsoft.Extensions.Configuration.Json.JsonConfigurationProvider>())
        {
            if (provider.Source.Path is not { } file || !file.StartsWith("appsettings", StringComparison.OrdinalIgnoreCase)) continue;
            foreach (var name in names)
            {
                if (provider.TryGet($"{Section}:{name}:Password", out _))
                    yield return $"{Section}:{name}:Password is written in {file}; keep passwords out of files: " +
                        $"`dotnet user-secrets set {Section}:{name}:Password ... --id aggregator`, the environment variable {Section}__{name}__Password, " +
                        $"or PasswordEnvironmentVariable";
            }
        }
    }

    private static Dictionary<string, NotifierOptions> Configured(IConfiguration configuration)
    {
        var notifiers = configuration.GetSection(Section).GetChildren()
            .ToDictionary(c => c.Key, c => c.Get<NotifierOptions>() ?? new NotifierOptions(), StringComparer.OrdinalIgnoreCase);
        if (notifiers.Count == 0) notifiers[NotifierFactory.DefaultNotifierName] = new NotifierOptions { Type = "console" };
        return notifiers;
    }
}
