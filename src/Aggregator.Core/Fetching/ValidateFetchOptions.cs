using Microsoft.Extensions.Options;

namespace Aggregator.Fetching;

/// <summary>Checks of the fetch settings that data annotations cannot say; every error names its key and the fix.</summary>
public sealed class ValidateFetchOptions : IValidateOptions<FetchOptions>
{
    public ValidateOptionsResult Validate(string? name, FetchOptions options)
    {
        var errors = new List<string>();
        if (options.Timeout <= TimeSpan.Zero) errors.Add($"{FetchOptions.Section}:Timeout must be positive, like \"00:00:30\"");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
