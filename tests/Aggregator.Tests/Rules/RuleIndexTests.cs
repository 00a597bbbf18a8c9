using Aggregator.Rules;

namespace Aggregator.Tests.Rules;

/// <summary>The index may only skip rules that cannot match: over random rules and random entries it must
/// find exactly the matches that evaluating every rule finds.</summary>
public sealed class RuleIndexTests
{
    // Latin, Arabic with and without attached prefixes, Persian letter forms, Russian declensions, ZWNJ.
    private static readonly string[] Vocabulary = ["iran", "russia", "hezbollah", "sanctions", "oil", "red", "sea", "talks", "deal", "army", "café", "gaza", "china",
        "إيران", "وإيران", "الإيرانية", "ایران", "حزب", "الله", "لحزب", "روسيا", "وروسيا", "Хезболла", "Хезболлы", "Россия", "России", "می‌خواهم", "سورية", "سوریه"];

    private static readonly TermLists Lists = new([
        new("hezbollah", ["hezbollah", "Хезболл*", "حزب الله", "hizb*"]),
        new("iran", ["iran", "إيران", "ایران*"]),
        new("russia", ["russia*", "Росси*", "روسيا"]),
    ]);

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void TheIndexFindsExactlyWhatEvaluatingEveryRuleFinds(int seed)
    {
        var random = new Random(seed);
        string Word() => Vocabulary[random.Next(Vocabulary.Length)];
        string Term() => random.Next(13) switch
        {
            0 => $"\"{Word()} {Word()}\"",
            1 => Word() + "*",
            2 => $"title:{Word()}",
            3 => $"/{Word()}/i",
            4 => $"category:{Word()}",
            5 => $"url:{Word()}",
            6 => "@" + Lists.Names[random.Next(Lists.Names.Count)],
            7 => $"title:@{Lists.Names[random.Next(Lists.Names.Count)]}",
            8 => $"\"{Word()}* {Word()}\"",
            _ => Word(),
        };
        string Query(int depth) => depth == 0 || random.Next(3) == 0 ? Term() : random.Next(5) switch
        {
            0 => $"({Query(depth - 1)} OR {Query(depth - 1)})",
            1 => $"{Query(depth - 1)} AND {Query(depth - 1)}",
            2 => $"NOT {Query(depth - 1)}",
            3 => $"{Word()} NEAR/2 {(random.Next(2) == 0 ? Word() : "@" + Lists.Names[random.Next(Lists.Names.Count)])}",
            _ => $"{Query(depth - 1)} {Query(depth - 1)}",
        };
        string Text(int words) => string.Join(' ', Enumerable.Range(0, words).Select(_ => random.Next(4) == 0 ? "filler" : Word()));

        var rules = Enumerable.Range(0, 300).Select(_ => Aggregator.Rules.Query.Parse(Query(3), Lists)).ToArray();
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
        var rules = new[] { "NOT sport", "/^Breaking/", "iran*", "url:example", "iran AND russia", "lang:ru" }.Select(q => Query.Parse(q)).ToArray();
        var index = new RuleIndex<Query>(rules.Select(r => (r, r)));
        var candidates = index.Candidates(MatchDocument.Create(new EntryFields("Weather", null, null))).Select(q => q.Text).ToList();
        Assert.Equal(["NOT sport", "/^Breaking/", "url:example", "lang:ru"], candidates);
    }

    [Fact]
    public void APrefixRuleIsACandidateForEveryEntryWithAWordStartingSo()
    {
        var terms = new TermLists([new("hezbollah", ["Hizballah", "Хезболл*"])]);
        var rules = new[] { "iran*", "@hezbollah", "\"new sanction*\"" }.Select(q => Query.Parse(q, terms)).ToArray();
        var index = new RuleIndex<Query>(rules.Select(r => (r, r)));
        List<string> For(string title) => index.Candidates(MatchDocument.Create(new EntryFields(title, null, null))).Select(q => q.Text).ToList();

        Assert.Equal(["iran*"], For("Iranian weather"));
        Assert.Equal(["@hezbollah"], For("Позиции Хезболлы"));
        Assert.Equal(["@hezbollah"], For("Hizballah"));
        Assert.Equal(["\"new sanction*\""], For("New sanctions"));
        Assert.Empty(For("Weather in Ir"));
    }
}
