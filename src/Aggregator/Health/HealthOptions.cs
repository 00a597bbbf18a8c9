namespace Aggregator.Health;

/// <summary>"Aggregator:Health": the optional HTTP listener for /healthz and /metrics (`run` only).</summary>
public sealed class HealthOptions
{
    public const string Section = "Aggregator:Health";

    public bool Enabled { get; set; }

    /// <summary>Where to listen. Loopback by default: the endpoints have no authentication.</summary>
    public string Url { get; set; } = "http://127.0.0.1:9464";

    /// <summary>/healthz answers 503 when no poll cycle has started for this long; default five Polling:Tick.</summary>
    public TimeSpan? StallAfter { get; set; }
}
