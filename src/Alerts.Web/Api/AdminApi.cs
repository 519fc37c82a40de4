using Alerts.Core.Feeds;
using Alerts.Core.Topics;
using Alerts.Pipeline.Feeds;
using Alerts.Pipeline.Fetching;
using Alerts.Pipeline.Storage;
using Alerts.Pipeline.Topics;
using Alerts.Web.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Alerts.Web.Api;

/// <summary>
/// The operator's endpoints under <c>/api/v1/admin</c>: topics and feeds through the same use cases as
/// <c>alerts topics</c> and <c>alerts feeds</c>. Only requests <see cref="AdminAccess"/> allows get here.
/// </summary>
internal static class AdminApi
{
    private const int MaxNameLength = 200;
    private const int MaxDescriptionLength = 1000;
    private const int MaxQueryLength = 4000;

    /// <summary>An endpoint filter answering 403 to everyone <see cref="AdminAccess.IsAllowed"/> refuses.</summary>
    public static async ValueTask<object?> RequireAdminAsync(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
    {
        var context = invocation.HttpContext;
        if (AdminAccess.IsAllowed(context))
        {
            return await next(invocation);
        }

        var log = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Alerts.Web.Api");
        log.AdminRefused(context.Request.Method, context.Request.Path.Value ?? "", Throttle.ClientKey(context));
        return ApiProblems.Problem(StatusCodes.Status403Forbidden, "web: admin operations are allowed only from this machine (alerts serve) or with the function key (Azure)");
    }

    public static async Task<IResult> ListTopicsAsync(ManageTopics topics, CancellationToken cancellationToken) =>
        Results.Json<IReadOnlyList<AdminTopicReply>>(
            (await topics.ListAsync(cancellationToken)).Select(Reply).ToList(),
            ApiJsonContext.Default.IReadOnlyListAdminTopicReply);

    public static async Task<IResult> GetTopicAsync(string id, ITopicStore store, CancellationToken cancellationToken) =>
        await store.GetTopicAsync(id, cancellationToken) is { } topic
            ? Results.Json(Reply(topic), ApiJsonContext.Default.AdminTopicReply)
            : ApiProblems.Problem(StatusCodes.Status404NotFound, "topics: there is no such topic");

    public static async Task<IResult> AddTopicAsync(HttpContext context, ManageTopics topics, ILoggerFactory loggers)
    {
        var (body, error) = await ApiRequests.ReadJsonAsync(context, ApiJsonContext.Default.TopicBody);
        if (body is null)
        {
            return error!;
        }

        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        CheckText(errors, "name", body.Name, MaxNameLength, required: true);
        CheckText(errors, "id", body.Id, Topic.MaxSlugLength, required: false);
        CheckText(errors, "description", body.Description, MaxDescriptionLength, required: false);
        if (string.IsNullOrWhiteSpace(body.Query))
        {
            errors["query"] = ["topics: a topic needs a query (see docs/query-language.md)"];
        }
        else if (body.Query.Length > MaxQueryLength)
        {
            errors["query"] = [$"topics: the query is longer than {MaxQueryLength} characters"];
        }

        if (errors.Count > 0)
        {
            return ApiProblems.Validation(errors);
        }

        var wanted = new Topic(body.Id?.Trim() ?? "", body.Name!.Trim(), body.Query!)
        {
            Description = string.IsNullOrWhiteSpace(body.Description) ? null : body.Description.Trim(),
            Languages = body.Languages ?? [],
            FeedIds = body.FeedIds ?? [],
            Public = body.Public ?? false,
        };
        try
        {
            var added = await topics.AddAsync(wanted, context.RequestAborted);
            loggers.CreateLogger("Alerts.Web.Api").AdminChanged("add topic", added.Id);
            context.Response.Headers.Location = $"{ApiEndpoints.Prefix}/admin/topics/{Uri.EscapeDataString(added.Id)}";
            return Results.Json(Reply(added), ApiJsonContext.Default.AdminTopicReply, statusCode: StatusCodes.Status201Created);
        }
        catch (QueryParseException ex)
        {
            return ApiProblems.Validation("query", ex.Message);
        }
        catch (ArgumentException ex)
        {
            return ApiProblems.Validation(string.IsNullOrWhiteSpace(body.Id) ? "name" : "id", ex.Message);
        }
    }

    public static async Task<IResult> RemoveTopicAsync(string id, ManageTopics topics, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        if (!await topics.RemoveAsync(id, cancellationToken))
        {
            return ApiProblems.Problem(StatusCodes.Status404NotFound, "topics: there is no such topic");
        }

        loggers.CreateLogger("Alerts.Web.Api").AdminChanged("remove topic", id);
        return Results.NoContent();
    }

    /// <summary>A relayed caller sees local feed files without their path (it says nothing about this machine's folders).</summary>
    public static async Task<IResult> ListFeedsAsync(HttpContext context, ManageFeeds feeds, CancellationToken cancellationToken)
    {
        var proxied = AdminAccess.IsProxied(context);
        return Results.Json<IReadOnlyList<AdminFeedReply>>(
            (await feeds.ListAsync(cancellationToken)).Select(f => proxied ? HidePath(Reply(f)) : Reply(f)).ToList(),
            ApiJsonContext.Default.IReadOnlyListAdminFeedReply);
    }

    private static AdminFeedReply HidePath(AdminFeedReply feed)
    {
        if (!Uri.TryCreate(feed.Url, UriKind.Absolute, out var url) || !url.IsFile)
        {
            return feed;
        }

        string? Hide(string? text) => text?.Replace(url.LocalPath, HiddenPath, StringComparison.Ordinal).Replace(feed.Url, HiddenPath, StringComparison.Ordinal);
        return feed with { Url = HiddenPath, LastError = Hide(feed.LastError), ParkedReason = Hide(feed.ParkedReason) };
    }

    private const string HiddenPath = "file:(local path hidden)";

    public static async Task<IResult> AddFeedAsync(HttpContext context, ManageFeeds feeds, ILoggerFactory loggers)
    {
        var (body, error) = await ApiRequests.ReadJsonAsync(context, ApiJsonContext.Default.FeedBody);
        if (body is null)
        {
            return error!;
        }

        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        CheckText(errors, "url", body.Url, 2048, required: true);
        CheckText(errors, "title", body.Title, MaxNameLength, required: false);
        CheckText(errors, "group", body.Group, MaxNameLength, required: false);
        if (errors.Count > 0)
        {
            return ApiProblems.Validation(errors);
        }

        var title = string.IsNullOrWhiteSpace(body.Title) ? null : body.Title.Trim();
        try
        {
            // Over HTTP only http(s) feeds: file: URLs are for the CLI's own configuration.
            FeedRecord added;
            if (body.Discover == false)
            {
                added = await feeds.AddAsync(body.Url!, title, body.Group, allowFile: false, context.RequestAborted);
            }
            else
            {
                var outcome = await feeds.AddDiscoveringAsync(body.Url!, title, body.Group, context.RequestAborted);
                if (outcome.Added is null)
                {
                    var found = outcome.Discovery!;
                    return Results.Json(
                        new FeedCandidatesReply(
                            $"discovery: {found.Feeds.Count} feeds at {found.Address}; nothing added: add one by its URL",
                            found.Feeds.Select(f => new FeedCandidateReply(f.Url.AbsoluteUri, f.Format, f.Title)).ToList()),
                        ApiJsonContext.Default.FeedCandidatesReply, statusCode: StatusCodes.Status300MultipleChoices);
                }

                added = outcome.Added;
            }

            loggers.CreateLogger("Alerts.Web.Api").AdminChanged("add feed", added.Url);
            return Results.Json(Reply(added), ApiJsonContext.Default.AdminFeedReply, statusCode: StatusCodes.Status201Created);
        }
        catch (ArgumentException ex)
        {
            return ApiProblems.Validation("url", ex.Message);
        }
        catch (DiscoveryTimeoutException ex)
        {
            // The site, not the request, was at fault, and trying again later may work: a gateway timeout.
            return ApiProblems.Problem(StatusCodes.Status504GatewayTimeout, ex.Message);
        }
        catch (Exception ex) when (ex is FetchException or DiscoveryException)
        {
            return ApiProblems.Problem(StatusCodes.Status422UnprocessableEntity, ex.Message);
        }
    }

    /// <summary><c>POST /api/v1/admin/feeds/import</c>: an OPML file as the body (at most <see cref="Opml.MaxBytes"/>).</summary>
    public static async Task<IResult> ImportFeedsAsync(HttpContext context, ManageFeeds feeds, ILoggerFactory loggers)
    {
        var (bytes, tooLarge) = await ApiRequests.ReadBodyAsync(context, Opml.MaxBytes);
        if (tooLarge)
        {
            return ApiProblems.Problem(StatusCodes.Status413PayloadTooLarge, Opml.TooLarge(context.Request.ContentLength ?? Opml.MaxBytes + 1L).Message);
        }

        OpmlDocument document;
        try
        {
            document = Opml.Parse(bytes);
        }
        catch (OpmlException ex)
        {
            return ApiProblems.Problem(StatusCodes.Status400BadRequest, ex.Message);
        }

        var report = await feeds.ImportAsync(document, progress: null, context.RequestAborted);
        var log = loggers.CreateLogger("Alerts.Web.Api");
        foreach (var added in report.Added)
        {
            log.AdminChanged("import feed", added.Url);
        }

        return Results.Json(
            new OpmlImportReply(
                report.Added.Select(Reply).ToList(),
                report.Duplicates.Select(d => new OpmlSkippedReply(d.Url, d.Reason)).ToList(),
                report.Refused.Select(r => new OpmlSkippedReply(r.Url, r.Reason)).ToList(),
                document.Warnings),
            ApiJsonContext.Default.OpmlImportReply);
    }

    /// <summary><c>GET /api/v1/admin/feeds/export</c>: the http(s) feeds as OPML 2.0 (local file feeds left out).</summary>
    public static async Task<IResult> ExportFeedsAsync(ManageFeeds feeds, CancellationToken cancellationToken)
    {
        var (opml, _, _) = await feeds.ExportAsync(cancellationToken);
        return Results.Bytes(opml, "text/x-opml; charset=utf-8", fileDownloadName: "alerts-feeds.opml");
    }

    /// <summary><c>DELETE /api/v1/admin/feeds?url=...</c>: a URL does not fit in a path segment.</summary>
    public static async Task<IResult> RemoveFeedAsync(HttpContext context, ManageFeeds feeds, ILoggerFactory loggers)
    {
        var url = context.Request.Query["url"].ToString();
        if (string.IsNullOrWhiteSpace(url))
        {
            return ApiProblems.Validation("url", "web: name the feed with ?url=<feed URL>");
        }

        bool removed;
        try
        {
            removed = await feeds.RemoveAsync(url, allowFile: false, context.RequestAborted);
        }
        catch (ArgumentException ex)
        {
            return ApiProblems.Validation("url", ex.Message);
        }

        if (!removed)
        {
            return ApiProblems.Problem(StatusCodes.Status404NotFound, "feeds: there is no such feed");
        }

        loggers.CreateLogger("Alerts.Web.Api").AdminChanged("remove feed", url);
        return Results.NoContent();
    }

    /// <summary>Names and titles end up in email subjects and pages: one line, bounded.</summary>
    private static void CheckText(Dictionary<string, string[]> errors, string field, string? value, int maxLength, bool required)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            if (required)
            {
                errors[field] = [$"web: {field} is required"];
            }
        }
        else if (value.Length > maxLength)
        {
            errors[field] = [$"web: {field} is longer than {maxLength} characters"];
        }
        else if (value.Any(char.IsControl))
        {
            errors[field] = [$"web: {field} must not contain control characters (line breaks, tabs)"];
        }
    }

    private static AdminTopicReply Reply(Topic topic) =>
        new(topic.Id, topic.Name, topic.Query, topic.Description, topic.Languages, topic.FeedIds, topic.Public);

    private static AdminFeedReply Reply(FeedRecord feed) =>
        new(feed.Id, feed.Url, feed.Title, feed.NextCheckAt, feed.LastCheckedAt, feed.ConsecutiveErrors, feed.LastError, feed.Parked, feed.ParkedReason, feed.Group);
}
