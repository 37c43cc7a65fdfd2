using System.Buffers.Binary;
using System.IO.Compression;
using Containerize.Diagnostics;

namespace Containerize.Oci;

/// <summary>
/// A gzip member whose bytes depend on the data alone. .NET's GZipStream lets zlib write the header, whose OS byte
/// is the build platform's (3 on Unix, 10 on Windows): the same layer would get another digest on Windows. Here the
/// header is fixed (no name, no time, XFL 0, OS 255 "unknown", as Go's compress/gzip writes it), the body is raw
/// deflate at a fixed level fed in fixed-size chunks (so the deflater's input never depends on how the caller
/// split its writes), and the trailer is the CRC-32 and length of the data. Disposing it finishes the member. Before
/// each chunk it checks the run's cancellation (<see cref="RunCancellation"/>): Ctrl+C stops a large layer at once.
/// </summary>
internal sealed class GzipWriteStream : Stream
{
    private const int ChunkSize = 64 * 1024;

    private static readonly byte[] Header = [0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 0xFF];

    /// <summary>One final, fixed-Huffman block holding only its end code: what zlib writes for no data.</summary>
    private static readonly byte[] EmptyDeflate = [0x03, 0x00];

    private readonly Stream output;
    private readonly bool leaveOpen;
    private readonly DeflateStream deflate;
    private readonly byte[] chunk = new byte[ChunkSize];
    private int filled;
    private uint crc = Crc32.Initial;
    private long length;
    private bool finished;

    public GzipWriteStream(Stream output, bool leaveOpen)
    {
        this.output = output;
        this.leaveOpen = leaveOpen;
        output.Write(Header);
        deflate = new DeflateStream(output, CompressionLevel.Optimal, leaveOpen: true);
    }

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => !finished;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        ObjectDisposedException.ThrowIf(finished, this);
        crc = Crc32.Append(crc, buffer);
        length += buffer.Length;
        while (buffer.Length > 0)
        {
            var take = Math.Min(buffer.Length, ChunkSize - filled);
            buffer[..take].CopyTo(chunk.AsSpan(filled));
            filled += take;
            buffer = buffer[take..];
            if (filled == ChunkSize)
            {
                RunCancellation.ThrowIfCancelled();
                deflate.Write(chunk, 0, ChunkSize);
                filled = 0;
            }
        }
    }

    public override void WriteByte(byte value) => Write([value]);

    /// <summary>Does nothing: a deflate flush would put a sync marker into the stream wherever a caller flushed.</summary>
    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing && !finished)
        {
            finished = true;
            if (filled > 0)
            {
                deflate.Write(chunk, 0, filled);
            }

            deflate.Dispose();
            if (length == 0)
            {
                // DeflateStream writes nothing at all when given nothing: an empty final block keeps the member valid.
                output.Write(EmptyDeflate);
            }

            Span<byte> trailer = stackalloc byte[8];
            BinaryPrimitives.WriteUInt32LittleEndian(trailer, crc);
            BinaryPrimitives.WriteUInt32LittleEndian(trailer[4..], unchecked((uint)length));
            output.Write(trailer);
            if (!leaveOpen)
            {
                output.Dispose();
            }
        }

        base.Dispose(disposing);
    }
}
