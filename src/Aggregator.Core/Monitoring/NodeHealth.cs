namespace Aggregator.Monitoring;

/// <summary>A node of the cluster as /healthz shows it: its state as this node sees it ("alive", "dead" after a lease
/// without a heartbeat, "stopped" after a clean stop) and its work in the last hour.</summary>
public sealed record NodeHealth(string Id, string Host, string State, DateTimeOffset LastHeartbeatAt, long FeedsPolled, long AlertsSent);
