using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using StackExchange.Redis;

namespace Seq2Seq.TestSupport;

/// <summary>A real redis-server on a free loopback port, persistence on (append-only file, fsync always), restartable
/// on the same port and data directory.</summary>
internal sealed class RedisServer : IAsyncDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("s2s-redis-").FullName;
    private Process? _process;

    public int Port { get; } = FreePort();
    public string Endpoint => $"127.0.0.1:{Port}";

    public static async Task<RedisServer> StartAsync()
    {
        var server = new RedisServer();
        await server.RestartAsync();
        return server;
    }

    /// <summary>Starts (or starts again) the server and waits until it answers PING.</summary>
    public async Task RestartAsync()
    {
        var psi = new ProcessStartInfo("redis-server") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "--port", Port.ToString(), "--bind", "127.0.0.1", "--dir", _dir, "--appendonly", "yes",
                     "--appendfsync", "always", "--save", "", "--daemonize", "no" })
            psi.ArgumentList.Add(a);
        _process = Process.Start(psi)!;
        _ = _process.StandardOutput.ReadToEndAsync();
        _ = _process.StandardError.ReadToEndAsync();
        for (var clock = Stopwatch.StartNew(); clock.Elapsed < TimeSpan.FromSeconds(20); await Task.Delay(100))
        {
            try
            {
                await using var c = await ConnectionMultiplexer.ConnectAsync($"{Endpoint},connectTimeout=1000");
                await c.GetDatabase().PingAsync();
                return;
            }
            catch (RedisConnectionException) { }
        }
        throw new TimeoutException("redis-server did not start");
    }

    /// <summary>Stops the server the way an operator does (SHUTDOWN: the append-only file is already on disk).</summary>
    public async Task StopAsync()
    {
        await using (var c = await ConnectionMultiplexer.ConnectAsync($"{Endpoint},allowAdmin=true"))
        {
            try { c.GetServer(Endpoint).Shutdown(); }
            catch (RedisConnectionException) { }    // the connection drops as the server exits
        }
        await _process!.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(20));
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false }) { _process.Kill(); await _process.WaitForExitAsync(); }
        Directory.Delete(_dir, recursive: true);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
