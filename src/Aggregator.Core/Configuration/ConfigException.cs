namespace Aggregator.Configuration;

/// <summary>The configuration cannot be used. Each error names the file or key, the item and what to do.</summary>
public sealed class ConfigException(IReadOnlyList<string> errors)
    : Exception("Configuration is not valid:" + Environment.NewLine + string.Join(Environment.NewLine, errors.Select(e => "  - " + e)))
{
    public IReadOnlyList<string> Errors { get; } = errors;
}
