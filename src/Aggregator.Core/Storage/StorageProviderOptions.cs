namespace Aggregator.Storage;

/// <summary>The keys of "Aggregator:Storage": which database engine, and how to reach it.</summary>
public sealed class StorageProviderOptions
{
    public const string Section = "Aggregator:Storage";

    /// <summary>"sqlite" (Aggregator:Database is the file) or "postgres" (ConnectionString says where).</summary>
    public string Provider { get; set; } = "sqlite";

    /// <summary>For postgres: an Npgsql connection string, "Host=db;Database=aggregator;Username=...".</summary>
    public string? ConnectionString { get; set; }
}
