using Microsoft.Extensions.Options;

namespace Aggregator.Cli;

public sealed class ValidateLogOptions : IValidateOptions<LogOptions>
{
    public ValidateOptionsResult Validate(string? name, LogOptions options) =>
        options.LogFormat is LogOptions.Simple or LogOptions.Json
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"{LogOptions.Section}:LogFormat is \"{options.LogFormat}\"; it must be \"{LogOptions.Simple}\" or \"{LogOptions.Json}\"");
}
