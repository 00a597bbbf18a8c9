using Microsoft.Extensions.Options;

namespace Aggregator.Refreshing;

/// <summary>Checks that need several Polling settings together; every error names its key and the fix.</summary>
public sealed class ValidatePollingOptions : IValidateOptions<PollingOptions>
{
    public ValidateOptionsResult Validate(string? name, PollingOptions options)
    {
        var errors = new List<string>();
        const string key = PollingOptions.Section;
        if (options.MinInterval <= TimeSpan.Zero) errors.Add($"{key}:MinInterval must be positive, like \"00:01:00\"");
        if (options.MaxInterval < options.MinInterval) errors.Add($"{key}:MaxInterval ({options.MaxInterval}) is below MinInterval ({options.MinInterval})");
        if (options.Interval < options.MinInterval || options.Interval > options.MaxInterval)
            errors.Add($"{key}:Interval ({options.Interval}) must lie between MinInterval ({options.MinInterval}) and MaxInterval ({options.MaxInterval})");
        if (options.Tick <= TimeSpan.Zero) errors.Add($"{key}:Tick must be positive, like \"00:00:30\"");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
