using Aggregator.Parsing;
using Aggregator.Rules;

namespace Aggregator.Refreshing;

/// <summary>What makes two entries the same story for alerting, across feeds: the same link once tracking
/// parameters are gone, or the same title (as words, ignoring case and accents).</summary>
public sealed record StoryKey(string? Link, string? Title)
{
    /// <summary>Query parameters that say how a reader came to an article, never which article it is: removed from the
    /// link before it is compared. Who adds each is in docs/stories.md; the list is ours (Miniflux's urlcleaner and the
    /// ClearURLs, AdGuard and Firefox query-stripping lists were read for it). Parameters that ARE the article (id, p,
    /// story, article, YouTube's v) are not here, nor generic names a site may use for content (source, cid, s).</summary>
    private static readonly HashSet<string> TrackingParameters = new(StringComparer.OrdinalIgnoreCase)
    {
        "fbclid", "fb_action_ids", "fb_action_types", "fb_ref", "fb_source",          // Facebook
        "gclid", "gclsrc", "dclid", "gbraid", "wbraid", "_ga", "_gl", "srsltid",      // Google Ads, Analytics, Search
        "msclkid", "ocid",                                                            // Microsoft Ads; MSN and Edge
        "yclid", "ysclid",                                                            // Yandex
        "twclid", "ref_src", "ref_url",                                               // X (Twitter) clicks and embeds
        "igshid", "igsh",                                                             // Instagram shares
        "ttclid",                                                                     // TikTok
        "li_fat_id",                                                                  // LinkedIn
        "mc_cid", "mc_eid", "mc_tc",                                                  // Mailchimp
        "_hsenc", "_hsmi", "__hstc", "__hssc", "__hsfp", "hsctatracking",             // HubSpot
        "mkt_tok",                                                                    // Marketo
        "sc_cid", "s_cid",                                                            // Adobe Analytics
        "oly_anon_id", "oly_enc_id", "rb_clickid",                                    // Olytics
        "vero_id", "vero_conv",                                                       // Vero
        "_bhlid",                                                                     // Beehiiv
        "at_medium", "at_campaign", "at_custom1", "at_custom2", "at_custom3", "at_custom4", "xtor", // AT Internet / Piano (BBC, French press)
        "ns_mchannel", "ns_source", "ns_campaign", "ns_linkname", "ns_fee",           // Comscore
        "wt_mc", "wt.mc_id",                                                          // Webtrends
        "cmpid", "cmp", "icid", "taid", "smid", "smtyp",                              // publishers' own campaign and share ids
        "ref",                                                                        // referrer tags: ?ref=rss, Ghost's ?ref=site
    };

    /// <summary>Prefixes of whole families: Google's UTM, Matomo's mtm_ and Piwik's pk_.</summary>
    private static readonly string[] TrackingPrefixes = ["utm_", "mtm_", "pk_"];

    public static StoryKey For(ParsedEntry entry)
    {
        var words = TextTokens.Split(entry.Title);
        // Very short titles ("Update", "Live") are not a story's identity.
        var title = words.Count >= 3 ? string.Join(' ', words) : null;
        return new StoryKey(CanonicalLink(entry.Link), title);
    }

    public static string? CanonicalLink(string? link)
    {
        if (link is null || !Uri.TryCreate(link.Trim(), UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            return null;
        var query = uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Where(p => !IsTracking(p.Split('=')[0]));
        var kept = string.Join('&', query);
        var host = uri.Host.StartsWith("www.", StringComparison.OrdinalIgnoreCase) ? uri.Host[4..] : uri.Host;
        var path = uri.AbsolutePath.Length > 1 ? uri.AbsolutePath.TrimEnd('/') : uri.AbsolutePath;
        // http and https, www and not, a trailing slash: the same article.
        return $"{host.ToLowerInvariant()}{(uri.IsDefaultPort ? "" : ":" + uri.Port)}{path}{(kept.Length > 0 ? "?" + kept : "")}";
    }

    private static bool IsTracking(string name) =>
        TrackingParameters.Contains(name) || TrackingPrefixes.Any(prefix => name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase));
}
