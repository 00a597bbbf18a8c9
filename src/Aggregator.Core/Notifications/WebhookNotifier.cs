using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using Aggregator.Fetching;
using Microsoft.Extensions.Logging;

namespace Aggregator.Notifications;

/// <summary>POSTs an alert to an HTTP endpoint: our generic JSON (docs/notifications.md) or a chat
/// service's own format (slack, discord, teams, ntfy).</summary>
/// <remarks>
/// Outcomes: 2xx is delivered. 408, 429 and 5xx, a timeout and a connection failure are retried, with the
/// receiver's Retry-After honoured. Any other status is permanent: the URL, secret or format is wrong and
/// sending the same request again will not fix it. That includes every 3xx: redirects are never followed
/// (the HttpClient is registered with AllowAutoRedirect off), since a 301/302/303 turns the POST into a GET
/// without the payload that the target may well answer 200, and a 307/308 re-posts the signed body to
/// whatever host Location names. The notifier's Timeout covers building the body too.
/// Error texts name the receiver by scheme, host and port only: Slack and Discord put their token in the
/// URL path, and these texts end up in logs and the outbox table.
/// </remarks>
public sealed partial class WebhookNotifier : INotifier
{
    public const string DeliveryHeader = "X-Aggregator-Delivery";
    public const string TimestampHeader = "X-Aggregator-Timestamp";
    public const string SignatureHeader = "X-Aggregator-Signature";

    /// <summary>Enough of an error body to see "invalid_token" or "channel_not_found", not a whole HTML page.</summary>
    private const int ExcerptBytes = 1024;
    private const int ExcerptChars = 200;

    private readonly NotifierOptions _options;
    private readonly HttpClient _httpClient;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<WebhookNotifier> _logger;
    private readonly Uri _url;
    private readonly string _format;
    private readonly string _receiver;

    /// <param name="name">The notifier's key under "Notifiers".</param>
    /// <param name="options">Checked with <see cref="NotifierFactory.Validate(string, NotifierOptions, bool)"/> first.</param>
    /// <param name="httpClient">Its own Timeout should be longer than options.Timeout (or infinite): the
    /// per-notifier timeout here is what turns a hang into a Retry with a clear message.</param>
    public WebhookNotifier(string name, NotifierOptions options, HttpClient httpClient, TimeProvider timeProvider, ILogger<WebhookNotifier> logger)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(httpClient);
        if (!Uri.TryCreate(options.Url, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
            throw new ArgumentException($"Url '{options.Url}' is not an absolute http(s) URL.", nameof(options));
        Name = name;
        _options = options;
        _httpClient = httpClient;
        _timeProvider = timeProvider;
        _logger = logger;
        _url = url;
        _format = string.IsNullOrWhiteSpace(options.Format) ? "generic" : options.Format.Trim().ToLowerInvariant();
        if (!WebhookBody.Formats.Contains(_format))
            throw new ArgumentException($"Unknown webhook format '{options.Format}'.", nameof(options));
        _receiver = $"webhook {url.GetLeftPart(UriPartial.Authority)}";
    }

    public string Name { get; }

    /// <exception cref="OperationCanceledException">Only when <paramref name="cancellationToken"/> is cancelled
    /// (shutdown); the alert stays in the outbox.</exception>
    public Task<DeliveryOutcome> SendAsync(Alert alert, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(alert);
        return SendAsync(alert.DeliveryId, () => WebhookBody.Create(_format, alert),
            $"entry '{AlertText.OneLine(alert.EntryId)}' of feed {AlertText.OneLine(alert.Feed)}", cancellationToken);
    }

    public Task<DeliveryOutcome> SendDigestAsync(Digest digest, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(digest);
        return SendAsync(digest.DeliveryId, () => WebhookBody.CreateDigest(_format, digest),
            $"the digest of {digest.Alerts.Count} entries for rule {AlertText.OneLine(digest.Rule)}", cancellationToken);
    }

    /// <param name="what">Names what the body is of, for the error when it cannot be built in time.</param>
    private async Task<DeliveryOutcome> SendAsync(string deliveryId, Func<WebhookBody> build, string what, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        // The budget starts before the body is built: building it is part of what one delivery may cost.
        using var timeout = new CancellationTokenSource(_options.Timeout, _timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        if (await MessageBuild.WithinAsync(build, linked.Token) is not { } body)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var overrun = DeliveryOutcome.Permanent(
                $"{_receiver}: {what}: its body took longer than {Seconds(_options.Timeout)} to build (Notifiers:{Name}:Timeout); sent nothing");
            LogFailed(null, Name, deliveryId, _receiver, overrun.Status, overrun.Error);
            return overrun;
        }
        var timestamp = _timeProvider.GetUtcNow().ToUnixTimeSeconds();

        using var request = new HttpRequestMessage(HttpMethod.Post, _url) { Content = body.ToHttpContent() };
        request.Headers.TryAddWithoutValidation(DeliveryHeader, deliveryId);
        request.Headers.TryAddWithoutValidation(TimestampHeader, timestamp.ToString(CultureInfo.InvariantCulture));
        if (!string.IsNullOrEmpty(_options.Secret))
            request.Headers.TryAddWithoutValidation(SignatureHeader, WebhookSignature.Compute(_options.Secret, timestamp, body.Content));
        foreach (var (header, value) in body.Headers)
            request.Headers.TryAddWithoutValidation(header, value);
        if (request.Headers.UserAgent.Count == 0 && _httpClient.DefaultRequestHeaders.UserAgent.Count == 0)
            request.Headers.TryAddWithoutValidation("User-Agent", "Aggregator-Webhook/1");

        try
        {
            using var response = await _httpClient
                .SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token)
                ;
            var outcome = await ClassifyAsync(response, linked.Token);
            var elapsedMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            if (outcome.Status == DeliveryStatus.Delivered)
                LogSent(Name, deliveryId, _receiver, (int)response.StatusCode, elapsedMs);
            else
                LogFailed(null, Name, deliveryId, _receiver, outcome.Status, outcome.Error);
            return outcome;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (OperationCanceledException exception)
        {
            // Ours (the linked timeout) or HttpClient.Timeout: either way the receiver did not answer in time.
            var outcome = DeliveryOutcome.Retry($"{_receiver}: no answer within {Seconds(_options.Timeout)} (Notifiers:{Name}:Timeout)");
            LogFailed(exception, Name, deliveryId, _receiver, outcome.Status, outcome.Error);
            return outcome;
        }
        catch (HttpRequestException exception) when (exception.InnerException is AddressRefusedException refused)
        {
            // The address policy: the same refusal every time until the URL or Polling:AllowLinkLocal changes.
            var outcome = DeliveryOutcome.Permanent($"{_receiver}: {refused.Message}");
            LogFailed(exception, Name, deliveryId, _receiver, outcome.Status, outcome.Error);
            return outcome;
        }
        catch (HttpRequestException exception)
        {
            var reason = exception.InnerException is { } inner ? $"{exception.Message} {inner.Message}" : exception.Message;
            var outcome = DeliveryOutcome.Retry($"{_receiver}: cannot reach it: {AlertText.OneLine(reason)}");
            LogFailed(exception, Name, deliveryId, _receiver, outcome.Status, outcome.Error);
            return outcome;
        }
    }

    private async Task<DeliveryOutcome> ClassifyAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        if (response.IsSuccessStatusCode)
            return DeliveryOutcome.Delivered;

        if (status is >= 300 and < 400)
            return DeliveryOutcome.Permanent($"{_receiver} answered {status} {response.ReasonPhrase}, {Redirect(response.Headers.Location)}; " +
                $"webhooks do not follow redirects: set Notifiers:{Name}:Url to the final address");
        var excerpt = await ExcerptAsync(response, cancellationToken);
        var error = $"{_receiver} answered {status} {response.ReasonPhrase}{(excerpt.Length > 0 ? ": " + excerpt : "")}";
        if (response.StatusCode is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests || status >= 500)
            return DeliveryOutcome.Retry(error, RetryAfter(response));
        return DeliveryOutcome.Permanent(error);
    }

