using System.Globalization;

namespace Aggregator.Rules;

/// <summary>A rule's flood guard, rules.json "limit": at most <see cref="Count"/> alerts one by one per notifier in each
/// <see cref="Window"/> (aligned to UTC like digest periods); the rest are held and go out as one digest at the window's end.</summary>
public sealed record AlertLimit(int Count, TimeSpan Window)
{
    /// <summary>For a rule without "limit": a big story makes twenty outlets publish it within the hour, and twenty
    /// alerts an hour is about what a person still reads one by one; beyond that the channel gets muted.</summary>
    public static readonly AlertLimit Default = new(20, TimeSpan.FromHours(1));

    public const string Hint = "a count per minute, hour or day like \"10/h\" (N/m, N/h or N/d), or \"none\" for no limit";

    /// <summary>Reads "N/m", "N/h" or "N/d" (N from 1 to 1,000,000).</summary>
    public static bool TryParse(string? text, out AlertLimit? limit)
    {
        limit = null;
        var parts = text?.Trim().Split('/');
        if (parts is not [var count, var unit]
            || !int.TryParse(count.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n is < 1 or > 1_000_000)
            return false;
        var window = unit.Trim().ToLowerInvariant() switch
        {
            "m" => TimeSpan.FromMinutes(1),
            "h" => TimeSpan.FromHours(1),
            "d" => TimeSpan.FromDays(1),
            _ => TimeSpan.Zero,
        };
        if (window == TimeSpan.Zero) return false;
        limit = new AlertLimit(n, window);
        return true;
    }

    public override string ToString() =>
        $"{Count.ToString(CultureInfo.InvariantCulture)}/{(Window == TimeSpan.FromMinutes(1) ? "m" : Window == TimeSpan.FromHours(1) ? "h" : "d")}";
}
