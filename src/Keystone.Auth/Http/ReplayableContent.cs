using System.Net;

namespace Keystone.Auth.Http;

/// <summary>
/// Wraps a body that cannot be sent twice (a forward-only stream) and keeps a
/// copy of the bytes WHILE they stream out, up to a bound. Nothing waits for the
/// whole body before the first byte is sent; a body that outgrows the bound loses
/// its copy at once (so a 2 GB upload costs at most the bound) and can then not
/// be resent.
/// </summary>
internal sealed class ReplayableContent : HttpContent
{
    private const int NotStarted = 0;
    private const int Streaming = 1;
    private const int Complete = 2;
    private const int Lost = 3;

    private readonly HttpContent _inner;
    private readonly long _limit;
    private List<byte[]>? _copy = [];
    private long _copied;
    private int _state;

    public ReplayableContent(HttpContent inner, long limit)
    {
        _inner = inner;
        _limit = limit;
        foreach (var header in inner.Headers)
        {
            // Content-Length comes from TryComputeLength, so it is never stated twice.
            if (!string.Equals(header.Key, "Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                Headers.TryAddWithoutValidation(header.Key, header.Value);
            }
        }
    }

    /// <summary>True while the body can still be sent (again): never read yet, or read whole into the copy.</summary>
    public bool CanReplay => Volatile.Read(ref _state) is NotStarted or Complete;

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        var state = Interlocked.CompareExchange(ref _state, Streaming, NotStarted);
        if (state == Complete)
        {
            foreach (var chunk in _copy!)
            {
                await stream.WriteAsync(chunk, cancellationToken).ConfigureAwait(false);
            }

            return;
        }

        if (state != NotStarted)
        {
            throw new InvalidOperationException("The request body was already streamed and was larger than KeystoneSessionOptions.MaxBufferedContentBytes, so it cannot be sent again.");
        }

        try
        {
            var tee = new TeeStream(stream, this);
            await using (tee.ConfigureAwait(false))
            {
                await _inner.CopyToAsync(tee, context, cancellationToken).ConfigureAwait(false);
            }

            Volatile.Write(ref _state, _copy is null ? Lost : Complete);
        }
        catch
        {
            _copy = null;
            Volatile.Write(ref _state, Lost);
            throw;
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        var known = _inner.Headers.ContentLength;
        length = known ?? 0;
        return known.HasValue;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _copy = null;
            _inner.Dispose();
        }

        base.Dispose(disposing);
    }

    private void Record(ReadOnlySpan<byte> bytes)
    {
        if (_copy is null || bytes.IsEmpty)
        {
            return;
        }

        if (_copied + bytes.Length > _limit)
        {
            // Over the bound: drop the copy now rather than hold it to the end.
            _copy = null;
            return;
        }

        _copy.Add(bytes.ToArray());
        _copied += bytes.Length;
    }

    /// <summary>Write-only: forwards every write to the wire and records it.</summary>
    private sealed class TeeStream(Stream target, ReplayableContent owner) : Stream
    {
        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            owner.Record(buffer);
            target.Write(buffer);
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            owner.Record(buffer.Span);
            return target.WriteAsync(buffer, cancellationToken);
        }

        public override void Flush() => target.Flush();

        public override Task FlushAsync(CancellationToken cancellationToken) => target.FlushAsync(cancellationToken);

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
