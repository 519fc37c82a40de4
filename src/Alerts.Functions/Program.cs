using Alerts.Functions;
using Alerts.Functions.Packaging;
using Alerts.Pipeline.Hosting;

// `Alerts.Functions package ...` builds the deployable zip (deploy/package.sh); anything else runs the handler.
if (args is ["package", .. var packageArgs])
{
    return FunctionPackager.Run(packageArgs);
}

var builder = WebApplication.CreateBuilder(args);
builder.AddAlertsCore();
builder.AddAlertsFunctionsHost();
var app = builder.Build();
app.MapAlertsFunctions();
await app.RunAsync();
return 0;
