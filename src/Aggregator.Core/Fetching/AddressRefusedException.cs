namespace Aggregator.Fetching;

/// <summary>A connection <see cref="AddressPolicy"/> would not make; the message says why and what to do.</summary>
public sealed class AddressRefusedException(string message) : Exception(message);
