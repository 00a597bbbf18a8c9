using Microsoft.Extensions.Options;

namespace Aggregator.Fetching;

/// <summary>Every fetch setting within its range; every error names its key, the value and what is allowed.</summary>
public sealed class ValidateFetchOptions : IValidateOptions<FetchOptions>
{
    /// <summary>The largest feed body we agree to hold in memory: far beyond any real feed (the biggest are a few MB).</summary>
    public const long LargestFeedBytes = 256L * 1024 * 1024;

    public ValidateOptionsResult Validate(string? name, FetchOptions options)
    {
        var errors = new List<string>();
        const string key = FetchOptions.Section;
        if (options.Timeout < TimeSpan.FromSeconds(1) || options.Timeout > TimeSpan.FromMinutes(10))
            errors.Add($"{key}:Timeout is {options.Timeout}; it must be between 1 second and 10 minutes, like \"30s\" or \"00:00:30\"");
        if (options.MaxFeedBytes is < 1024 or > LargestFeedBytes)
            errors.Add($"{key}:MaxFeedBytes is {options.MaxFeedBytes}; it must be between 1024 and {LargestFeedBytes} (256 MiB)");
        if (options.MaxRedirects is < 0 or > 20)
            errors.Add($"{key}:MaxRedirects is {options.MaxRedirects}; it must be between 0 and 20");
        if (options.MaxConcurrencyPerHost is < 1 or > 64)
            errors.Add($"{key}:MaxConcurrencyPerHost is {options.MaxConcurrencyPerHost}; it must be between 1 and 64");
        if (string.IsNullOrWhiteSpace(options.UserAgent) || options.UserAgent.Length > 256 || options.UserAgent.Any(char.IsControl))
            errors.Add($"{key}:UserAgent must be one line of at most 256 characters, like \"Aggregator/1.0 (+https://example.org/contact)\"");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
