using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Aggregator.Configuration;

namespace Aggregator.Notifications;

/// <summary>POSTs an alert as JSON. Signed with HMAC-SHA256 over "timestamp.body" when a secret is set,
/// so a receiver can check both origin and freshness (replays carry an old timestamp).</summary>
public sealed class WebhookNotifier(string name, NotifierOptions options, HttpClient http, TimeProvider time) : INotifier
{
    public const string HttpClientName = "webhooks";

    public string Name { get; } = name;

    public async Task<DeliveryOutcome> SendAsync(Alert alert, CancellationToken cancellationToken)
    {
        var body = WebhookPayload.Generic(alert);
        var timestamp = time.GetUtcNow().ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var request = new HttpRequestMessage(HttpMethod.Post, options.Url)
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("X-Aggregator-Delivery", alert.DeliveryId);
        request.Headers.Add("X-Aggregator-Timestamp", timestamp);
        if (!string.IsNullOrEmpty(options.Secret))
            request.Headers.Add("X-Aggregator-Signature", Signature(options.Secret, timestamp, body));

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(options.Timeout);
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token);
            var status = (int)response.StatusCode;
            if (response.IsSuccessStatusCode) return DeliveryOutcome.Delivered;
            var excerpt = await ExcerptAsync(response, deadline.Token);
            var error = $"webhook {options.Url} answered HTTP {status} {response.ReasonPhrase}{excerpt}";
            return status is 408 or 429 or >= 500
                ? DeliveryOutcome.Retry(error, RetryAfter(response.Headers.RetryAfter))
                : DeliveryOutcome.Permanent(error);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return DeliveryOutcome.Retry($"webhook {options.Url} did not answer within {options.Timeout.TotalSeconds:0.#} s");
        }
        catch (HttpRequestException ex)
        {
            var reason = ex.InnerException is SocketException socket ? socket.Message : ex.Message;
            return DeliveryOutcome.Retry($"cannot reach webhook {options.Url}: {reason}");
        }
    }

    /// <summary>"sha256=" + lowercase hex of HMAC-SHA256(secret, "{timestamp}.{body}").</summary>
    public static string Signature(string secret, string timestamp, string body) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{timestamp}.{body}")));

    private TimeSpan? RetryAfter(RetryConditionHeaderValue? header)
    {
        if (header?.Delta is { } delta) return delta;
        if (header?.Date is { } date) return date > time.GetUtcNow() ? date - time.GetUtcNow() : TimeSpan.Zero;
        return null;
    }

    private static async Task<string> ExcerptAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            var text = (await response.Content.ReadAsStringAsync(cancellationToken)).Trim();
            if (text.Length == 0) return "";
            text = string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
            return ": " + (text.Length > 200 ? text[..200] + "…" : text);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or OperationCanceledException)
        {
            return "";
        }
    }
}
