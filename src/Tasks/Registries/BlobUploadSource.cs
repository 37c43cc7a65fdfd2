using System.Net.Http.Headers;

namespace Containerize.Registries;

/// <summary>
/// The content of a blob being uploaded, handed to requests as streamed ranges (the whole blob for a monolithic
/// upload, chunks otherwise) without holding it in memory. The source is opened once and read front to back; a range
/// that must be sent again (after a re-authentication) seeks back, or opens the source anew and skips ahead.
/// </summary>
internal sealed class BlobUploadSource(Func<Stream> open, Action<int> sent) : IDisposable
{
    private Stream? stream;
    private long position;

    /// <summary>Set when reading the source itself failed: a local fault, not the network's, so not worth a retry.</summary>
    public Exception? Failure { get; private set; }

    public HttpContent Content(long offset, long length)
    {
        var content = new StreamContent(new Range(this, offset, length));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        content.Headers.ContentLength = length;
        return content;
    }

    public void Dispose() => stream?.Dispose();

    private async ValueTask<int> ReadAsync(long offset, Memory<byte> buffer, CancellationToken cancellation)
    {
        try
        {
            var source = At(offset);
            var read = await source.ReadAsync(buffer, cancellation);
            return Advance(read, buffer.Length);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            Failure ??= exception;
            throw;
        }
    }

    private int Read(long offset, Span<byte> buffer)
    {
        try
        {
            return Advance(At(offset).Read(buffer), buffer.Length);
        }
        catch (Exception exception)
        {
            Failure ??= exception;
            throw;
        }
    }

    private int Advance(int read, int wanted)
    {
        if (read == 0 && wanted > 0)
        {
            throw new EndOfStreamException("The blob's content ended before the size it was uploaded with.");
        }

        position += read;
        sent(read);
        return read;
    }

    private Stream At(long offset)
    {
        if (stream is not null && position == offset)
        {
            return stream;
        }

        if (stream is { CanSeek: true })
        {
            stream.Position = offset;
            position = offset;
            return stream;
        }

        stream?.Dispose();
        stream = open();
        if (stream.CanSeek)
        {
            stream.Position = offset;
        }
        else
        {
            var skip = new byte[81920];
            for (var left = offset; left > 0;)
            {
                var read = stream.Read(skip, 0, (int)Math.Min(skip.Length, left));
                if (read == 0)
                {
                    throw new EndOfStreamException("The blob's content ended before the size it was uploaded with.");
                }

                left -= read;
            }
        }

        position = offset;
        return stream;
    }

    /// <summary>A read-only view of <c>length</c> bytes from <c>start</c>; disposing it leaves the source open.</summary>
    private sealed class Range(BlobUploadSource owner, long start, long length) : Stream
    {
        private long consumed;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => length;

        public override long Position
        {
            get => consumed;
            set => throw new NotSupportedException();
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var wanted = (int)Math.Min(buffer.Length, length - consumed);
            if (wanted == 0)
            {
                return 0;
            }

            var read = await owner.ReadAsync(start + consumed, buffer[..wanted], cancellationToken);
            consumed += read;
            return read;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var wanted = (int)Math.Min(buffer.Length, length - consumed);
            if (wanted == 0)
            {
                return 0;
            }

            var read = owner.Read(start + consumed, buffer[..wanted]);
            consumed += read;
            return read;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
