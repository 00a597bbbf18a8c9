using System.IO.Compression;
using System.Net;
using Aggregator.Fetching;
using Aggregator.Tests.Support;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Aggregator.Tests.Fetching;

public sealed class FeedFetcherTests : IAsyncLifetime
{
    private FeedServer _server = null!;

    public async ValueTask InitializeAsync() => _server = await FeedServer.StartAsync();

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    /// <summary>A fetcher built the way the service builds it (FeedHandler, the address policy).</summary>
    internal static FeedFetcher Fetcher(FetchOptions? options = null, AddressPolicy? policy = null)
    {
        options ??= new FetchOptions();
        policy ??= new AddressPolicy(options.AllowLinkLocal);
        return new FeedFetcher(new HttpClient(FeedHandler.Create(options, policy)) { Timeout = Timeout.InfiniteTimeSpan },
            Options.Create(options), policy, TimeProvider.System);
    }

    [Fact]
    public async Task ASecondFetchWithTheETagIsAnswered304AndCostsNoBody()
    {
        _server.Serve("/a.xml", Rss.Feed("A"));
        var fetcher = Fetcher();
        var first = await fetcher.FetchAsync(_server.Url("/a.xml"), null, null, TestContext.Current.CancellationToken);
        Assert.Equal(FetchOutcome.Fetched, first.Outcome);
        Assert.NotNull(first.ETag);

        var second = await fetcher.FetchAsync(_server.Url("/a.xml"), first.ETag, first.LastModified, TestContext.Current.CancellationToken);
        Assert.Equal(FetchOutcome.NotModified, second.Outcome);
        Assert.Null(second.Body);
        Assert.Equal(first.ETag, _server.Requests[^1].IfNoneMatch);
    }

