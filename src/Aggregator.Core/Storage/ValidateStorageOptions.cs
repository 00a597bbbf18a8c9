using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Aggregator.Storage;

/// <summary>Aggregator:Storage names an engine we have and, for PostgreSQL, a usable connection string; each error names
/// its key, what it is and what it must be.</summary>
public sealed class ValidateStorageOptions(IOptions<StorageOptions> storage, IHostEnvironment environment) : IValidateOptions<StorageProviderOptions>
{
    public ValidateOptionsResult Validate(string? name, StorageProviderOptions options)
    {
        var (_, errors) = StorageTarget.From(storage.Value, options, environment.ContentRootPath);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
