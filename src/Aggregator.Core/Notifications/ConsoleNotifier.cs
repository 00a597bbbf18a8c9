namespace Aggregator.Notifications;

/// <summary>Prints alerts as readable blocks. The notifier used when none is configured, so a first run
/// shows its matches instead of storing them silently.</summary>
public sealed class ConsoleNotifier : INotifier
{
    private readonly TextWriter _output;

    /// <param name="output">Standard output when null. Wrapped so concurrent sends never interleave lines.</param>
    public ConsoleNotifier(string name, TextWriter? output = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Name = name;
        _output = TextWriter.Synchronized(output ?? Console.Out);
    }

    public string Name { get; }

    public static string Format(Alert alert)
    {
        var heading = alert.IsOperational
            ? $"=== [Aggregator] operational: {alert.Problem} ({alert.State}) "
            : $"=== Match for rule '{AlertText.OneLine(alert.Rule)}' in {AlertText.OneLine(alert.Feed)} ";
        return heading + new string('=', Math.Max(3, 72 - heading.Length)) + Environment.NewLine
            + AlertText.Render(alert).ReplaceLineEndings() + Environment.NewLine;
    }

    public static string Format(Digest digest)
    {
        var heading = $"=== Digest for rule '{AlertText.OneLine(digest.Rule)}': {digest.Summary} ";
        var text = new System.Text.StringBuilder(heading + new string('=', Math.Max(3, 72 - heading.Length)) + "\n");
        foreach (var alert in digest.Alerts)
            text.Append("* ").Append(AlertText.DigestItem(alert).Replace("\n", "\n  ").TrimEnd()).Append('\n');
        return text.ToString().ReplaceLineEndings();
    }

    public Task<DeliveryOutcome> SendAsync(Alert alert, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(alert);
        return WriteAsync(Format(alert), cancellationToken);
    }

    public Task<DeliveryOutcome> SendDigestAsync(Digest digest, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(digest);
        return WriteAsync(Format(digest), cancellationToken);
    }

    private async Task<DeliveryOutcome> WriteAsync(string block, CancellationToken cancellationToken)
    {
        try
        {
            // One write per block: with the synchronized writer no other alert can land in the middle.
            await _output.WriteAsync(block.AsMemory(), cancellationToken);
            await _output.FlushAsync(cancellationToken);
            return DeliveryOutcome.Delivered;
        }
        catch (IOException exception)
        {
            // stdout closed or a full disk behind a redirect; the operator may fix it, so not permanent.
            return DeliveryOutcome.Retry($"console: cannot write: {exception.Message}");
        }
    }
}
