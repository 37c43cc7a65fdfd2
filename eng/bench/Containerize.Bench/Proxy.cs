using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Containerize.Bench;

/// <summary>
/// A TCP proxy on 127.0.0.1:LISTEN to 127.0.0.1:TARGET that counts the bytes each way. Every tool reaches the
/// registry (base image and push) through it, so "bytes sent" is what a client uploaded, whatever the client is
/// (the dotnet process, or the Docker engine for the engine backend). It also keeps a timeline of the request lines
/// and answers' status lines it sees (see <see cref="TimelineSinceMark"/>), for the build logs.
/// <para>
/// A connection that starts with a TLS handshake record (first byte 0x16: a client trying HTTPS first) is answered
/// here as a plain HTTP server answers it, <c>HTTP/1.0 400 Bad Request</c> and the connection closed, and is not
/// passed on: Go's TLS client reads that as "server gave HTTP response to HTTPS client", which is what makes engine
/// 28's containerd resolver fall back to plain HTTP (closing the connection without an answer is not enough for it;
/// engine 20.10 falls back either way). The registry itself would answer a ClientHello only when the hello happens to
/// hold a line feed (it reads a request line first), and wait otherwise. Those bytes are not counted as sent or
/// received (<see cref="TlsHellos"/> counts the connections).
/// </para>
/// </summary>
public sealed class Proxy : IDisposable
{
    static readonly byte[] PlainHttpAnswer = "HTTP/1.0 400 Bad Request\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\nThis is a plain-HTTP registry.\n"u8.ToArray();
    static readonly string[] Methods = ["GET ", "HEAD ", "POST ", "PUT ", "PATCH ", "DELETE "];

    readonly TcpListener _listener;
    readonly int _target;
    readonly CancellationTokenSource _cts = new();
    readonly Task _accepting;
    readonly Stopwatch _clock = Stopwatch.StartNew();
    readonly ConcurrentQueue<(double Seconds, long Connection, string Text)> _events = new();
    long _sent, _received, _connections, _tlsHellos, _markTicks;

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

    /// <summary>Connections that began with a TLS ClientHello and got the plain-HTTP answer.</summary>
    public long TlsHellos => Interlocked.Read(ref _tlsHellos);

    /// <summary>Starts a new timeline: <see cref="TimelineSinceMark"/> gives what came after, in seconds since now.</summary>
    public void MarkTimeline()
    {
        _events.Clear();
        Interlocked.Exchange(ref _markTicks, _clock.Elapsed.Ticks);
    }

    /// <summary>The events since <see cref="MarkTimeline"/>: "seconds cN &gt; request line" (client to registry),
    /// "seconds cN &lt; status line" (the answer), connections opened, TLS hellos answered. In order of time.</summary>
    public List<(double Seconds, string Text)> TimelineSinceMark() =>
        _events.OrderBy(e => e.Seconds).Select(e => (e.Seconds, $"c{e.Connection} {e.Text}")).ToList();

    void Event(long connection, string text)
    {
        var seconds = (_clock.Elapsed.Ticks - Interlocked.Read(ref _markTicks)) / (double)TimeSpan.TicksPerSecond;
        _events.Enqueue((seconds, connection, text));
    }

    /// <summary>The request line (client side) or status line (registry side) that DATA starts with, if any.</summary>
    static string? FirstLine(ReadOnlySpan<byte> data, bool up)
    {
        var head = Encoding.Latin1.GetString(data[..Math.Min(data.Length, 1024)]);
        if (up ? !Methods.Any(m => head.StartsWith(m, StringComparison.Ordinal)) : !head.StartsWith("HTTP/1.", StringComparison.Ordinal)) return null;
        var end = head.IndexOf("\r\n", StringComparison.Ordinal);
        var line = end < 0 ? head : head[..end];
        if (up && line.EndsWith(" HTTP/1.1", StringComparison.Ordinal)) line = line[..^" HTTP/1.1".Length];
        return (up ? "> " : "< ") + (line.Length > 300 ? line[..300] + "..." : line);
    }

    public static string Seconds(double s) => s.ToString("0.000", CultureInfo.InvariantCulture);

    async Task AcceptLoop()
    {
        while (!_cts.IsCancellationRequested)
        {
            Socket client;
            try { client = await _listener.AcceptSocketAsync(_cts.Token); }
            catch (OperationCanceledException) { return; }
            catch (ObjectDisposedException) { return; }
            catch (SocketException) { continue; }
            var id = Interlocked.Increment(ref _connections);
            _ = Task.Run(() => Serve(client, id));
        }
    }

    async Task Serve(Socket client, long id)
    {
        using var c = client;
        using var upstream = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        var buffer = new byte[128 * 1024];
        try
        {
            c.NoDelay = true;
            var n = await c.ReceiveAsync(buffer, SocketFlags.None, _cts.Token);
            if (n == 0) return;
            if (buffer[0] == 0x16)
            {
                await AnswerTlsHello(c, id);
                return;
            }
            Event(id, "connected");
            upstream.NoDelay = true;
            await upstream.ConnectAsync(new IPEndPoint(IPAddress.Loopback, _target), _cts.Token);
            Interlocked.Add(ref _sent, n);
            if (FirstLine(buffer.AsSpan(0, n), up: true) is { } line) Event(id, line);
            var done = 0;
            while (done < n) done += await upstream.SendAsync(buffer.AsMemory(done, n - done), SocketFlags.None, _cts.Token);
            await Task.WhenAll(Pump(c, upstream, true, id, buffer), Pump(upstream, c, false, id, new byte[128 * 1024]));
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or IOException or ObjectDisposedException)
        {
        }
    }

    /// <summary>
    /// What a plain HTTP server does with a TLS ClientHello: "400 Bad Request" and the connection closed. The answer is
    /// sent, our side half-closed, and the rest of what the client sends read and dropped until it closes (at most 5 s):
    /// closing with unread data would reset the connection, and the client could lose the answer.
    /// </summary>
    async Task AnswerTlsHello(Socket c, long id)
    {
        Interlocked.Increment(ref _tlsHellos);
        Event(id, "TLS ClientHello: answered HTTP/1.0 400 Bad Request, closed");
        await c.SendAsync(PlainHttpAnswer, SocketFlags.None, _cts.Token);
        c.Shutdown(SocketShutdown.Send);
        using var drain = CancellationTokenSource.CreateLinkedTokenSource(_cts.Token);
        drain.CancelAfter(TimeSpan.FromSeconds(5));
        var sink = new byte[16 * 1024];
        try
        {
            while (await c.ReceiveAsync(sink, SocketFlags.None, drain.Token) > 0) { }
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException) { }
    }

    async Task Pump(Socket from, Socket to, bool up, long id, byte[] buffer)
    {
        try
        {
            while (true)
            {
                var n = await from.ReceiveAsync(buffer, SocketFlags.None, _cts.Token);
                if (n == 0) break;
                if (up) Interlocked.Add(ref _sent, n); else Interlocked.Add(ref _received, n);
                // A request or answer head starts a read in practice (the clients write the head in one go); a body that
                // happens to begin like one would only add a line to the timeline.
                if (FirstLine(buffer.AsSpan(0, n), up) is { } line) Event(id, line);
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
