using Microsoft.Extensions.Options;

namespace Aggregator.Notifications;

/// <summary>Every Delivery setting within its range; every error names its key, the value and what is allowed.</summary>
public sealed class ValidateDeliveryOptions : IValidateOptions<DeliveryOptions>
{
    public ValidateOptionsResult Validate(string? name, DeliveryOptions options)
    {
        var errors = new List<string>();
        const string key = DeliveryOptions.Section;
        if (options.Tick < TimeSpan.FromSeconds(1) || options.Tick > TimeSpan.FromHours(1))
            errors.Add($"{key}:Tick is {options.Tick}; it must be between 1 second and 1 hour, like \"10s\" or \"00:00:10\"");
        if (options.MaxAttempts is < 1 or > 1000)
            errors.Add($"{key}:MaxAttempts is {options.MaxAttempts}; it must be between 1 and 1000");
        if (options.FirstRetryDelay < TimeSpan.FromSeconds(1) || options.FirstRetryDelay > TimeSpan.FromDays(1))
            errors.Add($"{key}:FirstRetryDelay is {options.FirstRetryDelay}; it must be between 1 second and 1 day, like \"30s\"");
        else if (options.MaxRetryDelay < options.FirstRetryDelay || options.MaxRetryDelay > TimeSpan.FromDays(7))
            errors.Add($"{key}:MaxRetryDelay is {options.MaxRetryDelay}; it must lie between FirstRetryDelay ({options.FirstRetryDelay}) and 7 days");
        if (options.MaxConcurrency is < 1 or > 256)
            errors.Add($"{key}:MaxConcurrency is {options.MaxConcurrency}; it must be between 1 and 256");
        if (options.DuplicateTitleWindow < TimeSpan.Zero || options.DuplicateTitleWindow > TimeSpan.FromDays(365))
            errors.Add($"{key}:DuplicateTitleWindow is {options.DuplicateTitleWindow}; it must be between 0 (titles never count) and 365 days");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
