using Containerize.Diagnostics;

namespace Containerize.FileSystem;

/// <summary>
/// Passes writes on to another stream (which it does not own), checking the run's cancellation (<see cref="RunCancellation"/>)
/// before each: a tar of large files (a build context, an image archive) stops within a write of Ctrl+C.
/// </summary>
internal sealed class CancellableWriteStream(Stream inner) : Stream
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
        RunCancellation.ThrowIfCancelled();
        inner.Write(buffer);
    }

    public override void WriteByte(byte value) => Write([value]);

    public override void Flush() => inner.Flush();

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
