using Microsoft.Extensions.Options;

namespace Aggregator.Storage;

/// <summary>Retention periods of at least a day, matched entries kept at least as long as the others.</summary>
public sealed class ValidateRetentionOptions : IValidateOptions<RetentionOptions>
{
    private static readonly TimeSpan Shortest = TimeSpan.FromDays(1);
    private static readonly TimeSpan Longest = TimeSpan.FromDays(3650);

    public ValidateOptionsResult Validate(string? name, RetentionOptions options)
    {
        var errors = new List<string>();
        const string key = RetentionOptions.Section;
        foreach (var (setting, value) in new[] { ("KeepEntries", options.KeepEntries), ("KeepMatched", options.KeepMatched) })
        {
            if (value is { } span && (span < Shortest || span > Longest))
                errors.Add($"{key}:{setting} is {span}; it must be between 1 day and 3650 days, like \"90d\", or left out to keep everything");
        }
        if (errors.Count == 0 && options.KeepMatched is { } matched && (options.KeepEntries is not { } entries || matched < entries))
            errors.Add($"{key}:KeepMatched ({matched}) would delete matched entries before the others (KeepEntries is {options.KeepEntries?.ToString() ?? "unset: kept for ever"}); it must be at least as long as KeepEntries, since matched entries are the ones worth keeping");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
