namespace Aggregator.Tests.Support;

/// <summary>What <see cref="WebhookReceiver"/> answers to one request.</summary>
/// <param name="Delay">Waits this long before answering (the request is recorded at once).</param>
/// <param name="Hang">Never answers: holds the request until the client gives up or the receiver stops.</param>
public sealed record ScriptedResponse(
    int Status,
    string? Body = null,
    IReadOnlyDictionary<string, string>? Headers = null,
    TimeSpan Delay = default,
    bool Hang = false)
{
    public static ScriptedResponse Ok { get; } = new(200);

    public static ScriptedResponse Hanging { get; } = new(200, Hang: true);

    public static ScriptedResponse RetryAfter(int status, string retryAfter) =>
        new(status, Headers: new Dictionary<string, string> { ["Retry-After"] = retryAfter });

    public static implicit operator ScriptedResponse(int status) => new(status);
}
