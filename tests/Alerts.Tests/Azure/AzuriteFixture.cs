using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Alerts.Azure;
using Azure.Data.Tables;
using Azure.Storage.Queues;

namespace Alerts.Tests.Azure;

/// <summary>
/// One Azurite (the Azure Storage emulator, installed by ./test.sh into tools/node_modules) per test
/// collection: in memory, on free loopback ports, killed with its process tree at the end. Tests only ever
/// talk to it on 127.0.0.1. When node or Azurite is missing, <see cref="CreateAccount"/> skips the test (a
/// failure under CI).
/// </summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    private readonly StringBuilder _output = new();
    private Process? _process;
    private string? _location;
    private string? _missing;

    public int QueuePort { get; private set; }

    public int TablePort { get; private set; }

    /// <summary>Azurite's well-known development account (public, documented in Azurite's README).</summary>
    public const string AccountName = "devstoreaccount1";

    /// <summary>Azurite's well-known development key (public, documented in Azurite's README).</summary>
    public const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    /// <summary>AccountName/AccountKey of Azurite's well-known account with explicit endpoints for this instance's ports.</summary>
    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName={AccountName};AccountKey={AccountKey};" +
        $"QueueEndpoint=http://127.0.0.1:{QueuePort}/{AccountName};" +
        $"TableEndpoint=http://127.0.0.1:{TablePort}/{AccountName};";

    /// <summary>
    /// The adapters' settings for this Azurite's account (its connection string, fast retries for tests), or a
    /// skip (a failure under CI) when Azurite could not be started.
    /// </summary>
    public AzureStorageOptions CreateAccount()
    {
        TestEnvironment.RequireOrSkip(_missing is null, _missing ?? string.Empty);
        return new AzureStorageOptions { ConnectionString = ConnectionString, MaxRetries = 2, RetryDelay = TimeSpan.FromMilliseconds(50), RequestTimeout = TimeSpan.FromSeconds(20) };
    }

    /// <summary>A Table service client of this Azurite, configured as AddAzureStorage configures it.</summary>
    public TableServiceClient CreateTableService()
    {
        var options = CreateAccount();
        var clientOptions = new TableClientOptions();
        options.ApplyRetries(clientOptions);
        return new TableServiceClient(ConnectionString, clientOptions);
    }

    /// <summary>A Queue service client of this Azurite, configured as AddAzureStorage configures it (the work queue encodes the text).</summary>
    public QueueServiceClient CreateQueueService()
    {
        var options = CreateAccount();
        var clientOptions = new QueueClientOptions { MessageEncoding = QueueMessageEncoding.None };
        options.ApplyRetries(clientOptions);
        return new QueueServiceClient(ConnectionString, clientOptions);
    }

    /// <summary>A name no other test uses: lower-case letters and digits, starting with a letter.</summary>
    public static string UniqueName(string prefix) => prefix + Guid.NewGuid().ToString("N")[..12];

    public async ValueTask InitializeAsync()
    {
        var script = Path.Combine(TestEnvironment.RepositoryRoot, "tools", "node_modules", "azurite", "dist", "src", "azurite.js");
        var node = FindOnPath("node");
        if (node is null || !File.Exists(script))
        {
            _missing = "Azurite is not installed: run ./test.sh, which installs it into tools/node_modules";
            return;
        }

        _location = Directory.CreateTempSubdirectory("alerts-azurite-").FullName;
        var blobPort = FreePort();
        QueuePort = FreePort();
        TablePort = FreePort();
        var start = new ProcessStartInfo(node)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            // In memory, Azurite writes nothing; the working folder catches anything it might still write.
            WorkingDirectory = _location,
        };
        foreach (var argument in new[]
                 {
                     script, "--silent", "--inMemoryPersistence", "--skipApiVersionCheck", "--loose", "--disableTelemetry",
                     "--blobHost", "127.0.0.1", "--blobPort", blobPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
                     "--queueHost", "127.0.0.1", "--queuePort", QueuePort.ToString(System.Globalization.CultureInfo.InvariantCulture),
                     "--tableHost", "127.0.0.1", "--tablePort", TablePort.ToString(System.Globalization.CultureInfo.InvariantCulture),
                 })
        {
            start.ArgumentList.Add(argument);
        }

        _process = Process.Start(start)!;
        _process.OutputDataReceived += (_, e) => Record(e.Data);
        _process.ErrorDataReceived += (_, e) => Record(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!(await AcceptsAsync(QueuePort) && await AcceptsAsync(TablePort)))
        {
            if (_process.HasExited || DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"tests: Azurite did not start (exit {(_process.HasExited ? _process.ExitCode : "none")}): {Output()}");
            }

            await Task.Delay(100);
        }
    }

    public ValueTask DisposeAsync()
    {
        if (_process is not null)
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(10_000);
            }

            _process.Dispose();
        }

        if (_location is not null)
        {
            Directory.Delete(_location, recursive: true);
        }

        return ValueTask.CompletedTask;
    }

    private void Record(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    private string Output()
    {
        lock (_output)
        {
            return _output.ToString();
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task<bool> AcceptsAsync(int port)
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, name))
            .FirstOrDefault(File.Exists);
}

/// <summary>The tests that share one Azurite; they run one after another.</summary>
[CollectionDefinition(Name)]
public sealed class AzuriteCollection : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "Azurite";
}
