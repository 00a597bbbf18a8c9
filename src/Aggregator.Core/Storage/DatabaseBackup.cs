using Dapper;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Aggregator.Storage;

/// <summary>Copies the database to another file through SQLite's online backup API, while the service may be writing.
/// The copy reads one snapshot inside a read transaction of its own connection: under WAL that never blocks the writer
/// (the service's polls go on), and it never takes our single writer slot, so a long copy holds up nothing. The snapshot
/// keeps the log from starting over until the copy ends; the checkpointer cuts it back afterwards.</summary>
public sealed class DatabaseBackup(Database database)
{
    /// <summary>Pages copied per step (4 MiB of 4 KiB pages): between steps the caller hears how far it got.</summary>
    private const int PagesPerStep = 1024;

    /// <summary>Writes the backup to a temporary file beside <paramref name="destination"/>, checks it, and renames it into
    /// place: a failed or interrupted backup never leaves a half-written file under the name given.</summary>
    /// <param name="progress">Called after each step with pages copied and pages in all.</param>
    /// <returns>The copy's size in bytes.</returns>
    /// <exception cref="IOException">The destination exists, or cannot be written; the message says which.</exception>
    public async Task<long> CopyToAsync(string destination, Action<long, long>? progress = null, CancellationToken cancellationToken = default)
    {
        if (database is not SqliteDatabase sqlite)
            throw new IOException($"backup copies a SQLite file; {database.Name} is PostgreSQL: use pg_dump (or the server's own backups)");
        var target = Path.GetFullPath(destination);
        if (File.Exists(target)) throw new IOException($"{destination} already exists; give a new file name, or delete it first");
        var folder = Path.GetDirectoryName(target)!;
        if (!Directory.Exists(folder)) throw new IOException($"the folder {folder} does not exist; create it first");
        var temporary = Path.Combine(folder, $".{Path.GetFileName(target)}.{Environment.ProcessId}.partial");
        try
        {
            await using (var source = (SqliteConnection)await sqlite.OpenAsync(cancellationToken))
            await using (var copy = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = temporary, Pooling = false }.ToString()))
            {
                await copy.OpenAsync(cancellationToken);
                // One read transaction for every step: each step then reads the same snapshot, where a step outside one
                // would see the service's latest commit and start the copy over (sqlite3_backup_step restarts when the
                // source changes between steps).
                await using var snapshot = source.BeginTransaction(deferred: true);
                await source.ExecuteScalarAsync<long>("SELECT count(*) FROM sqlite_master", transaction: snapshot);
                var backup = raw.sqlite3_backup_init(copy.Handle, "main", source.Handle, "main");
                if (backup is null) SqliteException.ThrowExceptionForRC(raw.sqlite3_errcode(copy.Handle), copy.Handle);
                try
                {
                    while (true)
                    {
                        cancellationToken.ThrowIfCancellationRequested();
                        var rc = raw.sqlite3_backup_step(backup, PagesPerStep);
                        long total = raw.sqlite3_backup_pagecount(backup);
                        progress?.Invoke(total - raw.sqlite3_backup_remaining(backup), total);
                        if (rc == raw.SQLITE_DONE) break;
                        if (rc is not (raw.SQLITE_OK or raw.SQLITE_BUSY or raw.SQLITE_LOCKED))
                            SqliteException.ThrowExceptionForRC(rc, copy.Handle);
                    }
                }
                finally
                {
                    raw.sqlite3_backup_finish(backup);
                }
                await snapshot.CommitAsync(cancellationToken);
                // The copy is one self-contained file: out of WAL mode, so no -wal file is needed beside it.
                await copy.ExecuteAsync("PRAGMA journal_mode = DELETE;");
                var check = await copy.ExecuteScalarAsync<string>("PRAGMA quick_check;");
                if (check != "ok") throw new IOException($"the copy failed its check ({check}); the database itself may be damaged: run `sqlite3 {sqlite.Path} 'PRAGMA integrity_check'`");
            }
            File.Move(temporary, target);
            return new FileInfo(target).Length;
        }
        finally
        {
            foreach (var leftover in new[] { temporary, temporary + "-journal", temporary + "-wal", temporary + "-shm" })
                File.Delete(leftover);
        }
    }
}
