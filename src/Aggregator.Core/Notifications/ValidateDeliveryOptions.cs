using Microsoft.Extensions.Options;

namespace Aggregator.Notifications;

/// <summary>Checks that need several Delivery settings together; every error names its key and the fix.</summary>
public sealed class ValidateDeliveryOptions : IValidateOptions<DeliveryOptions>
{
    public ValidateOptionsResult Validate(string? name, DeliveryOptions options)
    {
        var errors = new List<string>();
        const string key = DeliveryOptions.Section;
        if (options.Tick <= TimeSpan.Zero) errors.Add($"{key}:Tick must be positive, like \"00:00:10\"");
        if (options.FirstRetryDelay <= TimeSpan.Zero) errors.Add($"{key}:FirstRetryDelay must be positive, like \"00:00:30\"");
        if (options.MaxRetryDelay < options.FirstRetryDelay)
            errors.Add($"{key}:MaxRetryDelay ({options.MaxRetryDelay}) is below FirstRetryDelay ({options.FirstRetryDelay})");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
