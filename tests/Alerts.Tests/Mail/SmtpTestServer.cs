using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace Alerts.Tests.Mail;

/// <summary>
/// A real SMTP server for the tests: Debian's aiosmtpd, run with Debian's own interpreter (a python3 earlier
/// on PATH would not see Debian's modules) on a free loopback port, with testdata/save_handler.py saving
/// every message as received. Skips (fails under CI) when python3-aiosmtpd is not installed.
/// </summary>
public sealed class SmtpTestServer : IDisposable
{
    private const string Python = "/usr/bin/python3";
    private readonly Process _process;

    private SmtpTestServer(Process process, int port, string folder)
    {
        _process = process;
        Port = port;
        Folder = folder;
    }

    public int Port { get; }

    public string Folder { get; }

    public static async Task<SmtpTestServer> StartAsync()
    {
        TestEnvironment.RequireOrSkip(await CanImportAiosmtpdAsync(), "python3-aiosmtpd is not installed (apt-get install python3-aiosmtpd)");
        var folder = Path.Combine(Path.GetTempPath(), "alerts-tests", "smtp-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var port = FreePort();
        var start = new ProcessStartInfo(Python)
        {
            ArgumentList = { "-m", "aiosmtpd", "-n", "-l", $"127.0.0.1:{port}", "-c", "save_handler.Save", folder },
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        start.Environment["PYTHONPATH"] = Path.GetDirectoryName(TestEnvironment.TestData("Mail/testdata/save_handler.py"));
        var process = Process.Start(start)!;
        var server = new SmtpTestServer(process, port, folder);
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            if (process.HasExited)
            {
                var error = await process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
                server.Dispose();
                Assert.Fail($"aiosmtpd exited with {process.ExitCode}: {error}");
            }

            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, port, TestContext.Current.CancellationToken);
                return server;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(50, TestContext.Current.CancellationToken);
            }
        }
    }

    /// <summary>The messages received so far: raw text and envelope, oldest first.</summary>
    public IReadOnlyList<ReceivedMail> Received() =>
        new DirectoryInfo(Folder).GetFiles("*.eml")
            .OrderBy(f => f.LastWriteTimeUtc)
            .Select(f =>
            {
                using var envelope = JsonDocument.Parse(File.ReadAllText(Path.ChangeExtension(f.FullName, ".json")));
                return new ReceivedMail(
                    File.ReadAllText(f.FullName, Encoding.ASCII),
                    envelope.RootElement.GetProperty("from").GetString()!,
                    envelope.RootElement.GetProperty("to").EnumerateArray().Select(t => t.GetString()!).ToList());
            })
            .ToList();

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(5000);
        }

        _process.Dispose();
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temporary folder is harmless.
        }
    }

    private static async Task<bool> CanImportAiosmtpdAsync()
    {
        if (!File.Exists(Python))
        {
            return false;
        }

        using var check = Process.Start(new ProcessStartInfo(Python) { ArgumentList = { "-c", "import aiosmtpd" }, RedirectStandardError = true, UseShellExecute = false })!;
        await check.WaitForExitAsync(TestContext.Current.CancellationToken);
        return check.ExitCode == 0;
    }
}

public sealed record ReceivedMail(string Raw, string EnvelopeFrom, IReadOnlyList<string> EnvelopeTo)
{
    public MimeEntity Message => MimeEntity.Parse(Raw);
}
