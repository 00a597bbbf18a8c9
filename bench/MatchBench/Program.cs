using System.Diagnostics;
using Aggregator.Rules;

// Deterministic synthetic workload: news-like word soup, rules built from the same vocabulary.
var ruleCount = args.Length > 0 ? int.Parse(args[0]) : 1000;
var entryCount = args.Length > 1 ? int.Parse(args[1]) : 100_000;
var random = new Random(1);
var vocabulary = Enumerable.Range(0, 5000).Select(i => Word(i)).ToArray();
string Pick() => vocabulary[(int)(Math.Pow(random.NextDouble(), 2) * vocabulary.Length)]; // skewed, like real text
string Words(int n) => string.Join(' ', Enumerable.Range(0, n).Select(_ => Pick()));
// Rules name specific words (people, places, organisations): drawn evenly, so most are rare in the text.
string Term() => vocabulary[random.Next(vocabulary.Length)];

var shapes = new Func<string>[]
{
    () => $"{Term()} AND {Term()}",
    () => $"{Term()} OR {Term()} OR {Term()}",
    () => $"\"{Term()} {Term()}\"",
    () => $"({Term()} OR {Term()}) AND {Term()} -{Term()}",
    () => $"title:{Term()} {Term()}*",
    () => $"{Term()} NEAR/5 {Term()}",
};
var rules = Enumerable.Range(0, ruleCount).Select(i => Query.Parse(shapes[i % shapes.Length]())).ToArray();
// As the refresher does it: rules filed by the words they need; only candidates are evaluated.
var index = new RuleIndex<Query>(rules.Select(r => (r, r)));
var entries = Enumerable.Range(0, Math.Min(entryCount, 20_000))
    .Select(_ => new EntryFields(Words(10), Words(60), random.Next(4) == 0 ? Words(300) : null)).ToArray();

// Warm up the JIT, then measure.
Run(entries.Take(2000), out _);
var stopwatch = Stopwatch.StartNew();
var matched = 0L;
var done = 0;
while (done < entryCount)
{
    var batch = entries.Take(Math.Min(entries.Length, entryCount - done));
    done += Run(batch, out var hits);
    matched += hits;
}
stopwatch.Stop();
var perEntry = stopwatch.Elapsed.TotalMicroseconds / entryCount;
Console.WriteLine($"rules: {ruleCount}, entries: {entryCount}, matches: {matched}");
Console.WriteLine($"per entry (tokenise once + all {ruleCount} rules): {perEntry:0.0} µs");
Console.WriteLine($"entries/s: {entryCount / stopwatch.Elapsed.TotalSeconds:N0}; rules x entries/s: {(double)ruleCount * entryCount / stopwatch.Elapsed.TotalSeconds:N0}");

int Run(IEnumerable<EntryFields> batch, out long hits)
{
    hits = 0;
    var count = 0;
    foreach (var entry in batch)
    {
        var document = MatchDocument.Create(entry);
        foreach (var rule in index.Candidates(document))
        {
            if (rule.Match(document) is not null) hits++;
        }
        count++;
    }
    return count;
}

static string Word(int i)
{
    // Distinct made-up words, 4 to 6 letters: "baaa", "caaa", ...
    var chars = new List<char>();
    var n = i + 26 * 26 * 26;
    while (n > 0) { chars.Add((char)('a' + n % 26)); n /= 26; }
    return new string(chars.ToArray());
}
