using System.Text;
using Aggregator.Rules;

namespace Aggregator.Tests.Fuzzing;

/// <summary>The query language never throws anything but a syntax error with a column, whatever a user types into a
/// rule or `search`, and a query that parses never throws while matching.</summary>
public sealed class QueryFuzzTests
{
    private static readonly string[] Pieces =
    [
        "iran", "Russia", "Хезболла", "حزب", "الله", "北京", "café", "a-b", "x.y", "2026", "*", "\"", "(", ")", " AND ", " OR ", " NOT ",
        " NEAR ", " NEAR/3 ", " NEAR/x ", " NEAR/99999 ", "-", "title:", "url:", "feed:", "category:", "author:", "bogus:", "/", "/a+/i",
        "/(a|aa)+$/", "/[/", "/x/q", "\\", ":", "@", "@list", "  ", "\t", "\u200C", "\u0640", "ё", "ά", "\uD800", "\"red sea\"", "\"new sanction*\"",
    ];

    private static readonly MatchDocument[] Documents =
    [
        MatchDocument.Create(new EntryFields("Iran and Russia", "Hezbollah in Beirut", null, "Jane", ["World", "Middle East"], "https://example.com/a", "ISW")),
        MatchDocument.Create(new EntryFields("Хезболла и Россия", "وإيران حزب الله", "北京 café a-b x.y 2026", null, [], null, "TASS")),
        MatchDocument.Create(new EntryFields(null, null, null)),
    ];

    [Fact]
    public void NoTypedQueryThrowsAnythingButASyntaxErrorAndNoneThrowsWhileMatching()
    {
        var seed = Fuzz.Seed();
        var random = new Random(seed);
        var iterations = Fuzz.Iterations(20_000);
        for (var i = 0; i < iterations; i++)
        {
            var text = new StringBuilder();
            for (var n = random.Next(1, 12); n > 0; n--) text.Append(Pieces[random.Next(Pieces.Length)]);
            Query query;
            try
            {
                query = Query.Parse(text.ToString());
            }
            catch (QuerySyntaxException ex)
            {
                Assert.InRange(ex.Column, 1, text.Length + 1);
                continue;
            }
            catch (Exception ex)
            {
                Assert.Fail($"FUZZ_SEED={seed}, iteration {i}: \"{text}\": {ex.GetType().Name}: {ex.Message}");
                return;
            }
            foreach (var document in Documents)
            {
                try
                {
                    _ = query.Match(document);
                }
                catch (Exception ex)
                {
                    Assert.Fail($"FUZZ_SEED={seed}, iteration {i}: \"{text}\" threw while matching: {ex.GetType().Name}: {ex.Message}");
                }
            }
        }
    }

    private static readonly string[] DeepPieces = ["(", "(", "(", ")", "NOT ", "-", "iran ", "\"", " OR ", " AND ", "@list "];

    [Fact]
    public void DeeplyNestedAndVeryLongQueriesAreSyntaxErrorsNotStackOverflows()
    {
        // The parser and the matcher recurse; a query that could nest without a bound would end the process (a stack
        // overflow cannot be caught), so depth and length are checked first. A crash here kills the test run.
        var seed = Fuzz.Seed();
        var random = new Random(seed);
        var iterations = Fuzz.Iterations(200);
        for (var i = 0; i < iterations; i++)
        {
            var text = new StringBuilder();
            for (var n = random.Next(50, 20_000); n > 0; n--) text.Append(DeepPieces[random.Next(DeepPieces.Length)]);
            try
            {
                foreach (var document in Documents) _ = Query.Parse(text.ToString()).Match(document);
            }
            catch (QuerySyntaxException ex)
            {
                Assert.InRange(ex.Column, 1, text.Length + 1);
            }
            catch (Exception ex)
            {
                Assert.Fail($"FUZZ_SEED={seed}, iteration {i}: a query of {text.Length} characters: {ex.GetType().Name}: {ex.Message}");
            }
        }
    }
}