    [Fact]
    public async Task AGzippedBodyIsDecompressed()
    {
        var feed = Rss.Feed("Zipped");
        _server.Handle("/gz.xml", async context =>
        {
            context.Response.Headers.ContentEncoding = "gzip";
            context.Response.ContentType = "application/rss+xml";
            await using var gzip = new GZipStream(context.Response.Body, CompressionLevel.Fastest, leaveOpen: true);
            await gzip.WriteAsync(System.Text.Encoding.UTF8.GetBytes(feed));
        });
        var result = await Fetcher().FetchAsync(_server.Url("/gz.xml"), null, null, TestContext.Current.CancellationToken);
        Assert.Equal(feed, System.Text.Encoding.UTF8.GetString(result.Body!.Memory.Span));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ABodyUnderASmallCapIsReadWholeWithOrWithoutALength(bool declaredLength)
    {
        var feed = Rss.Feed("Small", new Rss.Item("1", "One", new string('x', 1500)));
        _server.Handle("/small.xml", async context =>
        {
            if (declaredLength) context.Response.ContentLength = System.Text.Encoding.UTF8.GetByteCount(feed);
            await context.Response.WriteAsync(feed);
        });
        var result = await Fetcher(new FetchOptions { MaxFeedBytes = 4096 }).FetchAsync(_server.Url("/small.xml"), null, null, TestContext.Current.CancellationToken);
        Assert.True(result.Outcome == FetchOutcome.Fetched, result.Error);
        Assert.Equal(feed, System.Text.Encoding.UTF8.GetString(result.Body!.Memory.Span));
    }

    [Fact]
    public async Task ABodyOverTheCapIsAbandonedWhileReadingNotAfter()
    {
        _server.Handle("/endless.xml", async context =>
        {
            var chunk = new byte[64 * 1024];
            try
            {
                // An endless body without Content-Length: only a cap enforced while reading stops it.
                for (var i = 0; i < 10_000; i++)
                {
                    await context.Response.Body.WriteAsync(chunk, context.RequestAborted);
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or IOException or ConnectionResetException)
            {
            }
        });
        // Count what the fetcher reads from the real connection (a server-side count is useless: Kestrel
        // turns writes after the client hung up into no-ops).
        var counting = new CountingHandler(new SocketsHttpHandler());
        var fetcher = new FeedFetcher(new HttpClient(counting) { Timeout = Timeout.InfiniteTimeSpan },
            Options.Create(new FetchOptions { MaxFeedBytes = 1024 * 1024 }), new AddressPolicy(allowLinkLocal: false), TimeProvider.System);
        var result = await fetcher.FetchAsync(_server.Url("/endless.xml"), null, null, TestContext.Current.CancellationToken);
        Assert.Equal(FetchOutcome.Failed, result.Outcome);
        Assert.Contains("Aggregator:Polling:MaxFeedBytes", result.Error);
        Assert.InRange(counting.BytesRead, 1024 * 1024, 2 * 1024 * 1024);
    }

    [Fact]
    public async Task AServerThatTricklesIsCutOffAtTheDeadline()
    {
        _server.Handle("/slow.xml", async context =>
        {
            try
            {
                await context.Response.WriteAsync("<rss>", context.RequestAborted);
                await context.Response.Body.FlushAsync(context.RequestAborted);
                for (var i = 0; i < 600; i++)
                {
                    await Task.Delay(100, context.RequestAborted);
                    await context.Response.WriteAsync(" ", context.RequestAborted);
                    await context.Response.Body.FlushAsync(context.RequestAborted);
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or IOException or ConnectionResetException)
            {
            }
        });
        var started = DateTime.UtcNow;
        var result = await Fetcher(new FetchOptions { Timeout = TimeSpan.FromSeconds(1) })
            .FetchAsync(_server.Url("/slow.xml"), null, null, TestContext.Current.CancellationToken);
        Assert.Equal(FetchOutcome.Failed, result.Outcome);
        Assert.Contains("no complete response within 1 s", result.Error);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(30));
    }

    [Theory]
    [InlineData(404, "HTTP 404", "no feed at this URL")]
    [InlineData(410, "HTTP 410", "gone for good")]
    [InlineData(503, "HTTP 503", "will be retried")]
    public async Task AnErrorStatusGetsAMessageThatSaysWhatToDo(int status, string head, string advice)
    {
        _server.Handle("/status.xml", context => { context.Response.StatusCode = status; return Task.CompletedTask; });
        var result = await Fetcher().FetchAsync(_server.Url("/status.xml"), null, null, TestContext.Current.CancellationToken);
        Assert.Equal(FetchOutcome.Failed, result.Outcome);
        Assert.Equal(status, result.StatusCode);
        Assert.StartsWith(head, result.Error);
        Assert.Contains(advice, result.Error);
    }

    [Fact]
    public async Task PermanentRedirectsAreReportedAsAMoveTemporaryOnesAreNot()
    {
        _server.Serve("/new.xml", Rss.Feed("Moved"));
        _server.Handle("/old.xml", context => { context.Response.StatusCode = 301; context.Response.Headers.Location = "/mid.xml"; return Task.CompletedTask; });
        _server.Handle("/mid.xml", context => { context.Response.StatusCode = 308; context.Response.Headers.Location = "/new.xml"; return Task.CompletedTask; });
        _server.Handle("/temp.xml", context => { context.Response.StatusCode = 302; context.Response.Headers.Location = "/old.xml"; return Task.CompletedTask; });
        var fetcher = Fetcher();

        var moved = await fetcher.FetchAsync(_server.Url("/old.xml"), null, null, TestContext.Current.CancellationToken);
        Assert.Equal(FetchOutcome.Fetched, moved.Outcome);
        Assert.Equal(_server.Url("/new.xml"), moved.MovedTo);

        var temporary = await fetcher.FetchAsync(_server.Url("/temp.xml"), null, null, TestContext.Current.CancellationToken);
        Assert.Equal(FetchOutcome.Fetched, temporary.Outcome);
        Assert.Null(temporary.MovedTo);
        Assert.Equal(_server.Url("/new.xml"), temporary.FinalUrl);
    }

    [Fact]
    public async Task ARedirectLoopStopsAtTheLimitWithAMessage()
    {
        _server.Handle("/loop.xml", context => { context.Response.StatusCode = 302; context.Response.Headers.Location = "/loop.xml"; return Task.CompletedTask; });
        var result = await Fetcher(new FetchOptions { MaxRedirects = 3 }).FetchAsync(_server.Url("/loop.xml"), null, null, TestContext.Current.CancellationToken);
        Assert.Equal(FetchOutcome.Failed, result.Outcome);
        Assert.StartsWith("more than 3 redirects (Aggregator:Polling:MaxRedirects)", result.Error);
    }

    [Fact]
    public async Task RetryAfterOnA429IsKept()
    {
        _server.Handle("/busy.xml", context =>
        {
            context.Response.StatusCode = 429;
            context.Response.Headers.RetryAfter = "120";
            return Task.CompletedTask;
        });
        var result = await Fetcher().FetchAsync(_server.Url("/busy.xml"), null, null, TestContext.Current.CancellationToken);
        Assert.Equal(TimeSpan.FromSeconds(120), result.RetryAfter);
    }

    [Fact]
    public async Task ARefusedConnectionIsNamed()
    {
        // Bind then release a port so nothing listens on it.
        var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var result = await Fetcher().FetchAsync(new Uri($"http://127.0.0.1:{port}/feed.xml"), null, null, TestContext.Current.CancellationToken);
        Assert.Equal(FetchOutcome.Failed, result.Outcome);
        Assert.Equal($"connection refused by 127.0.0.1:{port}; nothing listens there", result.Error);
    }

    [Fact]
    public async Task TheUserAgentIsSent()
    {
        string? agent = null;
        _server.Handle("/ua.xml", context => { agent = context.Request.Headers.UserAgent; return Task.CompletedTask; });
        await Fetcher().FetchAsync(_server.Url("/ua.xml"), null, null, TestContext.Current.CancellationToken);
        Assert.StartsWith("Aggregator/", agent);
    }

    /// <summary>Passes responses through, counting the body bytes the caller reads.</summary>
    private sealed class CountingHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        private long _bytesRead;

        public long BytesRead => Interlocked.Read(ref _bytesRead);

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            var original = response.Content;
            var counted = new StreamContent(new CountingStream(await original.ReadAsStreamAsync(cancellationToken), n => Interlocked.Add(ref _bytesRead, n)));
            foreach (var header in original.Headers) counted.Headers.TryAddWithoutValidation(header.Key, header.Value);
            response.Content = counted;
            return response;
        }
    }

    private sealed class CountingStream(Stream inner, Action<int> onRead) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) { var n = inner.Read(buffer, offset, count); onRead(n); return n; }
        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var n = await inner.ReadAsync(buffer, cancellationToken);
            onRead(n);
            return n;
        }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        protected override void Dispose(bool disposing) { if (disposing) inner.Dispose(); base.Dispose(disposing); }
    }
}
