using Aggregator.Configuration;
using Aggregator.Rules;
using Aggregator.Tests.Support;

namespace Aggregator.Tests.Configuration;

/// <summary>rules.json's "terms": named lists of spellings that queries use as @name, checked at load like the rest.</summary>
public sealed class TermListConfigTests : IDisposable
{
    private readonly ContentRoot _root = new();

    public TermListConfigTests() => _root.WriteFeeds("""{ "feeds": [ { "name": "ISW", "url": "https://example.com/" } ] }""");

    private AggregatorConfig Load() => ConfigLoader.Load(Path.Combine(_root.Path, "config"), "config", ["console"]);

    private IReadOnlyList<string> Errors() => Assert.Throws<ConfigException>(Load).Errors;

    [Fact]
    public void ARuleUsesAListAndTheConfigCarriesTheListsForSearch()
    {
        _root.WriteRules("""
            { "terms": { "Hezbollah": ["Hezbollah", "Hizballah", "Хезболл*", "حزب الله"] },
              "rules": [ { "name": "h", "query": "@hezbollah AND russia", "exclude": "@HEZBOLLAH NEAR/0 football" } ] }
            """);
        var config = Load();
        Assert.Equal(["Hezbollah"], config.Terms.Names);
        var hit = Assert.Single(config.Rules).Match(MatchDocument.Create(new EntryFields("Хезболла и Russia", null, null)));
        Assert.Equal(["Хезболл*", "russia"], hit!.Terms);
        Assert.NotNull(Query.Parse("@hezbollah", config.Terms));
    }

    [Fact]
    public void AnUnknownListInARuleIsAPositionalErrorNamingTheLists()
    {
        _root.WriteRules("""
            { "terms": { "hezbollah": ["Hezbollah"], "irgc": ["IRGC"] },
              "rules": [
                { "name": "h", "query": "russia @hezbolah" }
            ] }
            """);
        Assert.Equal("config/rules.json line 3: rule \"h\": \"query\": unknown term list '@hezbolah' at column 8 (lists in rules.json: hezbollah, irgc)",
            Assert.Single(Errors()));
    }

    [Fact]
    public void AnEmptyListAListNamingAnotherAndABadNameAreErrorsWithTheirLines()
    {
        _root.WriteRules("""
            { "terms": {
                "hezbollah": ["Hezbollah",
                              "@irgc"],
                "irgc": [],
                "al qaeda": ["al-Qaeda"],
                "dash": ["—"],
                "n": [42]
              },
              "rules": [] }
            """);
        var errors = Errors();
        Assert.True(errors.Count == 5, string.Join("\n", errors));
        Assert.Contains("config/rules.json line 3: term list \"hezbollah\": spelling \"@irgc\" names another list; write the spellings themselves (lists do not nest)", errors);
        Assert.Contains("config/rules.json line 4: term list \"irgc\": is empty; give it at least one spelling", errors);
        Assert.Contains(errors, e => e.StartsWith("config/rules.json line 5: term list \"al qaeda\": a name may have only letters, digits, - and _", StringComparison.Ordinal));
        Assert.Contains("config/rules.json line 6: term list \"dash\": spelling \"—\" has no letters or digits to match", errors);
        Assert.Contains("config/rules.json line 7: term list \"n\": spelling #1 must be a string, like \"Hizballah\", got 42", errors);
    }

    [Fact]
    public void TermsMustBeAnObjectOfListsAndNamesUnique()
    {
        _root.WriteRules("""
            { "rules": [],
              "terms": ["Hezbollah"] }
            """);
        Assert.StartsWith("config/rules.json line 2: \"terms\" must be an object of named lists", Assert.Single(Errors()));

        _root.WriteRules("""
            { "rules": [],
              "terms": { "h": ["Hezbollah"],
                         "H": ["Hizballah"],
                         "x": { "spellings": ["a"] } } }
            """);
        var errors = Errors();
        Assert.True(errors.Count == 2, string.Join("\n", errors));
        Assert.Contains("config/rules.json line 3: term list \"H\": another term list is already named \"H\" (names ignore case); names must be unique", errors);
        Assert.Contains(errors, e => e.StartsWith("config/rules.json line 4: term list \"x\": must be a list of spellings", StringComparison.Ordinal));
    }

    [Fact]
    public void AnUnknownKeyAtTheTopOfRulesJsonIsAnError()
    {
        _root.WriteRules("""{ "rules": [], "term": { "h": ["Hezbollah"] } }""");
        Assert.Equal("config/rules.json: unknown key \"term\" at the top (known keys: rules, terms)", Assert.Single(Errors()));
    }

    [Fact]
    public void TheShippedStarterListsLoadAndEveryListIsUsable()
    {
        var shipped = File.ReadAllText(Path.Combine(AggregatorProcess.RepositoryRoot, "docs", "terms", "middle-east-russia.json"));
        var body = shipped[shipped.IndexOf('{')..].TrimEnd();
        // As a user would: the "terms" fragment pasted beside the rules, with a rule using every list.
        var names = new[] { "hezbollah", "irgc", "houthis", "wagner", "iran", "russia", "syria", "israel", "lebanon", "yemen", "tehran", "moscow", "damascus", "beirut", "sanaa" };
        _root.WriteRules(body[..body.LastIndexOf('}')] + $$""", "rules": [ { "name": "all", "query": "{{string.Join(" OR ", names.Select(n => "@" + n))}}" } ] }""");
        var config = Load();
        Assert.Equal(names.Order(StringComparer.OrdinalIgnoreCase), config.Terms.Names);

        var rule = Assert.Single(config.Rules);
        string[] headlines =
        [
            "Hizballah fires rockets", "Удар Хезболлы", "боевики Хизбаллы", "بيان لحزب الله", "فرمانده سپاه پاسداران", "Командир КСИР",
            "الحوثيون يعلنون", "حوثی‌ها", "движение «Ансар Алла»", "جنبش انصارالله یمن", "бойцы Африканского корпуса", "группы Вагнера",
            "گروه واگنر", "الإيرانية", "Россией", "سوریه", "وإسرائيل", "اللبنانية", "باليمن", "Тегерана", "لموسكو", "مسکو", "دمشق", "Бейруте", "صنعاء",
        ];
        Assert.All(headlines, h => Assert.NotNull(rule.Match(MatchDocument.Create(new EntryFields(h, null, null)))));
    }

    public void Dispose() => _root.Dispose();
}
