using System.Text.Json;
using Aggregator.Parsing;

namespace Aggregator.Tests.Parsing;

/// <summary>The encoding fixtures (Fixtures/encodings, written by its make.py): agency feeds in Russian,
/// Persian, Arabic, Hebrew, Greek, Japanese and Chinese, each with no declared charset, a wrong one,
/// double-encoded, and correct. Every variant must read back as the text that was written, exactly, and
/// record what was done. Each runs through both parse paths.</summary>
public sealed class EncodingFixtureTests
{
    private static readonly string Folder = Path.Combine(AppContext.BaseDirectory, "Parsing", "Fixtures", "encodings");

    public static TheoryData<string, bool> Files()
    {
        var data = new TheoryData<string, bool>();
        foreach (var file in Cases().SelectMany(c => c.Files.Keys).Order(StringComparer.Ordinal))
        {
            data.Add(file, true);
            data.Add(file, false);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void EachVariantReadsBackAsWrittenAndSaysWhatWasDone(string file, bool syndicationFirst)
    {
        var expected = Cases().Single(c => c.Files.ContainsKey(file));
        var result = new FeedParser(syndicationFirst).Parse(File.ReadAllBytes(Path.Combine(Folder, file)));
        Assert.True(result.Feed is not null, result.Error);
        var feed = result.Feed;
        Assert.Equal(expected.Title, feed.Title);
        Assert.Equal(expected.Items.Select(i => (i.Title, i.Summary)), feed.Entries.Select(e => (e.Title!, e.Summary!)));
        Assert.All(feed.Entries, e => Assert.Equal(expected.Language, e.Language));
        if (expected.Files[file] is { } problem) Assert.Contains(feed.Problems, p => p.Contains(problem, StringComparison.Ordinal));
        else Assert.Empty(feed.Problems);
    }

    private static List<Case> Cases() =>
        JsonSerializer.Deserialize<List<Case>>(File.ReadAllText(Path.Combine(Folder, "cases.json")), new JsonSerializerOptions(JsonSerializerDefaults.Web))!;

    private sealed record Case(string Title, string Language, List<Item> Items, Dictionary<string, string?> Files);

    private sealed record Item(string Title, string Summary);
}
