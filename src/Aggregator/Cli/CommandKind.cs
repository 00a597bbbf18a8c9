namespace Aggregator.Cli;

/// <summary>What a command does with the outside world, which decides what it needs ready before it runs.</summary>
internal enum CommandKind
{
    /// <summary>Reads the database (status, entries, search, outbox): notifier secrets need not be at hand.</summary>
    Reads,
    /// <summary>May send alerts (poll): every notifier must be usable.</summary>
    Sends,
    /// <summary>`run`: sends, and runs the scheduler until stopped.</summary>
    Service,
}
