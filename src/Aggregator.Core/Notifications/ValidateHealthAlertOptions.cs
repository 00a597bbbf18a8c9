using Microsoft.Extensions.Options;

namespace Aggregator.Notifications;

/// <summary>Health:Notify names configured notifiers; the thresholds within their ranges. Each error names its key and the fix.</summary>
public sealed class ValidateHealthAlertOptions(NotifierRegistry notifiers) : IValidateOptions<HealthAlertOptions>
{
    public ValidateOptionsResult Validate(string? name, HealthAlertOptions options)
    {
        var errors = new List<string>();
        const string key = HealthAlertOptions.Section;
        foreach (var notifier in options.Notify)
        {
            if (!notifiers.Names.Contains(notifier, StringComparer.OrdinalIgnoreCase))
                errors.Add($"{key}:Notify names \"{notifier}\", which is not a notifier; use one of {string.Join(", ", notifiers.Names.Order(StringComparer.Ordinal))} (the names under \"Notifiers\")");
        }
        if (options.FailingPolls is < 1 or > 1000)
            errors.Add($"{key}:FailingPolls is {options.FailingPolls}; it must be between 1 and 1000 failed polls in a row");
        if (options.FailingFor < TimeSpan.FromMinutes(1) || options.FailingFor > TimeSpan.FromDays(365))
            errors.Add($"{key}:FailingFor is {options.FailingFor}; it must be between 1 minute and 365 days, like \"1d\"");
        if (!double.IsFinite(options.SilentFactor) || options.SilentFactor < 1 || options.SilentFactor > 1000)
            errors.Add($"{key}:SilentFactor is {options.SilentFactor}; it must be between 1 and 1000 times a feed's usual gap between new entries");
        if (options.SilentAtLeast < TimeSpan.FromMinutes(1) || options.SilentAtLeast > TimeSpan.FromDays(365))
            errors.Add($"{key}:SilentAtLeast is {options.SilentAtLeast}; it must be between 1 minute and 365 days, like \"1d\"");
        if (options.NotifierFailingFor < TimeSpan.FromMinutes(1) || options.NotifierFailingFor > TimeSpan.FromDays(30))
            errors.Add($"{key}:NotifierFailingFor is {options.NotifierFailingFor}; it must be between 1 minute and 30 days, like \"1h\"");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
