namespace Aggregator.Storage;

/// <summary>Where the data lives: one SQLite file (the default, embedded, one process at a time delivering), or a
/// PostgreSQL database that several nodes share.</summary>
public enum StorageProvider
{
    Sqlite,
    Postgres,
}
