using Aggregator.Refreshing;
using Aggregator.Tests.Support;

namespace Aggregator.Tests.Refreshing;

/// <summary>Near-duplicate headlines, measured on a labelled set of our own (Data/headline-pairs.tsv): reworded by another
/// outlet (same) against another event with the same topic words (different).</summary>
public sealed class StorySimilarityTests(ITestOutputHelper output)
{
    private static IEnumerable<(bool Same, string A, string B)> Pairs() =>
        File.ReadLines(Path.Combine(AggregatorProcess.RepositoryRoot, "tests", "Aggregator.Tests", "Refreshing", "Data", "headline-pairs.tsv"))
            .Where(line => line.Length > 0 && !line.StartsWith('#'))
            .Select(line => line.Split('\t'))
            .Select(f => (f[0] == "same", f[1], f[2]));

    [Fact]
    public void OnTheLabelledPairsPrecisionStaysAbove90PercentAndRecallAbove80()
    {
        var pairs = Pairs().ToList();
        Assert.True(pairs.Count >= 150, $"{pairs.Count} pairs");
        int truePositives = 0, falsePositives = 0, falseNegatives = 0;
        foreach (var (same, a, b) in pairs)
        {
            var said = StorySimilarity.Same(StorySimilarity.Of(a), StorySimilarity.Of(b));
            Assert.Equal(said, StorySimilarity.Same(StorySimilarity.Of(b), StorySimilarity.Of(a))); // symmetric
            if (said && same) truePositives++;
            else if (said) falsePositives++;
            else if (same) falseNegatives++;
        }
        var precision = (double)truePositives / (truePositives + falsePositives);
        var recall = (double)truePositives / (truePositives + falseNegatives);
        output.WriteLine($"{pairs.Count} pairs: precision {precision:0.000} ({falsePositives} false), recall {recall:0.000} ({falseNegatives} missed)");
        Assert.InRange(precision, 0.90, 1.0);
        Assert.InRange(recall, 0.80, 1.0);
    }

    [Theory]
    [InlineData("Sevastopol harbour fire", "Sevastopol harbour fire, officials say", true)]
    [InlineData("Explosion hits Beirut port", "Beirut port rocked by explosion", true)]
    [InlineData("Explosion hits Beirut port", "Explosion hits Odesa port", false)]
    [InlineData("Russian drone attack on Odesa kills three", "Russian drone attack on Odesa kills seven", false)]
    [InlineData("Kremlin says Putin will attend summit", "Kremlin says Putin will not attend summit", false)]
    [InlineData("First hostages released under Gaza deal", "Second hostages released under Gaza deal", false)]
    [InlineData("", "", false)]
    public void NumbersNamesNegationAndOrderWordsTellStoriesApart(string a, string b, bool same) =>
        Assert.Equal(same, StorySimilarity.Same(StorySimilarity.Of(a), StorySimilarity.Of(b)));
}
