using System.Globalization;
using System.Text;

namespace Aggregator.Notifications;

/// <summary>The plain-text rendering of an alert, shared by the email's text/plain part and the console,
/// so a reader sees the same fields in the same order wherever an alert lands.</summary>
public static class AlertText
{
    /// <summary>Longest summary we put in a message; feeds that ship whole articles as the summary would
    /// otherwise make every alert a wall of text. The link is one click away.</summary>
    public const int MaxSummaryLength = 4000;

    /// <summary>The title as every format shows it: "Updated: " first when the alert is for a changed entry.</summary>
    public static string Title(Alert alert) =>
        (alert.Update ? "Updated: " : "") + (OneLine(alert.Title) is { Length: > 0 } title ? title : "(untitled entry)");

    /// <summary>UTC, to the minute: alerts are read by people in several time zones and the feed's own offset is noise.</summary>
    public static string Date(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);

    /// <summary>A digest's period in the zone its rule's local times are read in, named after the times
    /// ("2026-03-29 08:00 to 2026-03-30 08:00 Europe/London"): a daily 08:00 digest reads 08:00 on both sides of a
    /// clock change. UTC, as <see cref="Date(DateTimeOffset)"/> writes it, when there is no zone or it is UTC.</summary>
    public static string Period(DateTimeOffset start, DateTimeOffset end, TimeZoneInfo? zone)
    {
        if (zone is null || (zone.BaseUtcOffset == TimeSpan.Zero && !zone.SupportsDaylightSavingTime))
            return $"{Date(start)} to {Date(end)}";
        static string Local(DateTimeOffset value, TimeZoneInfo zone) =>
            TimeZoneInfo.ConvertTime(value, zone).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
        return $"{Local(start, zone)} to {Local(end, zone)} {OneLine(zone.Id)}";
    }

    /// <summary>ISO-8601 UTC with a Z, fractions only when there are some: the form the webhook payload documents.</summary>
    public static string IsoDate(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);

    public static string? Summary(Alert alert) =>
        string.IsNullOrWhiteSpace(alert.Summary) ? null : Truncate(alert.Summary.Trim(), MaxSummaryLength);

    /// <summary>Title, link, feed, dates, matched terms, then the summary. Every field before the summary is
    /// one line (<see cref="OneLine"/>, <see cref="SafeLink"/>), so a line break from the feed cannot add a line.</summary>
    public static string Render(Alert alert)
    {
        if (alert.IsOperational) return RenderOperational(alert);
        var text = new StringBuilder();
        text.Append("Rule:      ").AppendLine(OneLine(alert.Rule));
        text.Append("Title:     ").AppendLine(Title(alert));
        if (SafeLink.From(alert.Link) is { } link)
            text.Append("Link:      ").AppendLine(link);
        text.Append("Feed:      ").Append(OneLine(alert.Feed)).Append(" <").Append(OneLine(alert.FeedUrl)).AppendLine(">");
        if (alert.Published is { } published)
            text.Append("Published: ").AppendLine(Date(published));
        if (!string.IsNullOrWhiteSpace(alert.Author))
            text.Append("Author:    ").AppendLine(OneLine(alert.Author));
        text.Append("Matched:   ").AppendLine(alert.MatchedTerms.Count > 0 ? OneLine(string.Join(", ", alert.MatchedTerms)) : "(no terms recorded)");
        text.Append("Detected:  ").AppendLine(Date(alert.MatchedAt));
        if (Summary(alert) is { } summary)
            text.AppendLine().AppendLine(summary);
        return text.ToString();
    }

    /// <summary>An operational alert: what is wrong with the monitor itself, about what, since when, and the sentence
    /// that says what to do.</summary>
    private static string RenderOperational(Alert alert)
    {
        var text = new StringBuilder();
        text.Append("Operational: ").AppendLine(Title(alert));
        text.Append("Problem:   ").Append(OneLine(alert.Problem)).Append(" (").Append(OneLine(alert.State)).AppendLine(")");
        text.Append("Subject:   ").AppendLine(OneLine(alert.Subject));
        if (!string.IsNullOrEmpty(alert.FeedUrl))
            text.Append("Feed:      ").Append(OneLine(alert.Feed)).Append(" <").Append(OneLine(alert.FeedUrl)).AppendLine(">");
        if (alert.Since is { } since)
            text.Append("Since:     ").AppendLine(Date(since));
        text.Append("Detected:  ").AppendLine(Date(alert.MatchedAt));
        if (Summary(alert) is { } summary)
            text.AppendLine().AppendLine(summary);
        return text.ToString();
    }

    /// <summary>How long a summary may be inside a digest, where it introduces an item among many.</summary>
    public const int TeaserLength = 300;

    public static string? Teaser(Alert alert) =>
        string.IsNullOrWhiteSpace(alert.Summary) ? null : Truncate(OneLine(alert.Summary), TeaserLength);

    /// <summary>"Feed · date · matched: terms", the line under each item of a digest.</summary>
    public static string DigestLine(Alert alert)
    {
        var line = new StringBuilder(OneLine(alert.Feed));
        if (alert.Published is { } published)
            line.Append(" · ").Append(Date(published));
        if (alert.MatchedTerms.Count > 0)
            line.Append(" · matched: ").Append(OneLine(string.Join(", ", alert.MatchedTerms)));
        return line.ToString();
    }

    /// <summary>One item of a plain-text digest: title, link, the digest line, the teaser.</summary>
    public static string DigestItem(Alert alert)
    {
        var text = new StringBuilder(Title(alert));
        if (SafeLink.From(alert.Link) is { } link)
            text.Append('\n').Append(link);
        text.Append('\n').Append(DigestLine(alert));
        if (Teaser(alert) is { } teaser)
            text.Append('\n').Append(teaser);
        return text.Append('\n').ToString();
    }

    /// <summary>Titles arrive with newlines and runs of spaces from the feed's markup; a subject line, a
    /// header or a field of the text part must be one line. Control characters go too.</summary>
    public static string OneLine(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
            return "";
        var text = new StringBuilder(value.Length);
        var space = false;
        foreach (var c in value.Trim())
        {
            if (char.IsWhiteSpace(c) || char.IsControl(c))
            {
                space = true;
                continue;
            }
            if (space)
                text.Append(' ');
            space = false;
            text.Append(c);
        }
        return text.ToString();
    }

    /// <summary>Cuts at <paramref name="max"/> characters with an ellipsis, never inside a surrogate pair.</summary>
    public static string Truncate(string value, int max)
    {
        if (value.Length <= max)
            return value;
        var cut = max - 1;
        if (cut > 0 && char.IsHighSurrogate(value[cut - 1]))
            cut--;
        return string.Concat(value.AsSpan(0, cut), "…");
    }
}
