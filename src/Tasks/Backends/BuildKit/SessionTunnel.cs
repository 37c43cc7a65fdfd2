using Containerize.Backends.BuildKit.Protocol;
using Google.Protobuf;
using Grpc.Core;

namespace Containerize.Backends.BuildKit;

/// <summary>
/// A standalone BuildKit daemon's Control.Session call as a byte stream: the daemon tunnels an HTTP/2 connection, in
/// which it is the client, through the call's messages (BuildKit's grpchijack). Piped to the session host's socket
/// like the engine's upgraded /session connection. The end of the call, or its failure, reads as the end of the stream.
/// </summary>
internal sealed class SessionTunnel(AsyncDuplexStreamingCall<BytesMessage, BytesMessage> call) : Stream
{
    private ReadOnlyMemory<byte> pending;

    public override bool CanRead => true;

    public override bool CanWrite => true;

    public override bool CanSeek => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (pending.IsEmpty)
        {
            try
            {
                if (!await call.ResponseStream.MoveNext(cancellationToken))
                {
                    return 0;
                }
            }
            catch (RpcException)
            {
                return 0;
            }

            pending = call.ResponseStream.Current.Data.Memory;
        }

        var count = Math.Min(buffer.Length, pending.Length);
        pending[..count].CopyTo(buffer);
        pending = pending[count..];
        return count;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        try
        {
            await call.RequestStream.WriteAsync(new BytesMessage { Data = ByteString.CopyFrom(buffer.Span) }, cancellationToken);
        }
        catch (RpcException exception)
        {
            throw new IOException($"the BuildKit session ended: {exception.Status.Detail}", exception);
        }
        catch (InvalidOperationException exception)
        {
            throw new IOException("the BuildKit session ended", exception);
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("the session tunnel is asynchronous");

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("the session tunnel is asynchronous");

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            call.Dispose();
        }

        base.Dispose(disposing);
    }

    public override ValueTask DisposeAsync()
    {
        call.Dispose();
        return base.DisposeAsync();
    }
}
