namespace Aggregator.Notifications;

/// <summary>Only one process delivers from a database at a time: `aggregator poll` run while the service
/// runs would otherwise pick the same due rows and send them twice. An exclusive lock on a file beside the
/// database (flock on Unix); the operating system drops it when the holder dies, even by SIGKILL, so a
/// crash never leaves the outbox locked.</summary>
public sealed class DeliveryLock : IDisposable
{
    private readonly FileStream _file;

    private DeliveryLock(FileStream file) => _file = file;

    /// <returns>The held lock, or null when another process holds it.</returns>
    public static DeliveryLock? TryAcquire(string databasePath)
    {
        try
        {
            return new DeliveryLock(new FileStream(databasePath + ".delivery-lock", FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
        }
        catch (IOException)
        {
            return null;
        }
    }

    public void Dispose() => _file.Dispose();
}
