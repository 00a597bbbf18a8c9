using Aggregator.Storage;

namespace Aggregator.Notifications;

/// <summary>What one pass over the outbox did, counted in alerts (a digest counts each alert it carries).</summary>
/// <param name="OtherProcessDelivering">Another process (the service, while the CLI polls) holds the
/// delivery lock of this database; it sends what is due and this pass sent nothing.</param>
/// <param name="ClaimedElsewhere">PostgreSQL, after `poll`'s last pass: due alerts other nodes hold claims on, and when
/// the last claim ends (a node that died holds its claims until then).</param>
public sealed record DrainReport(int Delivered, int Retrying, int Dead, bool OtherProcessDelivering = false,
    ClaimedAlerts? ClaimedElsewhere = null);
