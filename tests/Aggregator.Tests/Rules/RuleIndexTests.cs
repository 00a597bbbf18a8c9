using Aggregator.Rules;

namespace Aggregator.Tests.Rules;

/// <summary>The index may only skip rules that cannot match: over random rules and random entries it must
/// find exactly the matches that evaluating every rule finds.</summary>
public sealed class RuleIndexTests
{
    private static readonly string[] Vocabulary = ["iran", "russia", "hezbollah", "sanctions", "oil", "red", "sea", "talks", "deal", "army", "café", "gaza", "china"];

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void TheIndexFindsExactlyWhatEvaluatingEveryRuleFinds(int seed)
    {
        var random = new Random(seed);
        string Word() => Vocabulary[random.Next(Vocabulary.Length)];
        string Term() => random.Next(10) switch
        {
            0 => $"\"{Word()} {Word()}\"",
            1 => Word() + "*",
            2 => $"title:{Word()}",
            3 => $"/{Word()}/i",
            4 => $"category:{Word()}",
            5 => $"url:{Word()}",
            _ => Word(),
        };
        string Query(int depth) => depth == 0 || random.Next(3) == 0 ? Term() : random.Next(5) switch
        {
            0 => $"({Query(depth - 1)} OR {Query(depth - 1)})",
            1 => $"{Query(depth - 1)} AND {Query(depth - 1)}",
            2 => $"NOT {Query(depth - 1)}",
            3 => $"{Word()} NEAR/2 {Word()}",
            _ => $"{Query(depth - 1)} {Query(depth - 1)}",
        };
        string Text(int words) => string.Join(' ', Enumerable.Range(0, words).Select(_ => random.Next(4) == 0 ? "filler" : Word()));

        var rules = Enumerable.Range(0, 300).Select(_ => Aggregator.Rules.Query.Parse(Query(3))).ToArray();
        var index = new RuleIndex<Query>(rules.Select(r => (r, r)));
        for (var e = 0; e < 300; e++)
        {
            var document = MatchDocument.Create(new EntryFields(Text(random.Next(0, 6)), Text(random.Next(0, 12)), random.Next(3) == 0 ? Text(20) : null,
                Categories: random.Next(3) == 0 ? [Word()] : null, Url: random.Next(2) == 0 ? $"https://example.com/{Word()}" : null));
            var everyRule = rules.Where(r => r.Match(document) is not null).ToList();
            var indexed = index.Candidates(document).Where(r => r.Match(document) is not null).ToList();
            Assert.Equal(everyRule, indexed);
        }
    }

    [Fact]
    public void RulesThatNeedNoWordAreAlwaysCandidates()
    {
        var rules = new[] { "NOT sport", "/^Breaking/", "iran*", "url:example", "iran AND russia" }.Select(Query.Parse).ToArray();
        var index = new RuleIndex<Query>(rules.Select(r => (r, r)));
        var candidates = index.Candidates(MatchDocument.Create(new EntryFields("Weather", null, null))).Select(q => q.Text).ToList();
        Assert.Equal(["NOT sport", "/^Breaking/", "iran*", "url:example"], candidates);
    }
}
