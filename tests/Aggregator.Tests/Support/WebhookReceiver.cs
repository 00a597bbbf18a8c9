using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Aggregator.Tests.Support;

/// <summary>A real HTTP webhook receiver on loopback. Records every request and answers 200, or what
/// the test queued (statuses, a Retry-After, a hang).</summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    public sealed record Request(IReadOnlyDictionary<string, string> Headers, string Body, int Status, DateTimeOffset At);

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<Request> _requests = new();
    private readonly ConcurrentQueue<Func<HttpContext, Task>> _responses = new();

    private WebhookReceiver(WebApplication app)
    {
        _app = app;
        app.Run(ReceiveAsync);
    }

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(System.Net.IPAddress.Loopback, 0));
        var receiver = new WebhookReceiver(builder.Build());
        await receiver._app.StartAsync();
        return receiver;
    }

    public Uri Url => new(new Uri(_app.Urls.First()), "/hook");

    public IReadOnlyList<Request> Requests => _requests.ToArray();

    /// <summary>The next requests get these statuses, in order; then 200 again.</summary>
    public void RespondWith(params int[] statuses)
    {
        foreach (var status in statuses) _responses.Enqueue(context => { context.Response.StatusCode = status; return Task.CompletedTask; });
    }

    /// <summary>The next request gets this response; then 200 again.</summary>
    public void RespondWith(Func<HttpContext, Task> response) => _responses.Enqueue(response);

    public async Task<IReadOnlyList<Request>> WaitForRequestsAsync(int count, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (_requests.Count < count && DateTime.UtcNow < deadline) await Task.Delay(50);
        return Requests;
    }

    private async Task ReceiveAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body);
        var body = await reader.ReadToEndAsync();
        if (_responses.TryDequeue(out var respond)) await respond(context);
        else context.Response.StatusCode = 200;
        var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        _requests.Enqueue(new Request(headers, body, context.Response.StatusCode, DateTimeOffset.UtcNow));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
