using System.Buffers;

namespace Aggregator.Fetching;

/// <summary>A fetched body, held in a buffer borrowed from the shared pool until it is parsed; dispose it then.
/// A body waiting for its turn to be parsed would otherwise be a fresh array the collector copies from
/// generation to generation (a poll cycle fetches far more bodies than it parses at once).</summary>
public sealed class FeedBody : IDisposable
{
    private readonly int _length;
    private byte[]? _buffer;

    internal FeedBody(byte[] buffer, int length)
    {
        _buffer = buffer;
        _length = length;
    }

    public ReadOnlyMemory<byte> Memory => (_buffer ?? throw new ObjectDisposedException(nameof(FeedBody))).AsMemory(0, _length);

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _buffer, null) is { } buffer) ArrayPool<byte>.Shared.Return(buffer);
    }
}
