using System.Globalization;

namespace Aggregator.Parsing;

/// <summary>Reads the dates feeds really contain: RFC 822 and its corruptions (no weekday, full month
/// names, two-digit years, named and military zones, missing seconds), ISO 8601 / W3C-DTF, and a few
/// other common forms. An unreadable date is null: never "now", never an exception.</summary>
public static class FeedDates
{
    private static readonly Dictionary<string, int> Zones = new(StringComparer.OrdinalIgnoreCase)
    {
        ["UT"] = 0, ["UTC"] = 0, ["GMT"] = 0, ["Z"] = 0,
        ["EST"] = -5, ["EDT"] = -4, ["CST"] = -6, ["CDT"] = -5, ["MST"] = -7, ["MDT"] = -6, ["PST"] = -8, ["PDT"] = -7,
        ["AST"] = -4, ["ADT"] = -3, ["AKST"] = -9, ["AKDT"] = -8, ["HST"] = -10,
        ["BST"] = 1, ["CET"] = 1, ["CEST"] = 2, ["EET"] = 2, ["EEST"] = 3, ["MSK"] = 3, ["IST"] = 5, ["JST"] = 9,
        ["AEST"] = 10, ["AEDT"] = 11, ["ACST"] = 9, ["AWST"] = 8, ["NZST"] = 12, ["NZDT"] = 13,
    };

