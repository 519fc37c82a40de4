using System.Text;
using Alerts.Pipeline.Fetching;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Alerts.Cli.Commands;

/// <summary>A command argument that is either a local file or an http(s) URL fetched through the guarded client.</summary>
public sealed record InputDocument(byte[] Bytes, Uri? Url, string? ContentType, string? Charset);

/// <summary>
/// A local input file that cannot be used: not a regular file, over Fetch:MaxBytes, or not text. A
/// <see cref="FormatException"/>, so every command that refuses malformed input refuses it the same way (exit 2).
/// </summary>
public sealed class InputFileException : FormatException
{
    public InputFileException() { }
    public InputFileException(string message) : base(message) { }
    public InputFileException(string message, Exception innerException) : base(message, innerException) { }
}

public static class InputSource
{
    /// <summary>Bytes looked at for NUL bytes: text (UTF-8, Latin-1, XML, JSON) has none; images, archives and executables do.</summary>
    private const int SniffBytes = 8192;

    /// <exception cref="FileNotFoundException">Neither an existing file nor an http(s) URL.</exception>
    /// <exception cref="InputFileException">The file or the fetched body is not text, or the file is not a regular one or too large.</exception>
    /// <exception cref="FetchException">The URL could not be fetched.</exception>
    public static async Task<InputDocument> ReadAsync(IHost host, string fileOrUrl, string accept, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(host);
        if (Directory.Exists(fileOrUrl))
        {
            throw new InputFileException($"input: {fileOrUrl} is a folder, not a file");
        }

        if (File.Exists(fileOrUrl))
        {
            return new InputDocument(await ReadFileAsync(host, fileOrUrl, cancellationToken), null, null, null);
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

        if (!IsText(response.Body))
        {
            throw new FetchException($"fetcher: {response.FinalUrl} answered with binary data ({response.MediaType}), not text") { Failure = FetchFailure.Other };
        }

        var contentType = response.Charset is null ? response.MediaType : $"{response.MediaType}; charset={response.Charset}";
        return new InputDocument(response.Body, response.FinalUrl, contentType, response.Charset);
    }

    /// <summary>A local text file (an article file), with the same limits as <see cref="ReadAsync"/>.</summary>
    public static async Task<string> ReadTextFileAsync(IHost host, string path, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(host);
        var bytes = await ReadFileAsync(host, path, cancellationToken);
        return new UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetString(bytes).TrimStart('\uFEFF');
    }

    /// <summary>
    /// Reads a local file with the cap fetched content has (Fetch:MaxBytes), refusing what is not a regular text
    /// file. A device or /proc file reports a size of 0 and then streams data (<c>/dev/zero</c> never ends), so
    /// a file that yields more than its reported size is refused as soon as it does.
    /// </summary>
    private static async Task<byte[]> ReadFileAsync(IHost host, string path, CancellationToken cancellationToken)
    {
        var maxBytes = host.Services.GetRequiredService<IOptions<FetchOptions>>().Value.MaxBytes;
        var info = new FileInfo(path);
        if (info.Length > maxBytes)
        {
            throw new InputFileException($"input: {path} is {info.Length} bytes, over the {maxBytes}-byte limit (Fetch:MaxBytes)");
        }

        var reported = info.Length;
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 1, useAsync: true);
        using var body = new MemoryStream();
        var buffer = new byte[64 * 1024];
        int read;
        while ((read = await stream.ReadAsync(buffer, cancellationToken)) > 0)
        {
            if (body.Length + read > reported)
            {
                throw new InputFileException($"input: {path} is not a regular file (a device, pipe or special file); give a regular file");
            }

            body.Write(buffer, 0, read);
        }

        var bytes = body.ToArray();
        return IsText(bytes)
            ? bytes
            : throw new InputFileException($"input: {path} is not a text file (it holds binary data); give an HTML, XML, JSON or text file");
    }

    /// <summary>Binary content has a NUL byte in its first 8 KiB; text does not, unless it is UTF-16 with its byte-order mark.</summary>
    private static bool IsText(byte[] bytes)
    {
        var utf16 = bytes.Length >= 2 && ((bytes[0] == 0xFF && bytes[1] == 0xFE) || (bytes[0] == 0xFE && bytes[1] == 0xFF));
        return utf16 || !bytes.AsSpan(0, Math.Min(bytes.Length, SniffBytes)).Contains((byte)0);
    }
}
