using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Aggregator.Notifications;

/// <summary>The X-Aggregator-Signature header: <c>sha256=</c> + lowercase hex of
/// HMAC-SHA256(key = UTF-8 secret, message = "&lt;timestamp&gt;.&lt;raw body bytes&gt;").</summary>
/// <remarks>The timestamp (X-Aggregator-Timestamp, Unix seconds) is inside the signed text, as in Stripe's
/// scheme: a receiver that also rejects timestamps older than a few minutes cannot be fed a captured
/// request again later. Signing the raw bytes, not re-serialised JSON, means receivers verify exactly
/// what arrived on the wire. docs/notifications.md shows verification in Python and C#.</remarks>
public static class WebhookSignature
{
    public const string Prefix = "sha256=";

    public static string Compute(string secret, long timestamp, ReadOnlySpan<byte> body)
    {
        var prefix = Encoding.UTF8.GetBytes(timestamp.ToString(CultureInfo.InvariantCulture) + ".");
        var signed = new byte[prefix.Length + body.Length];
        prefix.CopyTo(signed, 0);
        body.CopyTo(signed.AsSpan(prefix.Length));
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed);
        return Prefix + Convert.ToHexStringLower(mac);
    }

    /// <summary>What a C# receiver would do: recompute, compare in constant time, and refuse stale timestamps.</summary>
    public static bool Verify(string secret, string timestampHeader, string signatureHeader, ReadOnlySpan<byte> body,
        DateTimeOffset now, TimeSpan tolerance)
    {
        if (!long.TryParse(timestampHeader, NumberStyles.None, CultureInfo.InvariantCulture, out var timestamp))
            return false;
        if (Math.Abs(now.ToUnixTimeSeconds() - timestamp) > tolerance.TotalSeconds)
            return false;
        var expected = Encoding.ASCII.GetBytes(Compute(secret, timestamp, body));
        var actual = Encoding.ASCII.GetBytes(signatureHeader.Trim());
        return CryptographicOperations.FixedTimeEquals(expected, actual);
    }
}
