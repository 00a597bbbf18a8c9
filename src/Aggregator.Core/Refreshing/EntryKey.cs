using System.Security.Cryptography;
using System.Text;
using Aggregator.Parsing;

namespace Aggregator.Refreshing;

/// <summary>What makes an entry the same entry on the next poll: its guid/id, else its link,
/// else a hash of title and date (feeds without either exist; a re-titled one then counts as new).</summary>
public static class EntryKey
{
    public static string For(ParsedEntry entry)
    {
        if (!string.IsNullOrWhiteSpace(entry.Id)) return "id:" + entry.Id.Trim();
        if (!string.IsNullOrWhiteSpace(entry.Link)) return "link:" + entry.Link.Trim();
        var basis = $"{entry.Title}\n{entry.Published?.UtcDateTime:O}\n{(entry.Published is null ? entry.Summary : null)}";
        return "hash:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(basis)));
    }
}
