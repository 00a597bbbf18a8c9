using System.CommandLine;
using Aggregator.Notifications;
using Aggregator.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Aggregator.Cli;

internal static class OutboxCommand
{
    public static Command Create()
    {
        var failed = new Option<bool>("--failed") { Description = "Only dead-lettered deliveries and those waiting for a retry" };
        var json = new Option<bool>("--json") { Description = "One JSON object per delivery and line" };
        var limit = EntriesCommand.Limit("At most this many", 100);
        var command = new Command("outbox", "List alert deliveries and their state") { failed, json, limit };
        command.SetAction((parse, cancellationToken) => AppHost.RunAsync(parse, CommandKind.Reads, cancellationToken, async host =>
        {
            var rows = await host.Services.GetRequiredService<OutboxStore>().ListAsync(parse.GetValue(failed), parse.GetValue(limit), cancellationToken);
            foreach (var row in rows)
            {
                var about = About(row);
                if (parse.GetValue(json))
                    JsonLines.Write(new
                    {
                        row.Id, row.Notifier, row.Status, row.Attempts, row.NextAttemptAt, row.LastError, row.CreatedAt, row.DeliveredAt, row.DigestKey, row.Held,
                        about.Kind, about.Rule, about.Feed, about.Title, about.Problem, about.Subject,
                    });
                else
                    Console.WriteLine($"{row.Id}  {row.Notifier,-10} {row.Status,-9} attempts {row.Attempts}  created {row.CreatedAt:yyyy-MM-dd HH:mm}Z" +
                        (row.Status == OutboxStatus.Pending ? $"  next {row.NextAttemptAt:yyyy-MM-dd HH:mm}Z" : "") +
                        $"{Environment.NewLine}    {about.Line}" +
                        (row.DigestKey is null ? "" : $"{Environment.NewLine}    digest: {row.DigestKey}") +
                        (row.Held is null || row.Status != OutboxStatus.Pending ? "" : $"{Environment.NewLine}    held: {Held(row.Held)} until {row.NextAttemptAt:yyyy-MM-dd HH:mm}Z, then sent in one digest") +
                        (row.LastError is null ? "" : $"{Environment.NewLine}    last error: {row.LastError}"));
            }
            return ExitCodes.Ok;
        }));

        var showId = new Argument<string>("id") { Description = "The delivery id (first column of `aggregator outbox`)" };
        var showJson = new Option<bool>("--json") { Description = "The delivery and its attempts as one JSON object" };
        var show = new Command("show", "One delivery: what it carries, where it stands, and every attempt made") { showId, showJson };
        show.SetAction((parse, cancellationToken) => AppHost.RunAsync(parse, CommandKind.Reads, cancellationToken, async host =>
        {
            var store = host.Services.GetRequiredService<OutboxStore>();
            var target = parse.GetValue(showId)!;
            if (await store.GetAsync(target, cancellationToken) is not { } row)
            {
                await Console.Error.WriteLineAsync($"No delivery with id {target}; `aggregator outbox` lists them.");
                return ExitCodes.Failure;
            }
            var attempts = await store.GetAttemptsAsync(row.Id, cancellationToken);
            var about = About(row);
            if (parse.GetValue(showJson))
            {
                JsonLines.Write(new
                {
                    row.Id, row.Status, about.Kind, about.Rule, about.Feed, about.Title, about.Problem, about.Subject, row.Notifier, row.Attempts,
                    NextAttemptAt = row.Status == OutboxStatus.Pending ? row.NextAttemptAt : (DateTimeOffset?)null,
                    row.CreatedAt, row.DeliveredAt, row.DigestKey, row.LastError,
                    History = attempts.Select(a => new { a.AttemptedAt, a.Outcome, a.Error, a.Node }),
                });
                return ExitCodes.Ok;
            }
            Console.WriteLine($"Delivery:     {row.Id}");
            Console.WriteLine($"Status:       {row.Status}");
            if (about.Kind == Alert.OperationalKind)
            {
                Console.WriteLine($"Operational:  {about.Problem} ({about.State}) {about.Subject}");
                Console.WriteLine($"Title:        {about.Title}");
            }
            else
            {
                Console.WriteLine($"Rule:         {about.Rule}");
                Console.WriteLine($"Feed:         {about.Feed}");
                Console.WriteLine($"Entry:        {about.Title}");
            }
            Console.WriteLine($"Notifier:     {row.Notifier}");
            Console.WriteLine($"Attempts:     {row.Attempts}");
            if (row.Status == OutboxStatus.Pending) Console.WriteLine($"Next attempt: {row.NextAttemptAt:yyyy-MM-dd HH:mm:ss}Z");
            Console.WriteLine($"Queued:       {row.CreatedAt:yyyy-MM-dd HH:mm:ss}Z");
            if (row.DeliveredAt is { } delivered) Console.WriteLine($"Delivered:    {delivered:yyyy-MM-dd HH:mm:ss}Z");
            if (row.DigestKey is not null) Console.WriteLine($"Digest:       {row.DigestKey}");
            if (row.LastError is not null) Console.WriteLine($"Last error:   {row.LastError}");
            Console.WriteLine(attempts.Count == 0 ? "No attempt recorded yet." : "Attempts:");
            foreach (var attempt in attempts)
                Console.WriteLine($"  {attempt.AttemptedAt:yyyy-MM-dd HH:mm:ss}Z  {attempt.Outcome,-9}" +
                    (attempt.Node is null ? "" : $" on {attempt.Node}") + (attempt.Error is null ? "" : $"  {attempt.Error}"));
            return ExitCodes.Ok;
        }));
        command.Subcommands.Add(show);

        var id = new Argument<string?>("id") { Description = "The delivery id to requeue", Arity = ArgumentArity.ZeroOrOne };
        var all = new Option<bool>("--all") { Description = "Requeue every dead delivery and every one waiting for a retry" };
        var retry = new Command("retry", "Send a dead delivery, or one waiting for a retry after a failure, again now " +
            "(open digests and held alerts keep their time)") { id, all };
        retry.SetAction(async (parse, cancellationToken) =>
        {
            var target = parse.GetValue(id);
            if (target is null == !parse.GetValue(all))
            {
                await Console.Error.WriteLineAsync("Give either a delivery id or --all (see `aggregator outbox --failed`).");
                return ExitCodes.BadConfig;
            }
            return await AppHost.RunAsync(parse, CommandKind.Reads, cancellationToken, async host =>
            {
                var count = await host.Services.GetRequiredService<OutboxStore>().RequeueAsync(target, host.Services.GetRequiredService<TimeProvider>().GetUtcNow(), cancellationToken);
                Console.WriteLine(count == 0 && target is not null ? $"No dead or failed delivery with id {target} (an open digest or a held alert waits for its time)." : $"{count} deliveries requeued; they go out on the next poll or service tick.");
                return count == 0 && target is not null ? ExitCodes.Failure : ExitCodes.Ok;
            });
        });
        command.Subcommands.Add(retry);
        return command;
    }

