using System.Net;
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

    /// <summary><paramref name="length"/> bytes from <paramref name="offset"/> as a request body that can be sent more than once.</summary>
    public HttpContent Content(long offset, long length) => new RangeContent(this, offset, length);

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

    /// <summary>
    /// <c>length</c> bytes from <c>start</c> as a request body, read from the source each time it is sent (so a request
    /// sent again after a 401 sends them again), never buffered; asynchronously only, as the registry client sends.
    /// Disposing it leaves the source open.
    /// </summary>
    private sealed class RangeContent : HttpContent
    {
        private const int BufferSize = 81920;
        private readonly BlobUploadSource owner;
        private readonly long start;
        private readonly long length;

        public RangeContent(BlobUploadSource owner, long start, long length)
        {
            this.owner = owner;
            this.start = start;
            this.length = length;
            Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            Headers.ContentLength = length;
        }

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
        {
            var buffer = new byte[(int)Math.Min(BufferSize, Math.Max(length, 1))];
            for (long sent = 0; sent < length;)
            {
                var read = await owner.ReadAsync(start + sent, buffer.AsMemory(0, (int)Math.Min(buffer.Length, length - sent)), cancellationToken);
                await stream.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                sent += read;
            }
        }

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => SerializeToStreamAsync(stream, context, CancellationToken.None);

        protected override bool TryComputeLength(out long length)
        {
            length = this.length;
            return true;
        }
    }
}
