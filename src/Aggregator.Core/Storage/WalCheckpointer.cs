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
/// <param name="writerSlot">The database's single writer slot, taken briefly to let the log start over.</param>
public sealed class WalCheckpointer(Func<CancellationToken, Task<SqliteConnection>> open, SemaphoreSlim writerSlot)
{
    /// <summary>Each checkpoint syncs both files, so not one per commit: a quarter of a second of busy
    /// writing is about 20 MB of log in a first poll cycle.</summary>
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);

    /// <summary>Log size (4 KiB pages) past which a checkpoint also starts the log over: 32 MiB.</summary>
    private const long RestartFrames = 8192;

    private const string Passive = "PRAGMA wal_checkpoint(PASSIVE);";

    private readonly SemaphoreSlim _oneAtATime = new(1, 1);
    private readonly CancellationTokenSource _stopping = new();
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
            if (wait > TimeSpan.Zero) await Task.Delay(wait, _stopping.Token);
            if (_stopping.IsCancellationRequested) return;
            Volatile.Write(ref _pending, 0); // commits from here on need the next checkpoint
            Volatile.Write(ref _lastStarted, Stopwatch.GetTimestamp());
            await using var connection = await open(CancellationToken.None);
            var (_, frames, _) = await connection.QuerySingleAsync<(long Busy, long Log, long Copied)>(Passive);
            // A writer that never pauses never finds the log fully copied, which is when SQLite starts it over
            // from the top: it grew to 4 GB in a 10,000-feed first cycle. So, past a size, the writer slot is
            // taken between two transactions while the few pages committed since are copied, and the next
            // write starts the log over. (SQLite's RESTART did the same behind the writer's back, which then
            // slept in its busy handler, 1, 2, 5, 10 ms... for longer than the copy took.) A reader still on
            // an older snapshot keeps the log from starting over; the next checkpoint tries again.
            if (frames > RestartFrames)
            {
                await writerSlot.WaitAsync();
                try
                {
                    await connection.ExecuteAsync(Passive);
                }
                finally
                {
                    writerSlot.Release();
                }
            }
        }
        catch (Exception ex) when (ex is SqliteException or OperationCanceledException)
        {
            // Nothing is lost: the pages stay in the log and the next checkpoint (or the last connection
            // to close) copies them.
        }
        finally
        {
            _oneAtATime.Release();
        }
    }

    /// <summary>Lets a checkpoint under way finish and starts no more: the database is closing, and the last
    /// connection to close copies the rest. A checkpoint still holding a connection would keep that from
    /// happening and leave the log beside the file.</summary>
    public void Stop()
    {
        _stopping.Cancel();
        _oneAtATime.Wait();
        _oneAtATime.Release();
    }
}
