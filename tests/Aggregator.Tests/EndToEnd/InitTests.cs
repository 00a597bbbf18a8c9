using Aggregator.Tests.Support;

namespace Aggregator.Tests.EndToEnd;

/// <summary>`aggregator init` gives a new user a content root that passes the start-up checks as written.</summary>
public sealed class InitTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("aggregator-init-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task InitWritesACommentedStarterThatPassesTheStartUpChecksAndPrintsTheNextThreeCommands()
    {
        var root = Path.Combine(_directory, "monitor");
        var init = await AggregatorProcess.RunAsync(AggregatorProcess.StartInfo(_directory, "init", root));

        Assert.Equal(0, init.ExitCode);
        var next = init.StdOut.Split('\n').Where(l => l.StartsWith("  aggregator ", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, next.Count);
        Assert.StartsWith($"  aggregator poll --contentRoot {root}", next[0]);
        Assert.StartsWith($"  aggregator status --contentRoot {root}", next[1]);
        Assert.StartsWith($"  aggregator run --contentRoot {root}", next[2]);
        Assert.Contains("// ", File.ReadAllText(Path.Combine(root, "appsettings.json")));
        Assert.Contains("\"email\": { \"Type\": \"smtp\"", File.ReadAllText(Path.Combine(root, "appsettings.json")));

        // Every start-up check (unknown keys, ranges, config/, the notifiers' settings) runs before any command.
        var status = await AggregatorProcess.RunAsync(root, "status", "--json");
        Assert.True(status.ExitCode == 0, status.StdErr);
        Assert.Equal(4, status.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        var rules = await AggregatorProcess.RunAsync(root, "rules", "test", "middle-east-russia");
        Assert.True(rules.ExitCode == 0, rules.StdErr);
    }

    [Fact]
    public async Task InitNeverOverwritesAndSaysWhichFileExists()
    {
        File.WriteAllText(Path.Combine(_directory, "appsettings.json"), "{}");
        var init = await AggregatorProcess.RunAsync(AggregatorProcess.StartInfo(_directory, "init"));
        Assert.Equal(1, init.ExitCode);
        Assert.Contains($"{Path.Combine(_directory, "appsettings.json")} already exists", init.StdErr);
        Assert.Equal("{}", File.ReadAllText(Path.Combine(_directory, "appsettings.json")));
        Assert.False(Directory.Exists(Path.Combine(_directory, "config")));
    }
}
