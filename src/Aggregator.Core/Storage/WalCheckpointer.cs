using System.Diagnostics;
using Dapper;
using Microsoft.Data.Sqlite;

namespace Aggregator.Storage;

/// <summary>Copies committed pages from the write-ahead log into the database file on a thread of its own.
/// SQLite's automatic checkpoint runs inside the commit that crosses its threshold, where it stopped the
/// single writer: half the commit time of a first poll cycle. Our connections turn it off
/// (<c>wal_autocheckpoint = 0</c>) and each commit asks for a PASSIVE checkpoint here instead, one at a time
/// and at most one per <see cref="Interval"/>. PASSIVE waits for neither the writer nor readers; what it
/// cannot copy yet stays in the log, where readers see it, until the next one.</summary>
public sealed class WalCheckpointer(Func<CancellationToken, Task<SqliteConnection>> open)
{
    /// <summary>Each checkpoint syncs both files, so not one per commit: a quarter of a second of busy
    /// writing is about 20 MB of log in a first poll cycle.</summary>
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);

    /// <summary>Log size (4 KiB pages) past which a checkpoint also starts the log over: 32 MiB.</summary>
    private const long RestartFrames = 8192;

    private readonly SemaphoreSlim _oneAtATime = new(1, 1);
    private int _pending;
    private long _lastStarted;

    public void AfterCommit()
    {
        // One checkpoint waiting is enough: it copies whatever has been committed by the time it runs.
        if (Interlocked.Exchange(ref _pending, 1) == 1) return;
        _ = Task.Run(CheckpointAsync);
    }

    private async Task CheckpointAsync()
    {
        await _oneAtATime.WaitAsync();
        try
        {
            var wait = Interval - Stopwatch.GetElapsedTime(Volatile.Read(ref _lastStarted));
            if (wait > TimeSpan.Zero) await Task.Delay(wait);
            Volatile.Write(ref _pending, 0); // commits from here on need the next checkpoint
            Volatile.Write(ref _lastStarted, Stopwatch.GetTimestamp());
            await using var connection = await open(CancellationToken.None);
            var (_, frames, _) = await connection.QuerySingleAsync<(long Busy, long Log, long Copied)>("PRAGMA wal_checkpoint(PASSIVE);");
            // A writer that never pauses never finds the log fully copied, which is when SQLite starts it over
            // from the top: it grew to 4 GB in a 10,000-feed first cycle. RESTART copies the few pages committed
            // since and makes the next writer start the log over; it holds writers back meanwhile, so it waits
            // for slow readers only briefly, and tries again next time.
            if (frames > RestartFrames)
                await connection.ExecuteAsync("PRAGMA busy_timeout = 100; PRAGMA wal_checkpoint(RESTART);");
        }
        catch (SqliteException)
        {
            // Nothing is lost: the pages stay in the log and the next checkpoint copies them.
        }
        finally
        {
            _oneAtATime.Release();
        }
    }
}
