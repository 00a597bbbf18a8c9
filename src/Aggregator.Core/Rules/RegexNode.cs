using System.Text.RegularExpressions;

namespace Aggregator.Rules;

/// <summary>/pattern/flags on the plain (unfolded) text. A pattern that runs past its time limit counts as no match.</summary>
internal sealed class RegexNode(string display, Regex regex, Fields fields) : QueryNode
{
    private static readonly Fields[] All = [Fields.Title, Fields.Summary, Fields.Content, Fields.Author, Fields.Category, Fields.Url, Fields.Feed];

    public override IReadOnlySet<string>? RequiredWords(Fields indexed) => null;

    public override bool Matches(MatchDocument document, List<string>? hits)
    {
        foreach (var field in All)
        {
            if ((fields & field) == 0 || document.Raw(field) is not { Length: > 0 } text) continue;
            try
            {
                if (!regex.IsMatch(text)) continue;
            }
            catch (RegexMatchTimeoutException)
            {
                continue;
            }
            if (hits is not null && !hits.Contains(display)) hits.Add(display);
            return true;
        }
        return false;
    }
}
