using Alerts.Pipeline.Hosting;
using Alerts.Sqlite;
using Alerts.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Alerts.Tests.Web;

/// <summary>
/// The app's real pipeline without a server, over a SQLite file in <paramref name="folder"/>: a test hands it an
/// HttpContext the way the Functions handler replays a request (any client address, host-verified or not).
/// </summary>
public static class InProcessWebApp
{
    public static (WebApplication App, RequestDelegate Pipeline) Build(string folder)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = folder });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Store:Path"] = Path.Combine(folder, "alerts.db") });
        builder.Logging.ClearProviders();
        builder.AddAlertsCore();
        builder.AddSqliteStore();
        builder.AddAlertsWeb();
        var app = builder.Build();
        app.UseRouting();
        app.UseAlertsWeb();
        app.MapAlertsWeb();
        app.UseEndpoints(_ => { });
        return (app, ((IApplicationBuilder)app).Build());
    }
}
