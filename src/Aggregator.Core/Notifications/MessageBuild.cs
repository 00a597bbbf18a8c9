namespace Aggregator.Notifications;

/// <summary>Builds a notifier's message within what is left of the delivery's time budget.</summary>
public static class MessageBuild
{
    /// <summary>Runs <paramref name="build"/> on the thread pool and waits for it until <paramref name="budget"/>
    /// is cancelled. Building cannot be interrupted (HtmlSanitizer takes no token), so one that overruns is
    /// left to finish on its own and its result dropped; <see cref="EntryHtml"/>'s limits keep that short.</summary>
    /// <returns>The message, or null when the budget ran out first.</returns>
    public static async Task<T?> WithinAsync<T>(Func<T> build, CancellationToken budget) where T : class
    {
        var building = Task.Run(build, CancellationToken.None);
        try
        {
            return await building.WaitAsync(budget);
        }
        catch (OperationCanceledException) when (budget.IsCancellationRequested)
        {
            return building.IsCompletedSuccessfully ? building.Result : null;
        }
    }
}
