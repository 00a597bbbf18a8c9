using System.Data.Common;
using System.Text.Json;
using System.Text.Json.Nodes;
using Aggregator.Storage;
using Dapper;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Aggregator.Tests.Support;

/// <summary>A temporary content root (appsettings.json, config/feeds.json, config/rules.json, data/) as a user lays it out,
/// on SQLite (data/aggregator.db) or on a PostgreSQL database of its own (<see cref="PostgresServer"/>): the settings it
/// writes then say Aggregator:Storage:Provider = postgres with that database's connection string.</summary>
public sealed class ContentRoot : IDisposable
{
    public ContentRoot()
    {
        Path = Directory.CreateTempSubdirectory("aggregator-test-").FullName;
        Directory.CreateDirectory(System.IO.Path.Combine(Path, "config"));
    }

    /// <summary>A content root on the given engine; for PostgreSQL, with a new empty database.</summary>
    public static async Task<ContentRoot> CreateAsync(StorageProvider provider)
    {
        var root = new ContentRoot { Provider = provider };
        if (provider == StorageProvider.Postgres) root.ConnectionString = await PostgresServer.CreateDatabaseAsync();
        return root;
    }

    public string Path { get; }

    public StorageProvider Provider { get; private init; } = StorageProvider.Sqlite;

    /// <summary>The PostgreSQL database's connection string (null on SQLite).</summary>
    public string? ConnectionString { get; private set; }

    public string DatabasePath => System.IO.Path.Combine(Path, "data", "aggregator.db");

    public void WriteSettings(JsonObject settings)
    {
        if (ConnectionString is not null)
        {
            var aggregator = settings["Aggregator"] as JsonObject ?? new JsonObject();
            settings["Aggregator"] = aggregator;
            aggregator["Storage"] ??= new JsonObject { ["Provider"] = "postgres", ["ConnectionString"] = ConnectionString };
        }
        File.WriteAllText(System.IO.Path.Combine(Path, "appsettings.json"), settings.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }

    /// <summary>appsettings.json with fast test-friendly polling and the given notifiers.</summary>
    public void WriteSettings(JsonObject? notifiers = null, JsonObject? aggregator = null)
    {
        var settings = new JsonObject
        {
            ["Aggregator"] = aggregator ?? new JsonObject(),
            ["Notifiers"] = notifiers ?? new JsonObject(),
        };
        WriteSettings(settings);
    }

    public void WriteFeeds(string json) => File.WriteAllText(System.IO.Path.Combine(Path, "config", "feeds.json"), json);

    public void WriteRules(string json) => File.WriteAllText(System.IO.Path.Combine(Path, "config", "rules.json"), json);

    /// <summary>A connection to the application's database, to look at what it stored as a user would (sqlite3, psql).</summary>
    public async Task<DbConnection> OpenDatabaseAsync()
    {
        DapperConventions.Apply(); // times read back as DateTimeOffset from either engine
        DbConnection connection = ConnectionString is null
            ? new SqliteConnection($"Data Source={DatabasePath};Pooling=False")
            : new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    /// <summary>The one number a query returns (SQL written to run on both engines).</summary>
    public async Task<long> CountAsync(string sql)
    {
        await using var connection = await OpenDatabaseAsync();
        return await connection.ExecuteScalarAsync<long>(sql);
    }

    /// <summary>The application's database object for this root, as the commands open it (for in-process checks).</summary>
    public Database OpenApplicationDatabase() =>
        ConnectionString is null ? new SqliteDatabase(DatabasePath) : new PostgresDatabase(ConnectionString);

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
