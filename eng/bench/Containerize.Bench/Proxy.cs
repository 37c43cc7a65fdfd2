using System.Net;
using System.Net.Sockets;

namespace Containerize.Bench;

/// <summary>
/// A TCP proxy on 127.0.0.1:LISTEN to 127.0.0.1:TARGET that counts the bytes each way. Every tool reaches the
/// registry (base image and push) through it, so "bytes sent" is what a client uploaded, whatever the client is
/// (the dotnet process, or the Docker engine for the engine backend).
/// </summary>
public sealed class Proxy : IDisposable
{
    readonly TcpListener _listener;
    readonly int _target;
    readonly CancellationTokenSource _cts = new();
    readonly Task _accepting;
    long _sent, _received, _connections;

    public Proxy(int listen, int target)
    {
        _target = target;
        _listener = new TcpListener(IPAddress.Loopback, listen);
        _listener.Start(256);
        _accepting = Task.Run(AcceptLoop);
    }

    /// <summary>Bytes from the clients to the registry (uploads, requests).</summary>
    public long Sent => Interlocked.Read(ref _sent);

    /// <summary>Bytes from the registry to the clients (downloads, answers).</summary>
    public long Received => Interlocked.Read(ref _received);

    public long Connections => Interlocked.Read(ref _connections);

    async Task AcceptLoop()
    {
        while (!_cts.IsCancellationRequested)
        {
            Socket client;
            try { client = await _listener.AcceptSocketAsync(_cts.Token); }
            catch (OperationCanceledException) { return; }
            catch (ObjectDisposedException) { return; }
            catch (SocketException) { continue; }
            Interlocked.Increment(ref _connections);
            _ = Task.Run(() => Serve(client));
        }
    }

    async Task Serve(Socket client)
    {
        using var c = client;
        using var upstream = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            c.NoDelay = true;
            upstream.NoDelay = true;
            await upstream.ConnectAsync(new IPEndPoint(IPAddress.Loopback, _target), _cts.Token);
            await Task.WhenAll(Pump(c, upstream, true), Pump(upstream, c, false));
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or IOException or ObjectDisposedException)
        {
        }
    }

    async Task Pump(Socket from, Socket to, bool up)
    {
        var buffer = new byte[128 * 1024];
        try
        {
            while (true)
            {
                var n = await from.ReceiveAsync(buffer, SocketFlags.None, _cts.Token);
                if (n == 0) break;
                if (up) Interlocked.Add(ref _sent, n); else Interlocked.Add(ref _received, n);
                var done = 0;
                while (done < n) done += await to.SendAsync(buffer.AsMemory(done, n - done), SocketFlags.None, _cts.Token);
            }
            // Pass the half-close on, so a client that finished sending still gets its answer.
            to.Shutdown(SocketShutdown.Send);
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // One side reset or went away: close both, the other pump ends with it.
            try { from.Close(); } catch (SocketException) { }
            try { to.Close(); } catch (SocketException) { }
        }
    }

    public void Dispose()
    {
        _cts.Cancel();
        _listener.Stop();
        try { _accepting.Wait(TimeSpan.FromSeconds(2)); } catch (AggregateException) { }
        _cts.Dispose();
    }

    /// <summary>True when nothing listens on 127.0.0.1:PORT (it can be bound now).</summary>
    public static bool PortFree(int port)
    {
        try
        {
            var l = new TcpListener(IPAddress.Loopback, port);
            l.Start();
            l.Stop();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
