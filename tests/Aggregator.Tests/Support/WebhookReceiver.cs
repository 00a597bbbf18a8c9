using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Aggregator.Tests.Support;

/// <summary>A real HTTP endpoint on loopback (Kestrel, port 0) that records every request and answers from
/// a script: queued responses first (e.g. 500, 500, 200), then <see cref="Responder"/> if set, else
/// <see cref="Default"/> (200).</summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Queue<ScriptedResponse> _queue = new();
    private readonly List<ReceivedRequest> _requests = [];
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private WebhookReceiver()
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        _app = builder.Build();
        _app.Run(HandleAsync);
    }

    /// <summary>Base address plus "/hook"; any path is accepted and recorded.</summary>
    public string Url { get; private set; } = "";

    /// <summary>Answer once the queue is empty and no <see cref="Responder"/> is set.</summary>
    public ScriptedResponse Default { get; set; } = ScriptedResponse.Ok;

    /// <summary>Computes the answer from the request (when the queue is empty).</summary>
    public Func<ReceivedRequest, ScriptedResponse>? Responder { get; set; }

    public IReadOnlyList<ReceivedRequest> Requests
    {
        get
        {
            lock (_requests)
                return [.. _requests];
        }
    }

    public static async Task<WebhookReceiver> StartAsync()
    {
        var receiver = new WebhookReceiver();
        await receiver._app.StartAsync();
        var address = receiver._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        receiver.Url = address.TrimEnd('/') + "/hook";
        return receiver;
    }

    /// <summary>Answers the next requests with these, in order.</summary>
    public void Enqueue(params ScriptedResponse[] responses)
    {
        lock (_queue)
            foreach (var response in responses)
                _queue.Enqueue(response);
    }

    /// <summary>Waits until at least <paramref name="count"/> requests arrived; throws when they do not.</summary>
    public async Task<IReadOnlyList<ReceivedRequest>> WaitForRequestsAsync(int count, TimeSpan timeout)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (true)
        {
            Task changed;
            lock (_requests)
            {
                if (_requests.Count >= count)
                    return [.. _requests];
                changed = _changed.Task;
            }
            var left = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), deadline);
            if (left <= TimeSpan.Zero)
                throw new TimeoutException($"Webhook receiver {Url}: expected {count} request(s) within {timeout.TotalSeconds} s, got {Requests.Count}");
            await Task.WhenAny(changed, Task.Delay(left));
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _app.StopAsync();
        await _app.DisposeAsync();
        _stopping.Dispose();
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body, context.RequestAborted);
        var headers = context.Request.Headers.ToDictionary(
            header => header.Key, header => header.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        var request = new ReceivedRequest(
            context.Request.Method,
            context.Request.Path.Value ?? "",
            context.Request.QueryString.Value ?? "",
            headers,
            body.ToArray(),
            DateTimeOffset.UtcNow);

        ScriptedResponse response;
        lock (_queue)
            response = _queue.TryDequeue(out var queued) ? queued : Responder?.Invoke(request) ?? Default;
        lock (_requests)
        {
            _requests.Add(request);
            _changed.TrySetResult();
            _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        using var abort = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _stopping.Token);
        try
        {
            if (response.Hang)
                await Task.Delay(Timeout.Infinite, abort.Token);
            if (response.Delay > TimeSpan.Zero)
                await Task.Delay(response.Delay, abort.Token);
        }
        catch (OperationCanceledException)
        {
            context.Abort();
            return;
        }

        context.Response.StatusCode = response.Status;
        foreach (var (name, value) in response.Headers ?? new Dictionary<string, string>())
            context.Response.Headers[name] = value;
        if (response.Body is not null)
            await context.Response.WriteAsync(response.Body, context.RequestAborted);
    }
}
