using System.Text.Json;
using Alerts.Azure;
using Alerts.Functions.Web;
using Alerts.Pipeline.Running;
using Alerts.Web;
using Azure.Core.Serialization;
using Azure.Monitor.OpenTelemetry.Exporter;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace Alerts.Functions;

public static class FunctionsHostingExtensions
{
    /// <summary>Set by the infrastructure (infra/main.bicep); without it telemetry stays in the process.</summary>
    public const string ApplicationInsightsSetting = "APPLICATIONINSIGHTS_CONNECTION_STRING";

    /// <summary>
    /// The worker's side of the app: the Azure Storage store, the web layer and its function pipeline, the
    /// messages as JSON with web defaults (the same camelCase the local queue writes), and telemetry: the
    /// worker's OpenTelemetry defaults plus the stage metrics of <see cref="PipelineStages"/>, exported to
    /// Application Insights when the connection string is set.
    /// </summary>
    public static IHostApplicationBuilder AddAlertsFunctions(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddAlertsStore();
        builder.AddAlertsWeb();
        builder.Services.AddSingleton<WebFunctionPipeline>();
        builder.Services.Configure<WorkerOptions>(worker =>
            worker.Serializer = new JsonObjectSerializer(new JsonSerializerOptions(JsonSerializerDefaults.Web)));

        var telemetry = builder.Services.AddOpenTelemetry()
            .UseFunctionsWorkerDefaults()
            .WithMetrics(metrics => metrics.AddMeter(PipelineStages.MeterName));
        if (!string.IsNullOrWhiteSpace(builder.Configuration[ApplicationInsightsSetting]))
        {
            telemetry.UseAzureMonitorExporter();
        }

        return builder;
    }

    /// <summary>
    /// The one place the store is chosen: Azure Storage (tables and queues) on the account the host's own
    /// <c>AzureWebJobsStorage</c> settings name (a connection string locally, the managed identity in Azure).
    /// </summary>
    public static IHostApplicationBuilder AddAlertsStore(this IHostApplicationBuilder builder) => builder.AddAzureStorage();
}
