using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Security.Authentication;
using Microsoft.Extensions.Options;

namespace Aggregator.Fetching;

/// <summary>One polite GET of a feed: conditional (ETag / Last-Modified), compressed, with a deadline for
/// the whole response and a size cap enforced while reading, so a slow or endless server costs us little.</summary>
public sealed class FeedFetcher(HttpClient http, IOptions<FetchOptions> options, AddressPolicy addresses, TimeProvider time)
{
    public const string HttpClientName = "feeds";

    private const string Accept =
        "application/rss+xml, application/atom+xml, application/feed+json, application/json;q=0.9, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.8";

    public async Task<FetchResult> FetchAsync(Uri url, string? etag, string? lastModified, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var started = time.GetTimestamp();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(settings.Timeout);

        try
        {
            // Redirects are followed here, not by the handler, to know whether every hop was permanent (301/308):
            // then the feed has moved and its stored URL is updated once the new one serves a feed.
            var target = url;
            var permanent = true;
            var furthestIn = AddressKind.Loopback; // the URL as written is trusted, all but link-local
            HttpResponseMessage response;
            for (var hop = 0; ; hop++)
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, target);
                request.Options.Set(AddressPolicy.FurthestIn, furthestIn);
                request.Headers.TryAddWithoutValidation("Accept", Accept);
                request.Headers.TryAddWithoutValidation("User-Agent", settings.UserAgent);
                if (!string.IsNullOrEmpty(etag)) request.Headers.TryAddWithoutValidation("If-None-Match", etag);
                if (!string.IsNullOrEmpty(lastModified)) request.Headers.TryAddWithoutValidation("If-Modified-Since", lastModified);
                response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token);
                var code = (int)response.StatusCode;
                if (code is not (301 or 302 or 303 or 307 or 308) || response.Headers.Location is not { } location) break;
                response.Dispose();
                if (hop == settings.MaxRedirects)
                    return FetchResult.Failed("redirects", $"more than {settings.MaxRedirects} redirects (Aggregator:Polling:MaxRedirects); the last pointed to {location}", code, Elapsed(started));
                permanent &= code is 301 or 308;
                if (!Uri.TryCreate(target, location, out var next) || next.Scheme is not ("http" or "https"))
                    return FetchResult.Failed("redirects", $"redirected to {Describe(location)}, which is not an http(s) URL; a feed is only fetched over http(s)", code, Elapsed(started));
                (furthestIn, var refusal) = await addresses.CheckRedirectAsync(target, next, furthestIn, deadline.Token);
                if (refusal is not null) return FetchResult.Failed("refused", refusal, code, Elapsed(started));
                target = next;
            }
            using var _ = response;
            var status = (int)response.StatusCode;
            var finalUrl = target;
            var movedTo = permanent && target != url ? target : null;
            if (response.StatusCode == HttpStatusCode.NotModified)
            {
                return new FetchResult
                {
                    Outcome = FetchOutcome.NotModified, StatusCode = status, FinalUrl = finalUrl, Elapsed = Elapsed(started), MovedTo = movedTo,
                    MaxAge = response.Headers.CacheControl?.MaxAge,
                    ETag = response.Headers.ETag?.ToString(), LastModified = LastModifiedOf(response),
                };
            }
            if (!response.IsSuccessStatusCode)
                return FetchResult.Failed(status.ToString(System.Globalization.CultureInfo.InvariantCulture), DescribeStatus(response), status, Elapsed(started), RetryAfterOf(response));

            if (response.Content.Headers.ContentLength > settings.MaxFeedBytes)
                return FetchResult.Failed("too_large", TooLarge(settings), status, Elapsed(started));

            var body = await ReadCappedAsync(response.Content, settings.MaxFeedBytes, deadline.Token);
            if (body is null) return FetchResult.Failed("too_large", TooLarge(settings), status, Elapsed(started));

            return new FetchResult
            {
                Outcome = FetchOutcome.Fetched,
                StatusCode = status,
                MovedTo = movedTo,
                Body = body,
                ContentType = response.Content.Headers.ContentType?.ToString(),
                ETag = response.Headers.ETag?.ToString(),
                LastModified = LastModifiedOf(response),
                FinalUrl = finalUrl,
                Elapsed = Elapsed(started),
                MaxAge = response.Headers.CacheControl?.MaxAge,
            };
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return FetchResult.Failed("timeout",
                $"no complete response within {Seconds(settings.Timeout)} (Aggregator:Polling:Timeout); the server is down or very slow",
                elapsed: Elapsed(started));
        }
        catch (HttpRequestException ex) when (ex.InnerException is AddressRefusedException refused)
        {
            return FetchResult.Failed("refused", refused.Message, elapsed: Elapsed(started));
        }
        catch (HttpRequestException ex)
        {
            return FetchResult.Failed("network", DescribeFailure(url, ex), elapsed: Elapsed(started));
        }
        catch (IOException ex)
        {
            return FetchResult.Failed("network", $"the connection broke while reading the body: {ex.Message}", elapsed: Elapsed(started));
        }
        catch (InvalidDataException ex)
        {
            return FetchResult.Failed("bad_body", $"the compressed body is corrupt: {ex.Message}", elapsed: Elapsed(started));
        }
    }

    /// <summary>Reads at most <paramref name="max"/> bytes (after decompression, so a gzip bomb stops at the cap).</summary>
    /// <returns>The body, or null when it is larger than the cap.</returns>
    private static async Task<FeedBody?> ReadCappedAsync(HttpContent content, long max, CancellationToken cancellationToken)
    {
        await using var stream = await content.ReadAsStreamAsync(cancellationToken);
        // A declared length is where to start (compressed, it is short of the body; the buffer grows), never past the cap.
        var start = Math.Max(64 * 1024, content.Headers.ContentLength + 1 ?? 0);
        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Min(start, Math.Min(max + 1, Array.MaxLength)));
        var handedOver = false;
        try
        {
            var length = 0;
            while (true)
            {
                if (length == buffer.Length)
                {
                    var bigger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                    buffer.AsSpan(0, length).CopyTo(bigger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = bigger;
                }
                var read = await stream.ReadAsync(buffer.AsMemory(length), cancellationToken);
                if (read == 0)
                {
                    handedOver = true;
                    return new FeedBody(buffer, length);
                }
                length += read;
                if (length > max) return null;
            }
        }
        finally
        {
            if (!handedOver) ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static string DescribeStatus(HttpResponseMessage response)
    {
        var code = (int)response.StatusCode;
        var head = $"HTTP {code} {response.ReasonPhrase}".TrimEnd();
        return code switch
        {
            401 or 403 => $"{head}: the server refuses us; the feed may need a login or block our User-Agent",
            404 => $"{head}: no feed at this URL; check it in config/feeds.json",
            410 => $"{head}: the site says this feed is gone for good; remove it from config/feeds.json",
            429 => $"{head}: the server says we poll too often; backing off",
            >= 500 => $"{head}: the server failed; it will be retried",
            _ => head,
        };
    }

    private static string DescribeFailure(Uri url, HttpRequestException ex)
    {
        var authority = url.IsDefaultPort ? url.Host : $"{url.Host}:{url.Port}";
        var chain = new List<Exception>();
        for (Exception? e = ex; e is not null; e = e.InnerException) chain.Add(e);
        if (chain.OfType<SocketException>().FirstOrDefault() is { } socket)
        {
            return socket.SocketErrorCode switch
            {
                SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain => $"cannot resolve host '{url.Host}' (DNS); check the URL",
                SocketError.ConnectionRefused => $"connection refused by {authority}; nothing listens there",
                SocketError.TimedOut => $"connecting to {authority} timed out",
                SocketError.ConnectionReset or SocketError.ConnectionAborted => $"{authority} closed the connection (reset) before the response was complete",
                _ => $"network error talking to {authority}: {socket.Message}",
            };
        }
        if (chain.OfType<AuthenticationException>().FirstOrDefault() is { } tls)
            return $"TLS handshake with {authority} failed: {tls.InnerException?.Message ?? tls.Message}";
        if (ex.HttpRequestError == HttpRequestError.ResponseEnded || chain.OfType<IOException>().Any())
            return $"{authority} closed the connection before the response was complete";
        if (ex.HttpRequestError == HttpRequestError.InvalidResponse)
            return $"{authority} sent an invalid HTTP response";
        return $"request to {authority} failed: {chain[^1].Message}";
    }

    private TimeSpan? RetryAfterOf(HttpResponseMessage response)
    {
        var retryAfter = response.Headers.RetryAfter;
        if (retryAfter?.Delta is { } delta) return delta;
        if (retryAfter?.Date is { } date)
        {
            var wait = date - time.GetUtcNow();
            return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        }
        return null;
    }

    private static string? LastModifiedOf(HttpResponseMessage response) =>
        response.Content.Headers.TryGetValues("Last-Modified", out var values) ? values.FirstOrDefault() : null;

    private static string TooLarge(FetchOptions settings) =>
        $"body over {settings.MaxFeedBytes / 1024} KiB (Aggregator:Polling:MaxFeedBytes); raise it if the feed is really that large";

    /// <summary>A Location as it may appear in an error: its scheme and start, not a whole data: document.</summary>
    private static string Describe(Uri location)
    {
        var text = location.OriginalString;
        return text.Length > 80 ? text[..79] + "…" : text;
    }

    private static string Seconds(TimeSpan span) => $"{span.TotalSeconds:0.#} s";

    private TimeSpan Elapsed(long started) => time.GetElapsedTime(started);
}
