using Alerts.Functions.Web;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Alerts.Functions.Functions;

/// <summary>
/// The HTTP functions. With the ASP.NET Core integration the host proxies the real request to the worker, so
/// each function hands its <see cref="HttpRequest"/> to the web layer (<see cref="WebFunctionPipeline"/>, the
/// same pages and API <c>alerts serve</c> runs), which writes the response itself. The functions differ only
/// in the routes the host gives them (routePrefix is "" in host.json, so the public URLs are the same as
/// under <c>serve</c>) and in whether the host checked a function key first (Admin).
/// </summary>
public sealed class WebFunctions(WebFunctionPipeline web)
{
    /// <summary>The public JSON API.</summary>
    [Function("Api")]
    public Task<IActionResult> ApiAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "post", "put", "delete", Route = "api/v1/{*path}")] HttpRequest request) =>
        web.ServeAsync(request, verifiedByHost: false);

    /// <summary>
    /// The admin API (topics, feeds). AuthorizationLevel.Function: the host refuses a request without a valid
    /// function key (<c>?code=</c> or <c>x-functions-key</c>) before the worker sees it, so what arrives is
    /// marked verified. The host prefers this route to <c>Api</c>'s for admin paths (more literal segments).
    /// </summary>
    [Function("Admin")]
    public Task<IActionResult> AdminAsync(
        [HttpTrigger(AuthorizationLevel.Function, "get", "post", "put", "delete", Route = "api/v1/admin/{*path}")] HttpRequest request) =>
        web.ServeAsync(request, verifiedByHost: true);

    /// <summary>
    /// The pages and assets at the site root (<c>/</c>, <c>/confirm</c>, <c>/manage</c>, <c>/alerts.css</c>, ...):
    /// one optional segment, which cannot swallow the host's own multi-segment routes.
    /// </summary>
    [Function("Pages")]
    public Task<IActionResult> PagesAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "post", Route = "{page?}")] HttpRequest request) =>
        web.ServeAsync(request, verifiedByHost: false);

    /// <summary>The story page and the public topic feed (<c>/topics/{id}</c>, <c>/topics/{id}/feed.atom</c>).</summary>
    [Function("StoryPages")]
    public Task<IActionResult> StoryPagesAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "topics/{id}/{feed?}")] HttpRequest request) =>
        web.ServeAsync(request, verifiedByHost: false);

    /// <summary>A subscription's private Atom feed (<c>/feeds/{token}</c>).</summary>
    [Function("PrivateFeeds")]
    public Task<IActionResult> PrivateFeedsAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "feeds/{token}")] HttpRequest request) =>
        web.ServeAsync(request, verifiedByHost: false);

    /// <summary>The manage page's two-segment form posts (<c>/manage/pause</c>, <c>/manage/resume</c>, <c>/manage/feed</c>).</summary>
    [Function("ManagePages")]
    public Task<IActionResult> ManagePagesAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "post", Route = "manage/{action}")] HttpRequest request) =>
        web.ServeAsync(request, verifiedByHost: false);
}
