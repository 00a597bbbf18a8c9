using System.Text.Json.Nodes;
using Aggregator.Tests.Support;
using Dapper;
using Microsoft.AspNetCore.Http;
using Microsoft.Data.Sqlite;

namespace Aggregator.Tests.EndToEnd;

/// <summary>`aggregator backup FILE` while the service is writing: the copy is one consistent, self-contained file.</summary>
public sealed class BackupTests : IAsyncLifetime
{
    private readonly ContentRoot _root = new();
    private FeedServer _feeds = null!;
    private int _polls;

    public async ValueTask InitializeAsync() => _feeds = await FeedServer.StartAsync();

    public async ValueTask DisposeAsync()
    {
        await _feeds.DisposeAsync();
        _root.Dispose();
    }

    private static async Task<long> CountAsync(string database, string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={database};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        return await connection.ExecuteScalarAsync<long>(sql);
    }

    [Fact]
    public async Task ABackupTakenWhileTheServiceWritesPassesTheIntegrityCheckAndHoldsTheRowsCommittedBeforeIt()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "sends SIGTERM");
        _root.WriteSettings(aggregator: new JsonObject
        {
            ["Polling"] = new JsonObject { ["Interval"] = "1s", ["MinInterval"] = "1s", ["Tick"] = "1s" },
        });
        _root.WriteFeeds($$"""{ "feeds": [ { "name": "Busy", "url": "{{_feeds.Url("/busy.xml")}}" } ] }""");
        // 300 new entries with some text at every poll: the service writes all the time.
        _feeds.Handle("/busy.xml", async context =>
        {
            var poll = Interlocked.Increment(ref _polls);
            var items = Enumerable.Range(0, 300).Select(i => new Rss.Item($"p{poll}-{i}", $"Poll {poll} item {i}", new string('x', 2000))).ToArray();
            context.Response.ContentType = "application/rss+xml";
            await context.Response.WriteAsync(Rss.Feed("Busy", items));
        });

        await using var service = ServiceProcess.Start(_root.Path);
        var seen = await service.WaitForLogAsync("300 entries, 300 new");
        await service.WaitForLogAsync("300 entries, 300 new", seen);
        var before = await CountAsync(_root.DatabasePath, "SELECT count(*) FROM entries");

        var file = Path.Combine(_root.Path, "backup.db");
        var backup = await AggregatorProcess.RunAsync(_root.Path, "backup", file);
        var after = await CountAsync(_root.DatabasePath, "SELECT count(*) FROM entries");
        Assert.Equal(0, await service.StopAsync());

        Assert.True(backup.ExitCode == 0, backup.StdErr);
        Assert.Contains("Backed up", backup.StdOut);
        Assert.Equal(["backup.db"], Directory.GetFiles(_root.Path, "*backup.db*").Select(Path.GetFileName)); // no -wal, no partial file
        await using var copy = new SqliteConnection($"Data Source={file};Mode=ReadOnly;Pooling=False");
        await copy.OpenAsync(TestContext.Current.CancellationToken);
        Assert.Equal("ok", await copy.ExecuteScalarAsync<string>("PRAGMA integrity_check"));
        Assert.Equal("delete", await copy.ExecuteScalarAsync<string>("PRAGMA journal_mode"));
        var copied = await copy.ExecuteScalarAsync<long>("SELECT count(*) FROM entries");
        Assert.InRange(copied, before, after);
        Assert.Equal(0, copied % 300); // whole polls only: one transaction each
        Assert.Equal(1, await copy.ExecuteScalarAsync<long>("SELECT count(*) FROM feeds WHERE name = 'Busy'"));
    }

    [Fact]
    public async Task ABackupNeverOverwritesAFile()
    {
        _root.WriteSettings();
        _root.WriteFeeds("""{ "feeds": [] }""");
        var file = Path.Combine(_root.Path, "existing.db");
        File.WriteAllText(file, "precious");
        var backup = await AggregatorProcess.RunAsync(_root.Path, "backup", file);
        Assert.Equal(1, backup.ExitCode);
        Assert.Contains("already exists", backup.StdErr);
        Assert.Equal("precious", File.ReadAllText(file));
    }
}