    private static readonly string[] Months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];

    public static DateTimeOffset? Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        var s = text.Trim();
        try
        {
            return char.IsAsciiDigit(s[0]) && s.Length >= 4 && char.IsAsciiDigit(s[1]) && char.IsAsciiDigit(s[2]) && char.IsAsciiDigit(s[3])
                ? Iso8601(s) ?? Rfc822(s) ?? Fallback(s)
                : Rfc822(s) ?? Fallback(s);
        }
        catch (ArgumentOutOfRangeException)
        {
            return null;
        }
    }

    /// <summary>2026-11-23T08:15:00Z, 2026-11-23T08:15:00.123+02:00, 2026-11-23 08:15, 2026-11-23, 2026-11, 20261123T081500Z.</summary>
    private static DateTimeOffset? Iso8601(string s)
    {
        var i = 0;
        if (!Number(s, ref i, 4, out var year)) return null;
        var compact = i < s.Length && char.IsAsciiDigit(s[i]);
        if (i < s.Length && s[i] == '-') i++;
        var month = 1;
        var day = 1;
        if (i < s.Length && char.IsAsciiDigit(s[i]))
        {
            if (!Number(s, ref i, 2, out month)) return null;
            if (i < s.Length && s[i] == '-') i++;
            if (i < s.Length && char.IsAsciiDigit(s[i]) && !Number(s, ref i, 2, out day)) return null;
        }
        else if (!compact && i < s.Length) return null;

        int hour = 0, minute = 0, second = 0;
        var offset = TimeSpan.Zero;
        if (i < s.Length && s[i] is 'T' or 't' or ' ')
        {
            i++;
            if (!Number(s, ref i, 2, out hour)) return null;
            if (i < s.Length && s[i] == ':') i++;
            if (!Number(s, ref i, 2, out minute)) return null;
            if (i < s.Length && s[i] == ':') i++;
            if (i < s.Length && char.IsAsciiDigit(s[i]))
            {
                // "12:35:8" (one-digit seconds) is out there too
                second = s[i] - '0';
                i++;
                if (i < s.Length && char.IsAsciiDigit(s[i])) second = second * 10 + (s[i++] - '0');
            }
            if (i < s.Length && s[i] is '.' or ',')
            {
                // fractions of a second are dropped: entries are dated to the second, as feedparser does
                i++;
                while (i < s.Length && char.IsAsciiDigit(s[i])) i++;
            }
            while (i < s.Length && s[i] == ' ') i++;
            if (i < s.Length)
            {
                if (s[i] is 'Z' or 'z') i++;
                else if (s[i] is '+' or '-')
                {
                    var sign = s[i] == '-' ? -1 : 1;
                    i++;
                    if (!Number(s, ref i, 2, out var oh)) return null;
                    if (i < s.Length && s[i] == ':') i++;
                    var om = 0;
                    if (i < s.Length && char.IsAsciiDigit(s[i]) && !Number(s, ref i, 2, out om)) return null;
                    offset = sign * new TimeSpan(oh, om, 0);
                }
                else if (Zones.TryGetValue(s[i..].Trim(), out var hours))
                {
                    offset = TimeSpan.FromHours(hours);
                    i = s.Length;
                }
                else return null;
            }
        }
        if (i != s.Length) return null;
        if (hour == 24 && minute == 0 && second == 0) { hour = 0; day++; }
        if (month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month) || hour > 23 || minute > 59 || second > 60 || offset.Duration() > TimeSpan.FromHours(14))
            return null;
        if (second == 60) second = 59;
        return new DateTimeOffset(year, month, day, hour, minute, second, offset).ToUniversalTime();
    }

    /// <summary>[Sun,] 23 Nov 2026 08:15[:00] [+0200|GMT|EST|A], and the shuffles seen in the wild.</summary>
    private static DateTimeOffset? Rfc822(string s)
    {
        // RFC 850 writes the date with hyphens: "Sunday, 23-Nov-26 08:15:00 GMT".
        var parts = s.Replace(",", " ").Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .SelectMany(p => p.Contains('-') && p.Any(char.IsLetter) && !p.Contains(':') && p[0] != '-' ? p.Split('-') : [p]).ToArray();
        int? day = null, month = null, year = null;
        int hour = 0, minute = 0, second = 0;
        var sawTime = false;
        TimeSpan? offset = null;
        foreach (var raw in parts)
        {
            var part = raw.TrimEnd('.');
            if (part.Length == 0) continue;
            if (part.Contains(':') && !sawTime)
            {
                var zoneAt = part.IndexOfAny(['+', '-'], 1);
                var clock = zoneAt > 0 ? part[..zoneAt] : part;
                var pieces = clock.Split(':');
                if (pieces.Length is < 2 or > 3 || !int.TryParse(pieces[0], out hour) || !int.TryParse(pieces[1], out minute)) return null;
                if (pieces.Length == 3 && !int.TryParse(pieces[2].Split('.')[0], out second)) return null;
                sawTime = true;
                if (zoneAt > 0) offset = NumericZone(part[zoneAt..]);
                continue;
            }
            var monthIndex = part.Length >= 3 ? Array.IndexOf(Months, part[..3].ToLowerInvariant()) : -1;
            if (monthIndex >= 0 && month is null && char.IsLetter(part[0]))
            {
                month = monthIndex + 1;
                continue;
            }
            if (int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
            {
                if (day is null && part.Length <= 2 && !(year is null && month is null && number > 31)) day = number;
                else if (year is null) year = part.Length <= 2 ? (number < 50 ? 2000 + number : 1900 + number) : part.Length == 3 ? 1900 + number : number;
                continue;
            }
            if (part[0] is '+' or '-' && part.Length >= 3)
            {
                offset = NumericZone(part);
                continue;
            }
            if (Zones.TryGetValue(part, out var hours)) { offset = TimeSpan.FromHours(hours); continue; }
            if (part.Length == 1 && char.IsAsciiLetter(part[0]) && sawTime)
            {
                offset = Military(char.ToUpperInvariant(part[0]));
                continue;
            }
            // weekday names and unknown zone abbreviations (taken as UTC, as feedparser does)
        }
        if (day is null || month is null || year is null) return null;
        if (day < 1 || day > DateTime.DaysInMonth(year.Value, month.Value) || hour > 23 || minute > 59 || second > 60) return null;
        if (second == 60) second = 59;
        // Computed by hand: DateTimeOffset refuses offsets beyond 14 h, which feeds do send (+3000), and feedparser honours.
        return new DateTimeOffset(new DateTime(year.Value, month.Value, day.Value, hour, minute, second, DateTimeKind.Utc)) - (offset ?? TimeSpan.Zero);
    }

    private static TimeSpan? NumericZone(string zone)
    {
        var sign = zone[0] == '-' ? -1 : 1;
        var digits = zone[1..].Replace(":", "");
        if (!int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var value)) return null;
        var (h, m) = digits.Length <= 2 ? (value, 0) : (value / 100, value % 100);
        return m > 59 ? null : sign * new TimeSpan(h, m, 0);
    }

    /// <summary>RFC 822's military zones, with its (reversed) signs, as feedparser reads them.</summary>
    private static TimeSpan Military(char letter) => letter switch
    {
        'Z' => TimeSpan.Zero,
        >= 'A' and <= 'I' => TimeSpan.FromHours(-(letter - 'A' + 1)),
        >= 'K' and <= 'M' => TimeSpan.FromHours(-(letter - 'K' + 10)),
        >= 'N' and <= 'Y' => TimeSpan.FromHours(letter - 'N' + 1),
        _ => TimeSpan.Zero,
    };

    private static DateTimeOffset? Fallback(string s) =>
        DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AllowWhiteSpaces, out var value)
            ? value.ToUniversalTime()
            : null;

    private static bool Number(string s, ref int i, int digits, out int value)
    {
        value = 0;
        if (i + digits > s.Length) return false;
        for (var k = 0; k < digits; k++)
        {
            var c = s[i + k];
            if (!char.IsAsciiDigit(c)) return false;
            value = value * 10 + (c - '0');
        }
        i += digits;
        return true;
    }
}
