using Dapper;

namespace Aggregator.Storage;

/// <summary>How Dapper maps our rows, set once for the process (Dapper's settings are global): snake_case columns to
/// PascalCase properties, and times as ISO-8601 UTC text (<see cref="Iso"/>) in both directions.</summary>
internal static class DapperConventions
{
    private static readonly Lazy<bool> Applied = new(() =>
    {
        DefaultTypeMap.MatchNamesWithUnderscores = true;
        SqlMapper.AddTypeHandler(new Iso.TypeHandler());
        SqlMapper.RemoveTypeMap(typeof(DateTimeOffset));
        SqlMapper.RemoveTypeMap(typeof(DateTimeOffset?));
        return true;
    });

    public static void Apply() => _ = Applied.Value;
}
