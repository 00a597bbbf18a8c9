using Microsoft.Extensions.Options;

namespace Aggregator.Health;

/// <summary>Health:Url an http:// address with a port and no path; StallAfter, when given, between 1 second and a day.</summary>
public sealed class ValidateHealthOptions : IValidateOptions<HealthOptions>
{
    public ValidateOptionsResult Validate(string? name, HealthOptions options)
    {
        var errors = new List<string>();
        const string key = HealthOptions.Section;
        if (!Uri.TryCreate(options.Url, UriKind.Absolute, out var url) || url.Scheme != Uri.UriSchemeHttp || url.AbsolutePath != "/"
            || !string.IsNullOrEmpty(url.Query))
            errors.Add($"{key}:Url is \"{options.Url}\"; it must be an http:// address with a port and no path, like \"http://127.0.0.1:9464\"");
        if (options.StallAfter is { } stall && (stall < TimeSpan.FromSeconds(1) || stall > TimeSpan.FromDays(1)))
            errors.Add($"{key}:StallAfter is {stall}; it must be between 1 second and 1 day, like \"5m\", or left out for five Polling:Tick");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
