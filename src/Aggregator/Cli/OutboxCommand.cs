using System.CommandLine;
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
                if (parse.GetValue(json))
                    JsonLines.Write(new { row.Id, row.Notifier, row.Status, row.Attempts, row.NextAttemptAt, row.LastError, row.CreatedAt, row.DeliveredAt, row.DigestKey, row.Held });
                else
                    Console.WriteLine($"{row.Id}  {row.Notifier,-10} {row.Status,-9} attempts {row.Attempts}  created {row.CreatedAt:yyyy-MM-dd HH:mm}Z" +
                        (row.Status == OutboxStatus.Pending ? $"  next {row.NextAttemptAt:yyyy-MM-dd HH:mm}Z" : "") +
                        (row.DigestKey is null ? "" : $"{Environment.NewLine}    digest: {row.DigestKey}") +
                        (row.Held is null || row.Status != OutboxStatus.Pending ? "" : $"{Environment.NewLine}    held: {Held(row.Held)} until {row.NextAttemptAt:yyyy-MM-dd HH:mm}Z, then sent in one digest") +
                        (row.LastError is null ? "" : $"{Environment.NewLine}    last error: {row.LastError}"));
            }
            return ExitCodes.Ok;
        }));

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
}
