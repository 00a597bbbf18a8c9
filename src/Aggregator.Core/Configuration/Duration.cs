using System.Globalization;

namespace Aggregator.Configuration;

/// <summary>Reads durations as people write them in config and on the command line:
/// "00:15:00" (TimeSpan) or a number with a unit: "90s", "15m", "2h", "7d", "2w".</summary>
public static class Duration
{
    public const string Hint = "a duration like 15m, 2h, 1d or 00:15:00";

    public static bool TryParse(string? text, out TimeSpan value)
    {
        value = default;
        if (string.IsNullOrWhiteSpace(text)) return false;
        var s = text.Trim();
        if (s.Contains(':')) return TimeSpan.TryParse(s, CultureInfo.InvariantCulture, out value) && value > TimeSpan.Zero;

        var unit = char.ToLowerInvariant(s[^1]);
        if (!double.TryParse(s.AsSpan(0, s.Length - 1), NumberStyles.Float, CultureInfo.InvariantCulture, out var n) || n <= 0)
            return false;
        value = unit switch
        {
            's' => TimeSpan.FromSeconds(n),
            'm' => TimeSpan.FromMinutes(n),
            'h' => TimeSpan.FromHours(n),
            'd' => TimeSpan.FromDays(n),
            'w' => TimeSpan.FromDays(7 * n),
            _ => TimeSpan.Zero,
        };
        return value > TimeSpan.Zero;
    }
}
