using Alerts.Pipeline.Mail;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Alerts.Tests.Mail;

/// <summary>A host with only <c>AddAlertsMail()</c> over the given settings, and a temporary folder deleted on dispose.</summary>
public sealed class MailTestHost : IDisposable
{
    private MailTestHost(IHost host, string folder)
    {
        Host = host;
        Folder = folder;
    }

    public IHost Host { get; }

    public string Folder { get; }

    public IMailSender Sender => Host.Services.GetRequiredService<IMailSender>();

    public static MailTestHost Create(IDictionary<string, string?> settings, Action<IHostApplicationBuilder>? configure = null)
    {
        var folder = Path.Combine(Path.GetTempPath(), "alerts-tests", "mail-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var builder = Microsoft.Extensions.Hosting.Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Mail:Outbox:Folder"] = Path.Combine(folder, "outbox") });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.ClearProviders();
        builder.AddAlertsMail();
        configure?.Invoke(builder);
        return new MailTestHost(builder.Build(), folder);
    }

    public void Dispose()
    {
        Host.Dispose();
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temporary folder is harmless.
        }
    }
}
