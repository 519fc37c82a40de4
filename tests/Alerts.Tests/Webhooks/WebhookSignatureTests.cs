using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Alerts.Core.Webhooks;

namespace Alerts.Tests.Webhooks;

/// <summary>Our signer against the specification's published example, and the README's three verifiers against our signer.</summary>
public class WebhookSignatureTests
{
    private const string VectorSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    [Fact]
    public void SignatureMatchesTheStandardWebhooksTestVector()
    {
        var signature = WebhookSignature.Sign(VectorSecret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, Encoding.UTF8.GetBytes("""{"test": 2432232314}"""));

        signature.ShouldBe("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }

    [Fact]
    public void NewSecretsAreWhsecBase64Of32RandomBytes()
    {
        var one = WebhookSignature.NewSecret();
        var two = WebhookSignature.NewSecret();

        one.ShouldStartWith("whsec_");
        Convert.FromBase64String(one["whsec_".Length..]).Length.ShouldBe(32);
        one.ShouldNotBe(two);
        WebhookSignature.IsValidSecret(one).ShouldBeTrue();
        WebhookSignature.IsValidSecret("whsec_short").ShouldBeFalse();
        WebhookSignature.IsValidSecret("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").ShouldBeFalse();
    }

    [Fact]
    public void TheReadmeCSharpVerifierAcceptsOurSignatureAndRefusesATamperedOne()
    {
        var (secret, id, timestamp, body, signature) = Signed(DateTimeOffset.UtcNow);
        var now = DateTimeOffset.UtcNow;

        StandardWebhookVerifier.Verify(secret, id, timestamp, signature, body, now).ShouldBeTrue();
        StandardWebhookVerifier.Verify(secret, id, timestamp, "v1,AAAA " + signature, body, now).ShouldBeTrue();
        StandardWebhookVerifier.Verify(secret, id, timestamp, signature, [.. body, (byte)' '], now).ShouldBeFalse();
        StandardWebhookVerifier.Verify(WebhookSignature.NewSecret(), id, timestamp, signature, body, now).ShouldBeFalse();
        StandardWebhookVerifier.Verify(secret, id, timestamp, signature, body, now.AddMinutes(6)).ShouldBeFalse();
        ReadmeBlock("csharp").ShouldContain(CSharpSnippet());
    }

    [Fact]
    public async Task TheReadmePythonVerifierAcceptsOurSignatureAndRefusesATamperedOne()
    {
        var snippet = await File.ReadAllTextAsync(TestEnvironment.TestData("Webhooks/testdata/verify.py"), TestContext.Current.CancellationToken);
        ReadmeBlock("python").ShouldContain(snippet.TrimEnd());
        var driver = snippet + """

            import json, sys
            case = json.load(sys.stdin)
            body = base64.b64decode(case["body"])
            print(verify(case["secret"], case["headers"], body), verify(case["secret"], case["headers"], body + b" "))
            """;
        (await RunAsync("python3", ["-c", driver])).ShouldBe("True False");
    }

    [Fact]
    public async Task TheReadmeJavaScriptVerifierAcceptsOurSignatureAndRefusesATamperedOne()
    {
        var snippet = await File.ReadAllTextAsync(TestEnvironment.TestData("Webhooks/testdata/verify.js"), TestContext.Current.CancellationToken);
        ReadmeBlock("javascript").ShouldContain(snippet.TrimEnd());
        var driver = snippet + """

            const input = JSON.parse(require("node:fs").readFileSync(0, "utf8"));
            const body = Buffer.from(input.body, "base64");
            console.log(verify(input.secret, input.headers, body), verify(input.secret, input.headers, Buffer.concat([body, Buffer.from(" ")])));
            """;
        (await RunAsync("node", ["-e", driver])).ShouldBe("true false");
    }

    private static (string Secret, string Id, string Timestamp, byte[] Body, string Signature) Signed(DateTimeOffset at)
    {
        var secret = WebhookSignature.NewSecret();
        var body = Encoding.UTF8.GetBytes("""{"type":"digest","data":{"claim":"Velmar – 300 million €"}}""");
        var timestamp = at.ToUnixTimeSeconds();
        return (secret, "sub-d20251212", timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture), body,
            WebhookSignature.Sign(secret, "sub-d20251212", timestamp, body));
    }

    /// <summary>Runs a verifier with one real signature of ours on stdin; its stdout, trimmed.</summary>
    private static async Task<string> RunAsync(string program, string[] arguments)
    {
        var found = Environment.GetEnvironmentVariable("PATH")!.Split(Path.PathSeparator).Any(d => File.Exists(Path.Combine(d, program)));
        TestEnvironment.RequireOrSkip(found, $"{program} is not on PATH");
        var (secret, id, timestamp, body, signature) = Signed(DateTimeOffset.UtcNow);
        var input = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["secret"] = secret,
            ["body"] = Convert.ToBase64String(body),
            ["headers"] = new Dictionary<string, string> { ["webhook-id"] = id, ["webhook-timestamp"] = timestamp, ["webhook-signature"] = signature },
        });
        var start = new ProcessStartInfo(program) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        await process.StandardInput.WriteAsync(input);
        process.StandardInput.Close();
        var output = await process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var error = await process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        process.ExitCode.ShouldBe(0, error);
        return output.Trim();
    }

    /// <summary>The method between the README markers of <see cref="StandardWebhookVerifier"/>, de-indented.</summary>
    private static string CSharpSnippet()
    {
        var source = File.ReadAllText(Path.Combine(TestEnvironment.RepositoryRoot, "tests", "Alerts.Tests", "Webhooks", "StandardWebhookVerifier.cs"));
        var start = source.IndexOf("// README:begin", StringComparison.Ordinal);
        var end = source.IndexOf("// README:end", StringComparison.Ordinal);
        var lines = source[start..end].Split('\n').Skip(1).Select(l => l.StartsWith("    ", StringComparison.Ordinal) ? l[4..] : l);
        return string.Join('\n', lines).TrimEnd();
    }

    /// <summary>The README's code blocks of one language under "Webhooks", joined.</summary>
    private static string ReadmeBlock(string language)
    {
        var readme = File.ReadAllText(Path.Combine(TestEnvironment.RepositoryRoot, "README.md")).Replace("\r\n", "\n", StringComparison.Ordinal);
        var blocks = new StringBuilder();
        var fence = "```" + language + "\n";
        for (var at = readme.IndexOf(fence, StringComparison.Ordinal); at >= 0; at = readme.IndexOf(fence, at + 1, StringComparison.Ordinal))
        {
            var end = readme.IndexOf("\n```", at + fence.Length, StringComparison.Ordinal);
            blocks.Append(readme[(at + fence.Length)..end]).Append('\n');
        }

        return blocks.ToString();
    }
}
