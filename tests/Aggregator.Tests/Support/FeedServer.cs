using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Aggregator.Tests.Support;

/// <summary>A real HTTP server on loopback serving feed documents that tests change between polls.
/// It answers conditional GETs like nginx does (ETag from the content, 304 on If-None-Match), and a
/// path can be made to misbehave with a custom handler.</summary>
public sealed class FeedServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, Served> _documents = new();
    private readonly ConcurrentDictionary<string, RequestDelegate> _handlers = new();
    private readonly ConcurrentQueue<(string Path, int Status, string? IfNoneMatch, string UserAgent)> _log = new();

    private sealed record Served(byte[] Body, string ContentType, string ETag);

    private FeedServer(WebApplication app)
    {
        _app = app;
        app.Run(ServeAsync);
    }

    /// <param name="address">Where to listen: 127.0.0.1 unless given (any 127.x.y.z works on Linux).</param>
    public static async Task<FeedServer> StartAsync(System.Net.IPAddress? address = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(address ?? System.Net.IPAddress.Loopback, 0));
        var server = new FeedServer(builder.Build());
        await server._app.StartAsync();
        return server;
    }

    public Uri BaseUrl => new(_app.Urls.First());

    public Uri Url(string path) => new(BaseUrl, path);

    /// <summary>Every request so far: path, status answered, If-None-Match and User-Agent sent.</summary>
    public IReadOnlyList<(string Path, int Status, string? IfNoneMatch, string UserAgent)> Requests => _log.ToArray();

    public void Serve(string path, string body, string contentType = "application/rss+xml; charset=utf-8") =>
        _documents[path] = new Served(System.Text.Encoding.UTF8.GetBytes(body), contentType,
            "\"" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(body)))[..16] + "\"");

    /// <summary>Replaces the normal behaviour of one path (status codes, slow bodies, garbage...).</summary>
    public void Handle(string path, RequestDelegate handler) => _handlers[path] = handler;

    private async Task ServeAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "/";
        var ifNoneMatch = context.Request.Headers.IfNoneMatch.ToString();
        try
        {
            if (_handlers.TryGetValue(path, out var handler))
            {
                await handler(context);
                return;
            }
            if (!_documents.TryGetValue(path, out var served))
            {
                context.Response.StatusCode = 404;
                return;
            }
            context.Response.Headers.ETag = served.ETag;
            if (ifNoneMatch == served.ETag)
            {
                context.Response.StatusCode = 304;
                return;
            }
            context.Response.ContentType = served.ContentType;
            await context.Response.Body.WriteAsync(served.Body);
        }
        finally
        {
            _log.Enqueue((path, context.Response.StatusCode, ifNoneMatch.Length == 0 ? null : ifNoneMatch, context.Request.Headers.UserAgent.ToString()));
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
