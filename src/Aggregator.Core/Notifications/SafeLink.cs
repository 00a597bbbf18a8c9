namespace Aggregator.Notifications;

/// <summary>The one test for a link we may show or make clickable in an alert, in every format: a hostile
/// feed can put <c>javascript:</c> or <c>data:</c> in a link, or a line break that starts a new line in a
/// text part or a header.</summary>
public static class SafeLink
{
    /// <returns>The link as an absolute http(s) URI (trimmed, normalised by <see cref="Uri.AbsoluteUri"/>), or null
    /// for anything else: another scheme, a relative link, or a control character anywhere in it.</returns>
    /// <param name="allowMailto">Also accept a <c>mailto:</c> link (the entry's own HTML may carry one).</param>
    public static string? From(string? link, bool allowMailto = false)
    {
        var trimmed = link.AsSpan().Trim();
        if (trimmed.IsEmpty) return null;
        foreach (var c in trimmed)
            if (char.IsControl(c)) return null;
        if (!Uri.TryCreate(trimmed.ToString(), UriKind.Absolute, out var uri)) return null;
        return uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps || (allowMailto && uri.Scheme == Uri.UriSchemeMailto)
            ? uri.AbsoluteUri
            : null;
    }
}
