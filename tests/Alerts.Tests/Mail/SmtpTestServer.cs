using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;

namespace Alerts.Tests.Mail;

/// <summary>
/// A real SMTP server for the tests: Debian's aiosmtpd, run with Debian's own interpreter (a python3 earlier
/// on PATH would not see Debian's modules) on a free loopback port, with testdata/save_handler.py saving
/// every message as received. Skips (fails under CI) when python3-aiosmtpd is not installed. With
/// <see cref="SmtpServerTls.StartTls"/> or <see cref="SmtpServerTls.Implicit"/> it speaks TLS with a fresh
/// self-signed certificate for 127.0.0.1, whose fingerprint is <see cref="CertificateSha256"/>.
/// </summary>
public sealed class SmtpTestServer : IDisposable
{
    private const string Python = "/usr/bin/python3";
    private readonly Process _process;

    private SmtpTestServer(Process process, int port, string folder, string? certificateSha256)
    {
        _process = process;
        Port = port;
        Folder = folder;
        CertificateSha256 = certificateSha256;
    }

    public int Port { get; }

    public string Folder { get; }

    /// <summary>The SHA-256 fingerprint (hex) of the server's certificate when it speaks TLS.</summary>
    public string? CertificateSha256 { get; }

    /// <summary>Starts the server; with <paramref name="login"/> it accepts AUTH PLAIN for that user name and password (after STARTTLS).</summary>
    public static async Task<SmtpTestServer> StartAsync(SmtpServerTls tls = SmtpServerTls.None, (string User, string Password)? login = null)
    {
        TestEnvironment.RequireOrSkip(await CanImportAiosmtpdAsync(), "python3-aiosmtpd is not installed (apt-get install python3-aiosmtpd)");
        var folder = Path.Combine(Path.GetTempPath(), "alerts-tests", "smtp-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var port = FreePort();
        var start = new ProcessStartInfo(Python)
        {
            ArgumentList = { "-m", "aiosmtpd", "-n", "-l", $"127.0.0.1:{port}" },
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        string? fingerprint = null;
        if (tls != SmtpServerTls.None)
        {
            fingerprint = WriteCertificate(folder, out var certificate, out var key);
            var implicitTls = tls == SmtpServerTls.Implicit;
            foreach (var argument in new[] { implicitTls ? "--smtpscert" : "--tlscert", certificate, implicitTls ? "--smtpskey" : "--tlskey", key })
            {
                start.ArgumentList.Add(argument);
            }
        }

        // The handler's own arguments (the folder, the login) end the command line.
        string[] handler = login is { } l ? ["-c", "save_handler.SaveWithLogin", folder, l.User, l.Password] : ["-c", "save_handler.Save", folder];
        foreach (var argument in handler)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["PYTHONPATH"] = Path.GetDirectoryName(TestEnvironment.TestData("Mail/testdata/save_handler.py"));
        var process = Process.Start(start)!;
        var server = new SmtpTestServer(process, port, folder, fingerprint);
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
                    File.ReadAllBytes(f.FullName),
                    envelope.RootElement.GetProperty("from").GetString()!,
                    envelope.RootElement.GetProperty("to").EnumerateArray().Select(t => t.GetString()!).ToList());
            })
            .ToList();

    /// <summary>A self-signed certificate for 127.0.0.1 and localhost as PEM files in the server's folder; its fingerprint.</summary>
    private static string WriteCertificate(string folder, out string certificatePath, out string keyPath)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        certificatePath = Path.Combine(folder, "server.crt");
        keyPath = Path.Combine(folder, "server.key");
        File.WriteAllText(certificatePath, certificate.ExportCertificatePem());
        File.WriteAllText(keyPath, key.ExportPkcs8PrivateKeyPem());
        return certificate.GetCertHashString(HashAlgorithmName.SHA256);
    }

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

/// <summary>How the test server protects its connections.</summary>
public enum SmtpServerTls
{
    None,
    StartTls,
    Implicit,
}

/// <summary>One message as the server received it: the DATA bytes and the envelope.</summary>
public sealed record ReceivedMail(byte[] Bytes, string EnvelopeFrom, IReadOnlyList<string> EnvelopeTo)
{
    public string Raw => Encoding.ASCII.GetString(Bytes);

    public MimeEntity Message => MimeEntity.Parse(Raw);
}
