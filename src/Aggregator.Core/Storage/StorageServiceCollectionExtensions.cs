using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Aggregator.Storage;

public static class StorageServiceCollectionExtensions
{
    public static IServiceCollection AddStorage(this IServiceCollection services)
    {
        services.AddOptions<StorageOptions>().BindConfiguration(StorageOptions.Section).ValidateOnStart();
        services.AddOptions<RetentionOptions>().BindConfiguration(RetentionOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<RetentionOptions>, ValidateRetentionOptions>();
        services.AddOptions<StorageProviderOptions>().BindConfiguration(StorageProviderOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<StorageProviderOptions>, ValidateStorageOptions>();
        services.AddOptions<ClusterOptions>().BindConfiguration(ClusterOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ClusterOptions>, ValidateClusterOptions>();
        return services
            .AddSingleton(provider => Database.Open(StorageTarget.From(
                provider.GetRequiredService<IOptions<StorageOptions>>().Value,
                provider.GetRequiredService<IOptions<StorageProviderOptions>>().Value,
                provider.GetRequiredService<IHostEnvironment>().ContentRootPath).Target
                ?? throw new InvalidOperationException("the storage settings are not valid (see the settings check)")))
            .AddSingleton<FeedStore>()
            .AddSingleton<EntryStore>()
            .AddSingleton<SearchIndex>()
            .AddSingleton<MatchStore>()
            .AddSingleton<OutboxStore>()
            .AddSingleton<HealthProblemStore>()
            .AddSingleton<Retention>()
            .AddSingleton<DatabaseBackup>()
            .AddSingleton<NodeStore>();
    }
}
