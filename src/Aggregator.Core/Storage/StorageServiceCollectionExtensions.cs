using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Aggregator.Storage;

public static class StorageServiceCollectionExtensions
{
    public static IServiceCollection AddStorage(this IServiceCollection services)
    {
        services.AddOptions<StorageOptions>().BindConfiguration(StorageOptions.Section).ValidateOnStart();
        services.AddOptions<RetentionOptions>().BindConfiguration(RetentionOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<RetentionOptions>, ValidateRetentionOptions>();
        return services
            .AddSingleton<Database>()
            .AddSingleton<FeedStore>()
            .AddSingleton<EntryStore>()
            .AddSingleton<MatchStore>()
            .AddSingleton<OutboxStore>()
            .AddSingleton<Retention>()
            .AddSingleton<DatabaseBackup>();
    }
}
