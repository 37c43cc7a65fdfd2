using Containerize.Diagnostics;

namespace Containerize.FileSystem;

/// <summary>
/// A file of the image as it was when it was opened: exactly its size then, however it changes while it is read. A
/// tar header holds the size before the content follows, so a file that grew (a log written meanwhile) or that has
/// more content than size (/proc, /sys) would corrupt the layer; <see cref="RequireEnd"/> tells such a file apart.
/// </summary>
internal sealed class SizedReadStream(FileStream inner, string path) : Stream
{
    private readonly long length = inner.Length;

    public override bool CanRead => true;

    public override bool CanSeek => true;

    public override bool CanWrite => false;

    public override long Length => length;

    public override long Position
    {
        get => inner.Position;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer) => inner.Read(buffer[..(int)Math.Min(buffer.Length, length - inner.Position)]);

    /// <summary>Throws CTZ2024 unless the whole file was read and there was no more of it.</summary>
    public void RequireEnd()
    {
        if (inner.Position != length || inner.ReadByte() != -1)
        {
            throw new ContainerizeException(Errors.SourceChanged(path, length));
        }
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
