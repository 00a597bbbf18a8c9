using Microsoft.Extensions.Options;

namespace Aggregator.Refreshing;

/// <summary>Every Polling setting within its range, and the three intervals in order; every error names its key,
/// the value and what is allowed.</summary>
public sealed class ValidatePollingOptions : IValidateOptions<PollingOptions>
{
    private static readonly TimeSpan LongestInterval = TimeSpan.FromDays(365);

    public ValidateOptionsResult Validate(string? name, PollingOptions options)
    {
        var errors = new List<string>();
        const string key = PollingOptions.Section;
        if (options.MinInterval <= TimeSpan.Zero || options.MinInterval > LongestInterval)
            errors.Add($"{key}:MinInterval is {options.MinInterval}; it must be positive and at most 365 days, like \"1m\" or \"00:01:00\"");
        else if (options.MaxInterval < options.MinInterval || options.MaxInterval > LongestInterval)
            errors.Add($"{key}:MaxInterval is {options.MaxInterval}; it must lie between MinInterval ({options.MinInterval}) and 365 days");
        else if (options.Interval < options.MinInterval || options.Interval > options.MaxInterval)
            errors.Add($"{key}:Interval ({options.Interval}) must lie between MinInterval ({options.MinInterval}) and MaxInterval ({options.MaxInterval})");
        if (options.Tick < TimeSpan.FromSeconds(1) || options.Tick > TimeSpan.FromHours(1))
            errors.Add($"{key}:Tick is {options.Tick}; it must be between 1 second and 1 hour, like \"30s\" or \"00:00:30\"");
        if (options.MaxConcurrency is < 1 or > 1024)
            errors.Add($"{key}:MaxConcurrency is {options.MaxConcurrency}; it must be between 1 and 1024");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