    /// <summary>Where a redirect points, by scheme, host and port, and whether the path is ours: a path may hold a
    /// chat service's token, as ours does.</summary>
    private string Redirect(Uri? location)
    {
        if (location is null) return "without a Location";
        var target = location.IsAbsoluteUri ? location : new Uri(_url, location);
        if (target.Scheme != Uri.UriSchemeHttp && target.Scheme != Uri.UriSchemeHttps) return $"redirecting to a {target.Scheme}: address";
        var path = target.AbsolutePath == _url.AbsolutePath ? "the same path" : "another path";
        return $"redirecting to {target.GetLeftPart(UriPartial.Authority)} ({path})";
    }

    /// <summary>RFC 9110 §10.2.3: either delay-seconds or an HTTP-date; a date in the past means now.</summary>
    private TimeSpan? RetryAfter(HttpResponseMessage response) => response.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date - _timeProvider.GetUtcNow() is var wait && wait > TimeSpan.Zero ? wait : TimeSpan.Zero,
        _ => null,
    };

    private static async Task<string> ExcerptAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
            var buffer = new byte[ExcerptBytes];
            var read = 0;
            while (read < buffer.Length)
            {
                var n = await stream.ReadAsync(buffer.AsMemory(read), cancellationToken);
                if (n == 0)
                    break;
                read += n;
            }
            return AlertText.Truncate(AlertText.OneLine(Encoding.UTF8.GetString(buffer, 0, read)), ExcerptChars);
        }
        catch (Exception exception) when (exception is IOException or HttpRequestException or OperationCanceledException)
        {
            // The status line already says what went wrong; a body that will not arrive adds nothing.
            return "";
        }
    }

    private static string Seconds(TimeSpan value) =>
        value < TimeSpan.FromSeconds(1)
            ? $"{value.TotalMilliseconds:0} ms"
            : $"{value.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s";

    [LoggerMessage(Level = LogLevel.Debug, Message = "Notifier {Notifier} sent delivery {DeliveryId} to {Receiver}: {StatusCode} in {ElapsedMs} ms")]
    partial void LogSent(string notifier, string deliveryId, string receiver, int statusCode, double elapsedMs);

    // Debug, not Warning: the dispatcher logs every outcome once; this line adds the exception for digging.
    [LoggerMessage(Level = LogLevel.Debug, Message = "Notifier {Notifier} could not send delivery {DeliveryId} to {Receiver}: {Status} {Error}")]
    partial void LogFailed(Exception? exception, string notifier, string deliveryId, string receiver, DeliveryStatus status, string? error);
}
