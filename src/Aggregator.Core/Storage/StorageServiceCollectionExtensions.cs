using Microsoft.Extensions.DependencyInjection;

namespace Aggregator.Storage;

public static class StorageServiceCollectionExtensions
{
    public static IServiceCollection AddStorage(this IServiceCollection services)
    {
        services.AddOptions<StorageOptions>().BindConfiguration(StorageOptions.Section).ValidateOnStart();
        return services
            .AddSingleton<Database>()
            .AddSingleton<FeedStore>()
            .AddSingleton<EntryStore>()
            .AddSingleton<MatchStore>()
            .AddSingleton<OutboxStore>();
    }
}
