namespace Aggregator.Rules;

/// <summary>A malformed query: <see cref="Column"/> is 1-based, the message says what was expected there.</summary>
public sealed class QuerySyntaxException(string message, int column) : Exception(message)
{
    public int Column { get; } = column;
}
