using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace Alerts.Web.Pages;

/// <summary>
/// One of the two files the pages load (<c>/alerts.css</c>, <c>/alerts.js</c>), embedded in the assembly.
/// Pages link <see cref="VersionedPath"/>, whose <c>?v=</c> changes with the content, so browsers may keep a
/// copy for a day and still see a new release at once; the strong ETag answers revalidations with 304.
/// </summary>
public sealed class StaticAsset
{
    public static readonly StaticAsset Stylesheet = Load("alerts.css", "text/css; charset=utf-8");
    public static readonly StaticAsset Script = Load("alerts.js", "text/javascript; charset=utf-8");

    private readonly byte[] _content;
    private readonly string _contentType;

    private StaticAsset(string path, byte[] content, string contentType)
    {
        Path = path;
        _content = content;
        _contentType = contentType;
        var hash = Convert.ToHexStringLower(SHA256.HashData(content))[..16];
        ETag = "\"" + hash + "\"";
        VersionedPath = path + "?v=" + hash;
    }

    public string Path { get; }

    public string VersionedPath { get; }

    public string ETag { get; }

    public IResult Serve(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var headers = context.Response.Headers;
        headers.ETag = ETag;
        headers.CacheControl = "public, max-age=86400";
        var ifNoneMatch = context.Request.Headers.IfNoneMatch.ToString();
        if (ifNoneMatch.Length > 0 && EntityTagHeaderValue.TryParseList([ifNoneMatch], out var tags)
            && tags.Any(t => t.Tag.ToString() == ETag || t.Tag.ToString() == "*"))
        {
            return Results.StatusCode(StatusCodes.Status304NotModified);
        }

        return Results.Bytes(_content, _contentType);
    }

    private static StaticAsset Load(string name, string contentType)
    {
        using var stream = typeof(StaticAsset).Assembly.GetManifestResourceStream("Alerts.Web.Assets." + name)
            ?? throw new InvalidOperationException($"pages: the embedded asset {name} is missing from the build");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return new StaticAsset("/" + name, copy.ToArray(), contentType);
    }
}
