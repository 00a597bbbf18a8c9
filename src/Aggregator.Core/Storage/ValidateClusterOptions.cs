using Microsoft.Extensions.Options;

namespace Aggregator.Storage;

/// <summary>A heartbeat within its range and a lease that several heartbeats fit in, so that one late heartbeat does
/// not hand a live node's work to another.</summary>
public sealed class ValidateClusterOptions : IValidateOptions<ClusterOptions>
{
    public ValidateOptionsResult Validate(string? name, ClusterOptions options)
    {
        var errors = new List<string>();
        const string key = ClusterOptions.Section;
        if (options.Heartbeat < TimeSpan.FromSeconds(1) || options.Heartbeat > TimeSpan.FromHours(1))
            errors.Add($"{key}:Heartbeat is {options.Heartbeat}; it must be between 1 second and 1 hour, like \"10s\"");
        else if (options.Lease < options.Heartbeat * 3 || options.Lease > TimeSpan.FromDays(1))
            errors.Add($"{key}:Lease is {options.Lease}; it must be at least three heartbeats ({options.Heartbeat * 3}) and at most 1 day, like \"2m\"");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
