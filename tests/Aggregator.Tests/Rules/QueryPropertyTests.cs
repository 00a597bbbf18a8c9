using Aggregator.Rules;

namespace Aggregator.Tests.Rules;

/// <summary>Laws the operators must obey on any query and any text: random queries over random word soup,
/// fixed seeds so a failure is reproducible.</summary>
public sealed class QueryPropertyTests
{
    private static readonly string[] Latin = ["iran", "russia", "hezbollah", "sanctions", "oil", "red", "sea", "talks", "deal", "café", "gaza"];

    // Non-Latin words whose spellings fold together or carry Arabic prefixes, so the laws are checked across scripts too.
    private static readonly string[] Vocabulary = [.. Latin, "إيران", "وإيران", "ایران", "الإيرانية", "حزب", "الله", "لحزب", "Хезболла", "Хезболлы", "Россия", "می‌خواهم", "Ελλάς"];

    private static readonly Dictionary<string, IReadOnlyList<string>> Spellings = new()
    {
        ["hezbollah"] = ["hezbollah", "Хезболл*", "حزب الله"],
        ["iran"] = ["iran", "إيران", "ایران*"],
    };

    private static readonly TermLists Lists = new(Spellings);

    private sealed class Generator(int seed, string[]? vocabulary = null)
    {
        private readonly Random _random = new(seed);
        private readonly string[] _vocabulary = vocabulary ?? Vocabulary;

        public string Word() => _vocabulary[_random.Next(_vocabulary.Length)];

        public string Query(int depth) => depth == 0 || _random.Next(3) == 0
            ? _random.Next(8) switch
            {
                0 => $"\"{Word()} {Word()}\"",
                1 => Word()[..3] + "*",
                2 => $"title:{Word()}",
                3 => $"{Word()} NEAR/3 {Word()}",
                4 => "@" + Lists.Names[_random.Next(Lists.Names.Count)],
                _ => Word(),
            }
            : _random.Next(4) switch
            {
                0 => $"({Query(depth - 1)} OR {Query(depth - 1)})",
                1 => $"({Query(depth - 1)} AND {Query(depth - 1)})",
                2 => $"(NOT {Query(depth - 1)})",
                _ => $"({Query(depth - 1)} {Query(depth - 1)})",
            };

        public MatchDocument Document()
        {
            string Text(int n) => string.Join(_random.Next(2) == 0 ? " " : ", ", Enumerable.Range(0, n).Select(_ => _random.Next(3) == 0 ? "the" : Word()));
            return MatchDocument.Create(new EntryFields(Text(_random.Next(0, 5)), Text(_random.Next(0, 10)), _random.Next(2) == 0 ? Text(15) : null));
        }
    }

    private static bool M(string query, MatchDocument document) => Query.Parse(query, Lists).Match(document) is not null;

    public static TheoryData<int> Seeds => new(1, 2, 3, 4, 5);

    [Theory]
    [MemberData(nameof(Seeds))]
    public void OrMatchesWheneverEitherSideDoes(int seed)
    {
        var g = new Generator(seed);
        for (var i = 0; i < 400; i++)
        {
            string a = g.Query(2), b = g.Query(2);
            var d = g.Document();
            Assert.Equal(M(a, d) || M(b, d), M($"({a}) OR ({b})", d));
        }
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void AndAndImplicitAndMatchExactlyWhenBothSidesDo(int seed)
    {
        var g = new Generator(seed);
        for (var i = 0; i < 400; i++)
        {
            string a = g.Query(2), b = g.Query(2);
            var d = g.Document();
            var both = M(a, d) && M(b, d);
            Assert.Equal(both, M($"({a}) AND ({b})", d));
            Assert.Equal(both, M($"({a}) ({b})", d));
        }
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void NotNeverMatchesWhatItsOperandMatches(int seed)
    {
        var g = new Generator(seed);
        for (var i = 0; i < 400; i++)
        {
            var a = g.Query(2);
            var d = g.Document();
            Assert.NotEqual(M(a, d), M($"NOT ({a})", d));
            Assert.Equal(M($"NOT ({a})", d), M($"-({a})", d));
        }
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void AWordMatchesExactlyWhenAWholeWordOfTheTextIsItIgnoringCase(int seed)
    {
        // Latin words: the naive reference below knows nothing of Arabic prefixes.
        var g = new Generator(seed, Latin);
        for (var i = 0; i < 400; i++)
        {
            var word = g.Word();
            var text = string.Join(' ', Enumerable.Range(0, 6).Select(_ => g.Word()));
            var upper = text.ToUpperInvariant();
            // The naive reference: split on spaces, compare case- and accent-insensitively.
            var expected = text.Split(' ').Any(w => w == word);
            Assert.Equal(expected, M(word, MatchDocument.Create(new EntryFields(upper, null, null))));
        }
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void EveryReportedTermIsOneTheQueryWrote(int seed)
    {
        var g = new Generator(seed);
        for (var i = 0; i < 200; i++)
        {
            var query = g.Query(3);
            if (Query.Parse(query, Lists).Match(g.Document()) is not { } hit) continue;
            // Written in the query, or a spelling of a list the query names.
            var lists = Lists.Names.Where(n => query.Contains("@" + n, StringComparison.Ordinal)).ToList();
            Assert.All(hit.Terms, term => Assert.True(query.Contains(term.Trim('"'), StringComparison.Ordinal)
                || lists.Any(n => Spellings[n].Contains(term)), $"{term} in {query}"));
        }
    }
}
