namespace Aggregator.Parsing;

/// <summary>What was wrong but survivable in one document, each said in one short sentence. Bounded, so a
/// hostile document (ten thousand bad dates) cannot make the list, the poll report or the log huge: the
/// first <see cref="MaxCount"/> problems are kept, each cut at <see cref="MaxLength"/> characters, and the
/// rest are counted.</summary>
internal sealed class FeedProblems
{
    public const int MaxCount = 10;
    public const int MaxLength = 200;

    private readonly List<string> _problems = [];
    private int _more;

    public void Add(string problem)
    {
        if (_problems.Count >= MaxCount)
        {
            _more++;
            return;
        }
        _problems.Add(problem.Length <= MaxLength ? problem : string.Concat(problem.AsSpan(0, MaxLength - 1), "…"));
    }

    /// <summary>Adds another list's problems, and its count of those beyond the bound.</summary>
    public void Merge(FeedProblems other)
    {
        foreach (var problem in other._problems) Add(problem);
        _more += other._more;
    }

    /// <summary>The problems, and a last line with how many more there were.</summary>
    public IReadOnlyList<string> ToList() =>
        _more == 0 ? _problems.Count == 0 ? [] : [.. _problems] : [.. _problems, $"and {_more} more problems"];

    /// <summary>A piece of the document quoted in a problem, short enough to read.</summary>
    public static string Quote(string text)
    {
        var line = HtmlText.Collapse(text) ?? "";
        return line.Length <= 40 ? $"\"{line}\"" : $"\"{line[..39]}…\"";
    }
}
