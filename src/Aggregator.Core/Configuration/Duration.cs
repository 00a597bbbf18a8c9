using System.ComponentModel;
using System.Globalization;

namespace Aggregator.Configuration;

/// <summary>Reads durations as people write them in config and on the command line:
/// "00:15:00" (TimeSpan) or a number with a unit: "90s", "15m", "2h", "7d", "2w". Never throws: an overflow, NaN or
/// infinity ("99999999999d", "1e308d", "Infinitys") is simply not a duration.</summary>
public static class Duration
{
    /// <summary>Ten years: longer than any interval, window or look-back anyone means, and far from TimeSpan's limits,
    /// so adding one to a date never overflows.</summary>
    public static readonly TimeSpan Max = TimeSpan.FromDays(3650);

    public const string Hint = "a duration like 15m, 2h, 1d or 00:15:00 (at most 3650d)";

    /// <summary>A positive duration of at most <see cref="Max"/>.</summary>
    public static bool TryParse(string? text, out TimeSpan value) =>
        TryParseAny(text, out value) && value > TimeSpan.Zero && value <= Max;

    /// <summary>Any duration TimeSpan can hold, zero and negative ones included; settings check their own ranges.</summary>
    private static bool TryParseAny(string? text, out TimeSpan value)
    {
        value = default;
        if (string.IsNullOrWhiteSpace(text)) return false;
        var s = text.Trim();
        if (s.Contains(':') || s.All(c => char.IsAsciiDigit(c) || c is '.' or '-'))
            return s.Contains(':') && TimeSpan.TryParse(s, CultureInfo.InvariantCulture, out value);

        var seconds = char.ToLowerInvariant(s[^1]) switch
        {
            's' => 1.0,
            'm' => 60.0,
            'h' => 3600.0,
            'd' => 86400.0,
            'w' => 604800.0,
            _ => double.NaN,
        };
        if (double.IsNaN(seconds)
            || !double.TryParse(s.AsSpan(0, s.Length - 1), NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var n))
            return false;
        var total = n * seconds;
        // TimeSpan holds about 29,000 years; anything near that is a typo, and FromSeconds would throw.
        if (!double.IsFinite(total) || Math.Abs(total) > TimeSpan.MaxValue.TotalSeconds / 2) return false;
        value = TimeSpan.FromSeconds(total);
        return true;
    }

    /// <summary>The shortest way to write a duration that <see cref="TryParse"/> reads back: "30m", "2h", "1d", "90s", or
    /// "00:15:30" when no single unit says it.</summary>
    public static string Format(TimeSpan value) =>
        value.Ticks % TimeSpan.TicksPerDay == 0 ? $"{value.Ticks / TimeSpan.TicksPerDay}d"
        : value.Ticks % TimeSpan.TicksPerHour == 0 ? $"{value.Ticks / TimeSpan.TicksPerHour}h"
        : value.Ticks % TimeSpan.TicksPerMinute == 0 ? $"{value.Ticks / TimeSpan.TicksPerMinute}m"
        : value.Ticks % TimeSpan.TicksPerSecond == 0 ? $"{value.Ticks / TimeSpan.TicksPerSecond}s"
        : value.ToString("c", CultureInfo.InvariantCulture);

    /// <summary>Lets appsettings.json and environment variables write TimeSpan settings the same ways as config/ and the
    /// command line ("30s" as well as "00:00:30"). Registered once per process by the host.</summary>
    public static void AcceptInSettings() => _ = Registered.Value;

    private static readonly Lazy<bool> Registered = new(() =>
    {
        TypeDescriptor.AddAttributes(typeof(TimeSpan), new TypeConverterAttribute(typeof(Converter)));
        return true;
    });

    private sealed class Converter : TimeSpanConverter
    {
        public override object? ConvertFrom(ITypeDescriptorContext? context, CultureInfo? culture, object value) =>
            value is string text
                ? TryParseAny(text, out var span) ? span : throw new FormatException($"\"{text}\" is not {Hint}")
                : base.ConvertFrom(context, culture, value);
    }
}
