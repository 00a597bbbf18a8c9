using System.Net;
using System.Text.Json;
using Aggregator.Monitoring;
using Aggregator.Refreshing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Prometheus;

namespace Aggregator.Health;

/// <summary>The service's optional HTTP listener (Aggregator:Health): GET /healthz, the service's state as JSON (503 when
/// the scheduler has stalled), and GET /metrics in Prometheus text format. Kestrel, in a small web host of its own
/// started beside the service: the other commands never load it.</summary>
public sealed partial class HealthServer(HealthCheck health, AggregatorMetrics metrics, IOptions<HealthOptions> options,
    IOptions<PollingOptions> polling, ILogger<HealthServer> logger) : IHostedService, IAsyncDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    private WebApplication? _app;

    /// <summary>How long without a poll cycle starting means the scheduler is stuck.</summary>
    public TimeSpan StallAfter => options.Value.StallAfter ?? polling.Value.Tick * 5;

    /// <summary>Where it listens once started (the port is the one given, or the one chosen for port 0).</summary>
    public Uri? Address => _app is null ? null : new Uri(_app.Urls.First());

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.Enabled) return;
        metrics.IncludeProcessMetrics();
        var url = new Uri(options.Value.Url);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel =>
        {
            if (url.Host is "localhost") kestrel.ListenLocalhost(url.Port);
            else if (IPAddress.TryParse(url.Host.Trim('[', ']'), out var address)) kestrel.Listen(address, url.Port);
            else kestrel.ListenAnyIP(url.Port);
        });
        _app = builder.Build();
        _app.MapGet("/healthz", HealthzAsync);
        _app.MapGet("/metrics", MetricsAsync);
        try
        {
            await _app.StartAsync(cancellationToken);
        }
        catch (IOException ex)
        {
            // A port in use must not stop the service from polling: say so, and run without the endpoint.
            LogNotStarted(options.Value.Url, ex.Message);
            await _app.DisposeAsync();
            _app = null;
            return;
        }
        LogListening(Address!.ToString());
    }

    private async Task HealthzAsync(HttpContext context)
    {
        var report = await health.ReadAsync(StallAfter, context.RequestAborted);
        context.Response.StatusCode = report.Stalled ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status200OK;
        context.Response.ContentType = "application/json; charset=utf-8";
        await JsonSerializer.SerializeAsync(context.Response.Body, new
        {
            status = report.Stalled ? "stalled" : report.Ready ? "ok" : "starting",
            ready = report.Ready,
            startedAt = report.StartedAt,
            lastCycleStart = report.LastCycleStart,
            lastCycleEnd = report.LastCycleEnd,
            cycleRunning = report.CycleRunning,
            stallAfterSeconds = report.StallAfter.TotalSeconds,
            feeds = report.Feeds,
            outbox = new { pending = report.OutboxPending, dead = report.OutboxDead, oldestPending = report.OldestPending },
            // PostgreSQL: who this node is and the nodes it sees; null on SQLite.
            cluster = report.Nodes is null ? null : new
            {
                node = report.Node,
                nodes = report.Nodes.Select(n => new
                {
                    id = n.Id,
                    host = n.Host,
                    state = n.State,
                    lastHeartbeat = n.LastHeartbeatAt,
                    feedsPolledLastHour = n.FeedsPolled,
                    alertsSentLastHour = n.AlertsSent,
                }),
            },
        }, Json, context.RequestAborted);
    }

    private async Task MetricsAsync(HttpContext context)
    {
        metrics.Update(await health.ReadAsync(StallAfter, context.RequestAborted));
        context.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
        await metrics.Registry.CollectAndExportAsTextAsync(context.Response.Body, ExpositionFormat.PrometheusText, context.RequestAborted);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_app is not null) await _app.StopAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null) await _app.DisposeAsync();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Health endpoint listening on {Url} (/healthz, /metrics)")]
    private partial void LogListening(string url);

    [LoggerMessage(Level = LogLevel.Error, Message = "Health endpoint not started on {Url} ({Reason}); the service runs without it: free the port or change Aggregator:Health:Url")]
    private partial void LogNotStarted(string url, string reason);
}
