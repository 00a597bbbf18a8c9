using Aggregator.Storage;
using Aggregator.Tests.Support;
using Dapper;

namespace Aggregator.Tests.Storage;

/// <summary>How PostgresDatabase sets up its connections: a pooled connection goes back to the pool after each feed's
/// write without the session reset (work for the server with nothing to undo), unless the user's connection string
/// asks for it.</summary>
public sealed class PostgresConnectionTests
{
    private static async Task<string?> TimeoutAfterReuseAsync(string connectionString)
    {
        using var database = new PostgresDatabase(connectionString + ";Maximum Pool Size=1");
        await using (var first = await database.OpenAsync(TestContext.Current.CancellationToken))
            await first.ExecuteAsync("SET statement_timeout = '4321ms'"); // session state, as nothing of ours sets
        await using var second = await database.OpenAsync(TestContext.Current.CancellationToken); // the same connection
        return await second.ExecuteScalarAsync<string>("SHOW statement_timeout");
    }

    [Fact]
    public async Task APooledConnectionIsNotResetUnlessTheConnectionStringAsks()
    {
        var connectionString = await PostgresServer.CreateDatabaseAsync();
        Assert.Equal("4321ms", await TimeoutAfterReuseAsync(connectionString));
        Assert.Equal("0", await TimeoutAfterReuseAsync(connectionString + ";No Reset On Close=false"));
        Assert.Equal("0", await TimeoutAfterReuseAsync(connectionString + ";NoResetOnClose=false"));
    }
}
