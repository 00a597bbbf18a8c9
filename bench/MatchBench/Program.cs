using System.Diagnostics;
using Aggregator.Rules;

// Deterministic synthetic workload: news-like word soup, rules built from the same vocabulary.
// "mixed" (the default) adds what a Russia-Iran desk has: term lists in a quarter of the rules (spellings in
// Latin, Cyrillic with prefixes, Arabic phrases) and one entry in five in Russian or Arabic (with attached
// prefixes). "latin" is the workload as it was before term lists, random draw for random draw.
var ruleCount = args.Length > 0 ? int.Parse(args[0]) : 1000;
var entryCount = args.Length > 1 ? int.Parse(args[1]) : 100_000;
var mixed = (args.Length > 2 ? args[2] : "mixed") switch
{
    "mixed" => true,
    "latin" => false,
    var unknown => throw new ArgumentException($"workload '{unknown}': mixed or latin"),
};
var random = new Random(1);
var vocabulary = Enumerable.Range(0, 5000).Select(i => Word(i, 'a', 26)).ToArray();
string Pick() => vocabulary[(int)(Math.Pow(random.NextDouble(), 2) * vocabulary.Length)]; // skewed, like real text
string Words(int n) => string.Join(' ', Enumerable.Range(0, n).Select(_ => Pick()));
// Rules name specific words (people, places, organisations): drawn evenly, so most are rare in the text.
string Term() => vocabulary[random.Next(vocabulary.Length)];

// The non-Latin part draws from its own generator, so that "latin" repeats the old workload exactly.
var other = new Random(2);
var cyrillic = Enumerable.Range(0, 3000).Select(i => Word(i, 'а', 32)).ToArray();   // а..я
var arabic = Enumerable.Range(0, 3000).Select(i => Word(i, 'ب', 20)).ToArray();     // ب..ع and on
string[] arabicPrefixes = ["", "", "", "و", "ال", "وال", "ب", "لل"];
string PickFrom(string[] words) => words[(int)(Math.Pow(other.NextDouble(), 2) * words.Length)];
string Foreign(int n) => other.Next(2) == 0
    ? string.Join(' ', Enumerable.Range(0, n).Select(_ => PickFrom(cyrillic) + (other.Next(3) == 0 ? "ами" : "")))
    : string.Join(' ', Enumerable.Range(0, n).Select(_ => arabicPrefixes[other.Next(arabicPrefixes.Length)] + PickFrom(arabic)));
var lists = new TermLists(Enumerable.Range(0, 60).Select(i => new KeyValuePair<string, IReadOnlyList<string>>($"list{i}",
[
    vocabulary[other.Next(vocabulary.Length)],
    vocabulary[other.Next(vocabulary.Length)],
    cyrillic[other.Next(cyrillic.Length)] + "*",
    arabic[other.Next(arabic.Length)],
    $"{arabic[other.Next(arabic.Length)]} {arabic[other.Next(arabic.Length)]}",
])));
string List() => "@list" + other.Next(60);

var shapes = new Func<string>[]
{
    () => $"{Term()} AND {Term()}",
    () => $"{Term()} OR {Term()} OR {Term()}",
    () => $"\"{Term()} {Term()}\"",
    () => $"({Term()} OR {Term()}) AND {Term()} -{Term()}",
    () => $"title:{Term()} {Term()}*",
    () => $"{Term()} NEAR/5 {Term()}",
};
var listShapes = new Func<string>[]
{
    () => $"{List()} AND {List()}",
    () => $"{List()} {Term()}",
    () => $"{List()} NEAR/5 {List()}",
    () => $"{List()} -{Term()}",
};
var rules = Enumerable.Range(0, ruleCount)
    .Select(i => Query.Parse(mixed && i % 4 == 3 ? listShapes[i / 4 % listShapes.Length]() : shapes[i % shapes.Length](), lists))
    .ToArray();
// As the refresher does it: rules filed by the words they need; only candidates are evaluated.
var index = new RuleIndex<Query>(rules.Select(r => (r, r)));
var entries = Enumerable.Range(0, Math.Min(entryCount, 20_000))
    .Select(_ => new EntryFields(Words(10), Words(60), random.Next(4) == 0 ? Words(300) : null))
    .Select(e => mixed && other.Next(5) == 0 ? new EntryFields(Foreign(10), Foreign(60), e.Content is null ? null : Foreign(300)) : e)
    .ToArray();

// Warm up the JIT, then measure.
Run(entries.Take(2000), out _);
// CPU time beside wall time: on a machine shared with builds, the wall clock also counts the time others had the cores.
var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
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
var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
var perEntry = stopwatch.Elapsed.TotalMicroseconds / entryCount;
Console.WriteLine($"workload: {(mixed ? "mixed (term lists in 1/4 of the rules, 1/5 of the entries Russian or Arabic)" : "latin")}");
Console.WriteLine($"rules: {ruleCount}, entries: {entryCount}, matches: {matched}");
Console.WriteLine($"per entry (tokenise once + all {ruleCount} rules): {perEntry:0.0} µs ({cpu.TotalMicroseconds / entryCount:0.0} µs of CPU)");
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

static string Word(int i, char first, int letters)
{
    // Distinct made-up words, 4 to 6 letters: "baaa", "caaa", ... in the given alphabet.
    var chars = new List<char>();
    var n = i + letters * letters * letters;
    while (n > 0) { chars.Add((char)(first + n % letters)); n /= letters; }
    return new string(chars.ToArray());
}
