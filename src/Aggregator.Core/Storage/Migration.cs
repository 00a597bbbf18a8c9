namespace Aggregator.Storage;

/// <summary>One numbered schema script. Both engines share ONE sequence: every number has a SQLite script
/// (Migrations/NNNN_name.sql, where they have always been) and a PostgreSQL one (Migrations/postgres/NNNN_name.sql),
/// so that a number means the same schema on both and `aggregator migrate` can copy one into the other.</summary>
public sealed record Migration(int Number, string Name, string Sql)
{
    private const string Prefix = "Aggregator.Storage.Migrations.";
    private const string PostgresFolder = "postgres.";

    private static readonly Lazy<IReadOnlyList<Migration>> SqliteScripts = new(() => Load(postgres: false));
    private static readonly Lazy<IReadOnlyList<Migration>> PostgresScripts = new(() => Load(postgres: true));

    /// <summary>The engine's scripts in the order they run.</summary>
    public static IReadOnlyList<Migration> For(StorageProvider provider) =>
        provider == StorageProvider.Postgres ? PostgresScripts.Value : SqliteScripts.Value;

    private static List<Migration> Load(bool postgres)
    {
        var assembly = typeof(Migration).Assembly;
        var scripts = new List<Migration>();
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(Prefix, StringComparison.Ordinal)))
        {
            var file = resource[Prefix.Length..];
            if (file.StartsWith(PostgresFolder, StringComparison.Ordinal) != postgres) continue;
            if (postgres) file = file[PostgresFolder.Length..];
            var number = int.Parse(file.AsSpan(0, file.IndexOf('_', StringComparison.Ordinal)), System.Globalization.CultureInfo.InvariantCulture);
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream);
            scripts.Add(new Migration(number, file, reader.ReadToEnd()));
        }
        return [.. scripts.OrderBy(m => m.Number)];
    }
}
