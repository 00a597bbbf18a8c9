namespace Aggregator.Rules;

/// <summary>The parts of an entry a query term can look at.</summary>
[Flags]
public enum Fields
{
    None = 0,
    Title = 1,
    Summary = 2,
    Content = 4,
    Author = 8,
    Category = 16,
    Url = 32,
    Feed = 64,
    /// <summary>lang: the entry's language tag, compared by subtags, not as words.</summary>
    Language = 128,
    /// <summary>A term without a field looks here.</summary>
    Text = Title | Summary | Content,
}
