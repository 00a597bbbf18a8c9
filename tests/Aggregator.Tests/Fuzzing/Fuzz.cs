using System.Globalization;

namespace Aggregator.Tests.Fuzzing;

/// <summary>How long a fuzz test runs: FUZZ_ITERATIONS (scripts/fuzz.sh sets it for a long run), else a count small
/// enough for every test run; FUZZ_SEED repeats a run.</summary>
internal static class Fuzz
{
    public static int Iterations(int byDefault) =>
        int.TryParse(Environment.GetEnvironmentVariable("FUZZ_ITERATIONS"), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : byDefault;

    public static int Seed() =>
        int.TryParse(Environment.GetEnvironmentVariable("FUZZ_SEED"), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var seed)
            ? seed
            : Random.Shared.Next();

    /// <summary>Keeps an input that broke something, so the failure can be replayed with `aggregator parse FILE`.</summary>
    public static string Save(byte[] input, string name)
    {
        var path = Path.Combine(Path.GetTempPath(), $"aggregator-fuzz-{name}-{Guid.NewGuid():N}");
        File.WriteAllBytes(path, input);
        return path;
    }
}
