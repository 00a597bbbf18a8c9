using Aggregator.Notifications;
using Aggregator.Tests.Support;

namespace Aggregator.Tests.Notifications;

public sealed class ConsoleNotifierTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AnAlertIsPrintedAsOneReadableBlock()
    {
        var output = new StringWriter();

        var outcome = await new ConsoleNotifier("console", output).SendAsync(AlertSamples.Typical(), Ct);

        Assert.Equal(DeliveryOutcome.Delivered, outcome);
        var lines = output.ToString().Split(Environment.NewLine);
        Assert.StartsWith("=== Match for rule 'ukraine-energy' in ISW ===", lines[0]);
        Assert.Contains("Title:     Strikes on Ukraine's power grid <update>", lines);
        Assert.Contains("Link:      https://example.org/isw/2025/05/01/grid", lines);
        Assert.Contains("Published: 2025-05-01 12:30 UTC", lines);
        Assert.Contains("Matched:   Ukraine, energy", lines);
        Assert.Contains(lines, line => line.StartsWith("Russian forces struck", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AlertsSentAtOnceDoNotInterleave()
    {
        var output = new StringWriter();
        var notifier = new ConsoleNotifier("console", output);

        await Task.WhenAll(Enumerable.Range(0, 20).Select(i =>
            Task.Run(() => notifier.SendAsync(AlertSamples.Typical($"dlv-{i}") with { Rule = $"rule-{i}" }, Ct), Ct)));

        var blocks = output.ToString().Split("=== Match for rule ", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(20, blocks.Length);
        Assert.All(blocks, block => Assert.Equal(1, block.Split("Title:").Length - 1));
    }
}
