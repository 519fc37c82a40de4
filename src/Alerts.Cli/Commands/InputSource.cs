using Alerts.Pipeline.Fetching;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Alerts.Cli.Commands;

/// <summary>A command argument that is either a local file or an http(s) URL fetched through the guarded client.</summary>
public sealed record InputDocument(byte[] Bytes, Uri? Url, string? ContentType, string? Charset);

public static class InputSource
{
    /// <exception cref="FileNotFoundException">Neither an existing file nor an http(s) URL.</exception>
    /// <exception cref="FetchException">The URL could not be fetched.</exception>
    public static async Task<InputDocument> ReadAsync(IHost host, string fileOrUrl, string accept, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(host);
        if (File.Exists(fileOrUrl))
        {
            return new InputDocument(await File.ReadAllBytesAsync(fileOrUrl, cancellationToken), null, null, null);
        }

        if (!Uri.TryCreate(fileOrUrl, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
        {
            throw new FileNotFoundException($"no such file, and not an http(s) URL: {fileOrUrl}", fileOrUrl);
        }

        var response = await host.Services.GetRequiredService<GuardedHttpClient>()
            .FetchAsync(url, validators: null, accept: accept, cancellationToken: cancellationToken);
        if (!response.IsSuccess)
        {
            throw new FetchException($"fetcher: HTTP {response.StatusCode} from {response.FinalUrl}") { Failure = FetchFailure.Other };
        }

        var contentType = response.Charset is null ? response.MediaType : $"{response.MediaType}; charset={response.Charset}";
        return new InputDocument(response.Body, response.FinalUrl, contentType, response.Charset);
    }
}
