using System.Text.RegularExpressions;
using Aggregator.Tests.Support;

namespace Aggregator.Tests.Architecture;

/// <summary>The folders of src/Aggregator.Core depend on each other one way only (house-style.md): a folder that
/// needs a type from a folder that depends on it has found a type in the wrong room.</summary>
public sealed partial class FolderDependencyTests
{
    private static readonly string Core = Path.Combine(AggregatorProcess.RepositoryRoot, "src", "Aggregator.Core");

    /// <summary>Folder → the folders it uses, from `using Aggregator.X` directives and `Aggregator.X.` names in its sources.</summary>
    private static Dictionary<string, SortedSet<string>> Dependencies()
    {
        var folders = Directory.GetDirectories(Core).Select(Path.GetFileName).Where(d => d is not ("bin" or "obj")).Cast<string>().ToHashSet();
        var graph = folders.ToDictionary(f => f, _ => new SortedSet<string>(StringComparer.Ordinal));
        foreach (var folder in folders)
        {
            foreach (var file in Directory.EnumerateFiles(Path.Combine(Core, folder), "*.cs", SearchOption.AllDirectories))
            {
                foreach (Match reference in Reference().Matches(File.ReadAllText(file)))
                {
                    var used = reference.Groups[1].Value;
                    if (used != folder && folders.Contains(used)) graph[folder].Add(used);
                }
            }
        }
        return graph;
    }

    [Fact]
    public void NoTwoFoldersOfTheCoreDependOnEachOtherInACircle()
    {
        var graph = Dependencies();
        var cycles = new List<string>();
        foreach (var (folder, uses) in graph)
        {
            foreach (var used in uses)
            {
                if (PathBetween(graph, used, folder) is { } back) cycles.Add($"{folder} -> {string.Join(" -> ", back)}");
            }
        }
        Assert.True(cycles.Count == 0, "Folder cycles:\n" + string.Join("\n", cycles) + "\n\nDependencies:\n" +
            string.Join("\n", graph.Select(g => $"{g.Key} -> {string.Join(", ", g.Value)}")));
    }

    [Theory]
    [InlineData("Storage")]
    [InlineData("Rules")]
    [InlineData("Parsing")]
    public void TheBottomLayerNeedsNothingAboveIt(string folder)
    {
        var above = new[] { "Configuration", "Fetching", "Notifications", "Refreshing", "Scheduling" };
        Assert.Empty(Dependencies()[folder].Intersect(above));
    }

    /// <returns>The folders from <paramref name="from"/> to <paramref name="to"/>, or null when there is no such path.</returns>
    private static List<string>? PathBetween(Dictionary<string, SortedSet<string>> graph, string from, string to)
    {
        var previous = new Dictionary<string, string?> { [from] = null };
        var queue = new Queue<string>([from]);
        while (queue.TryDequeue(out var at))
        {
            if (at == to)
            {
                var path = new List<string>();
                for (string? step = at; step is not null; step = previous[step]) path.Insert(0, step);
                return path;
            }
            foreach (var next in graph[at])
            {
                if (previous.TryAdd(next, at)) queue.Enqueue(next);
            }
        }
        return null;
    }

    [GeneratedRegex(@"\bAggregator\.(\w+)")]
    private static partial Regex Reference();
}
