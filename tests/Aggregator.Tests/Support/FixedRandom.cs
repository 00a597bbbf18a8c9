namespace Aggregator.Tests.Support;

/// <summary>A Random whose every draw is the same point of its range, registered in place of Random.Shared: the
/// jitter of retries and polls is then fixed, and a test can state the exact time something is due.</summary>
/// <param name="sample">What NextDouble() returns, in [0, 1).</param>
public sealed class FixedRandom(double sample) : Random
{
    private readonly double _sample = sample is >= 0 and < 1 ? sample : throw new ArgumentOutOfRangeException(nameof(sample), "must be in [0, 1)");

    protected override double Sample() => _sample;
}
