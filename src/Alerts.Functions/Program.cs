using Alerts.Functions;
using Alerts.Pipeline.Hosting;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;

var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.AddAlertsCore();
builder.AddAlertsFunctions();
builder.Build().Run();
