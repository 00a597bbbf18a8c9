namespace Aggregator.Cli;

/// <summary>"Aggregator:LogFormat": how log lines are written to stderr (and the journal); `--log-format` wins.</summary>
public sealed class LogOptions
{
    public const string Section = "Aggregator";

    public const string Simple = "simple";
    public const string Json = "json";

    /// <summary>simple (one line per event) or json (one JSON object per line, for log shippers).</summary>
    public string LogFormat { get; set; } = Simple;
}