    private static string Held(string held) => held switch
    {
        "limit" => "over the rule's limit",
        "quiet" => "quiet hours",
        _ => held,
    };

    /// <summary>What a delivery is about, read from the alert it carries (fixed when it was queued): the rule, feed and
    /// entry title of a match; the problem and subject of an operational alert.</summary>
    private sealed record Subjects(string Kind, string? Rule, string? Feed, string? Title, string? Problem, string? State, string? Subject)
    {
        public string Line => Kind == Alert.OperationalKind
            ? $"operational {Problem} ({State}): {Subject} · {Title}"
            : $"{Rule} · {Feed} · {Title ?? "(untitled entry)"}";
    }

    private static Subjects About(OutboxRow row)
    {
        Alert alert;
        try
        {
            alert = AlertJson.Deserialize(row.Payload);
        }
        catch (System.Text.Json.JsonException)
        {
            return new Subjects("match", null, null, null, null, null, null); // a payload written by hand (tests, repairs)
        }
        return alert.IsOperational
            ? new Subjects(Alert.OperationalKind, null, alert.Feed == "Aggregator" ? null : alert.Feed, AlertText.Title(alert), alert.Problem, alert.State, alert.Subject)
            : new Subjects("match", alert.Rule, alert.Feed, alert.Title, null, null, null);
    }
}
