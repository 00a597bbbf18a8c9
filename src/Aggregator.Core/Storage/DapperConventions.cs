using Dapper;

namespace Aggregator.Storage;

/// <summary>How Dapper maps our rows, set once for the process (Dapper's settings are global): snake_case columns to
/// PascalCase properties, times as ISO-8601 UTC text on SQLite and timestamptz on PostgreSQL (<see cref="Iso"/>) and
/// JSON as text or jsonb (<see cref="JsonText"/>), in both directions.</summary>
internal static class DapperConventions
{
    private static readonly Lazy<bool> Applied = new(() =>
    {
        DefaultTypeMap.MatchNamesWithUnderscores = true;
        SqlMapper.AddTypeHandler(typeof(DateTimeOffset), new Iso.TypeHandler());
        SqlMapper.AddTypeHandler(typeof(JsonText), new JsonText.TypeHandler());
        SqlMapper.RemoveTypeMap(typeof(DateTimeOffset));
        SqlMapper.RemoveTypeMap(typeof(DateTimeOffset?));
        return true;
    });

    public static void Apply() => _ = Applied.Value;
}
