namespace Aggregator.Fetching;

public enum FetchOutcome
{
    /// <summary>A 2xx with a body to parse.</summary>
    Fetched,
    /// <summary>304: nothing changed since the validators we sent; nothing to parse.</summary>
    NotModified,
    /// <summary>Anything else; <see cref="FetchResult.Error"/> says what.</summary>
    Failed,
}
