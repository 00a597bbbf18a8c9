using Npgsql;

namespace Aggregator.Storage;

/// <summary>The database the settings point at: a SQLite file, or a PostgreSQL database. Aggregator:Database keeps
/// meaning a SQLite file; Aggregator:Storage:Provider = postgres with Aggregator:Storage:ConnectionString selects
/// PostgreSQL, and so does a PostgreSQL connection string written as Aggregator:Database (recognised by its Host=).</summary>
public sealed record StorageTarget(StorageProvider Provider, string Location)
{
    public const string Sqlite = "sqlite";
    public const string Postgres = "postgres";

    /// <summary>The target, or every mistake in the settings that keeps it from being known.</summary>
    /// <param name="contentRoot">Where a relative SQLite path resolves.</param>
    public static (StorageTarget? Target, IReadOnlyList<string> Errors) From(StorageOptions storage, StorageProviderOptions provider, string contentRoot)
    {
        const string key = StorageProviderOptions.Section;
        var named = provider.Provider?.Trim() ?? "";
        var postgres = string.Equals(named, Postgres, StringComparison.OrdinalIgnoreCase);
        if (!postgres && !string.Equals(named, Sqlite, StringComparison.OrdinalIgnoreCase))
            return (null, [$"{key}:Provider is \"{provider.Provider}\"; it must be \"{Sqlite}\" (the default: Aggregator:Database is a file) or \"{Postgres}\" (with {key}:ConnectionString)"]);

        var databaseIsConnectionString = LooksLikeConnectionString(storage.Database);
        if (!postgres && provider.ConnectionString is { Length: > 0 } && !databaseIsConnectionString)
            return (null, [$"{key}:ConnectionString is set but {key}:Provider is \"{named}\"; set Provider to \"{Postgres}\", or remove the ConnectionString"]);
        if (!postgres && !databaseIsConnectionString)
            return (new StorageTarget(StorageProvider.Sqlite, Path.GetFullPath(storage.Database, contentRoot)), []);

        var connectionString = provider.ConnectionString is { Length: > 0 } given ? given : databaseIsConnectionString ? storage.Database : null;
        var source = provider.ConnectionString is { Length: > 0 } ? $"{key}:ConnectionString" : "Aggregator:Database";
        if (connectionString is null)
            return (null, [$"{key}:ConnectionString is missing; with {key}:Provider \"{Postgres}\" it says where the database is, like \"Host=db.example.org;Database=aggregator;Username=aggregator\" (the password from PGPASSWORD or ~/.pgpass)"]);
        try
        {
            var builder = new NpgsqlConnectionStringBuilder(connectionString);
            if (string.IsNullOrWhiteSpace(builder.Host))
                return (null, [$"{source} has no Host=; name the PostgreSQL server, like \"Host=db.example.org;Database=aggregator;Username=aggregator\""]);
            if (string.IsNullOrWhiteSpace(builder.Database))
                return (null, [$"{source} has no Database=; name the database, like \"Host={builder.Host};Database=aggregator\""]);
        }
        catch (ArgumentException ex)
        {
            return (null, [$"{source} is not a PostgreSQL connection string ({ex.Message}); write it like \"Host=db.example.org;Database=aggregator;Username=aggregator\""]);
        }
        return (new StorageTarget(StorageProvider.Postgres, connectionString), []);
    }

    /// <summary>A PostgreSQL connection string rather than a file name: it has a Host= (or Server=) key.</summary>
    public static bool LooksLikeConnectionString(string? text) =>
        text is not null && text.Contains('=', StringComparison.Ordinal) &&
        text.Split(';').Any(part => part.Split('=')[0].Trim() is var name &&
            (name.Equals("Host", StringComparison.OrdinalIgnoreCase) || name.Equals("Server", StringComparison.OrdinalIgnoreCase)));

    /// <summary>How messages name it: the file, or "PostgreSQL database NAME on HOST:PORT" (never the password).</summary>
    public string Describe()
    {
        if (Provider == StorageProvider.Sqlite) return Location;
        var builder = new NpgsqlConnectionStringBuilder(Location);
        return $"PostgreSQL database {builder.Database} on {builder.Host}:{builder.Port}";
    }
}
