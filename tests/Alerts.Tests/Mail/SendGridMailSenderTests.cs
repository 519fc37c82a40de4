using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Alerts.Pipeline.Mail;
using Alerts.Tests.Fetching;
using Microsoft.AspNetCore.Http;

namespace Alerts.Tests.Mail;

/// <summary>
/// The SendGrid client against a local server that checks each request as the v3 Mail Send reference
/// describes it and answers from a script.
/// </summary>
public class SendGridMailSenderTests
{
    private const string ApiKey = "SG.test-key";

    /// <summary>Top-level members of the v3 mail/send body this client may use.</summary>
    private static readonly HashSet<string> KnownMembers = ["personalizations", "from", "reply_to", "subject", "content", "headers", "custom_args", "categories", "send_at", "mail_settings", "tracking_settings"];

    private static readonly HashSet<string> ReservedHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "x-sg-id", "x-sg-eid", "received", "dkim-signature", "Content-Type", "Content-Transfer-Encoding", "To", "From", "Subject", "Reply-To", "CC", "BCC",
    };

    /// <summary>A scripted SendGrid: each request is checked, then answered by the next step (the last repeats).</summary>
    private sealed class FakeSendGrid(params Func<HttpContext, Task>[] script)
    {
        private int _requests;

        public List<JsonElement> Bodies { get; } = [];

        public List<string> Problems { get; } = [];

        public List<string> UserAgents { get; } = [];

        public int Requests => _requests;

        public async Task HandleAsync(HttpContext context)
        {
            var index = Interlocked.Increment(ref _requests) - 1;
            var problems = await CheckAsync(context.Request);
            if (problems.Count > 0)
            {
                lock (Problems)
                {
                    Problems.AddRange(problems);
                }

                context.Response.StatusCode = 400;
                await context.Response.WriteAsync(JsonSerializer.Serialize(new { errors = problems.Select(p => new { message = p }) }));
                return;
            }

            await script[Math.Min(index, script.Length - 1)](context);
        }

        private async Task<List<string>> CheckAsync(HttpRequest request)
        {
            var problems = new List<string>();
            lock (UserAgents)
            {
                UserAgents.Add(request.Headers.UserAgent.ToString());
            }

            if (request.Method != "POST" || request.Path != "/v3/mail/send")
            {
                problems.Add($"expected POST /v3/mail/send, got {request.Method} {request.Path}");
            }

            if (request.Headers.Authorization.ToString() != "Bearer " + ApiKey)
            {
                problems.Add("missing or wrong bearer token");
            }

            if (request.ContentType?.StartsWith("application/json", StringComparison.Ordinal) != true)
            {
                problems.Add($"content type {request.ContentType}");
            }

            using var reader = new StreamReader(request.Body, Encoding.UTF8);
            JsonElement body;
            try
            {
                body = JsonDocument.Parse(await reader.ReadToEndAsync()).RootElement.Clone();
            }
            catch (JsonException ex)
            {
                problems.Add("body is not JSON: " + ex.Message);
                return problems;
            }

            lock (Bodies)
            {
                Bodies.Add(body);
            }

            foreach (var member in body.EnumerateObject())
            {
                if (!KnownMembers.Contains(member.Name))
                {
                    problems.Add($"unknown member {member.Name}");
                }
            }

            if (!body.TryGetProperty("personalizations", out var personalizations) || personalizations.GetArrayLength() == 0)
            {
                problems.Add("personalizations must be a non-empty array");
            }
            else
            {
                foreach (var personalization in personalizations.EnumerateArray())
                {
                    if (!personalization.TryGetProperty("to", out var to) || to.GetArrayLength() == 0 || to.EnumerateArray().Any(t => !IsEmail(t)))
                    {
                        problems.Add("personalizations[].to must be a non-empty array of {email, name?}");
                    }
                }
            }

            if (!body.TryGetProperty("from", out var from) || !IsEmail(from))
            {
                problems.Add("from must be {email, name?}");
            }

            if (!body.TryGetProperty("subject", out var subject) || subject.ValueKind != JsonValueKind.String || subject.GetString()!.Length == 0)
            {
                problems.Add("subject must be a non-empty string");
            }

            if (!body.TryGetProperty("content", out var content) || content.GetArrayLength() == 0)
            {
                problems.Add("content must be a non-empty array");
            }
            else
            {
                var types = content.EnumerateArray().Select(c => c.GetProperty("type").GetString()).ToList();
                if (types.Contains("text/plain") && types[0] != "text/plain")
                {
                    problems.Add("text/plain must come first in content");
                }

                if (content.EnumerateArray().Any(c => c.GetProperty("value").ValueKind != JsonValueKind.String || c.GetProperty("value").GetString()!.Length == 0))
                {
                    problems.Add("content[].value must be a non-empty string");
                }
            }

            if (body.TryGetProperty("headers", out var headers))
            {
                foreach (var header in headers.EnumerateObject())
                {
                    if (ReservedHeaders.Contains(header.Name))
                    {
                        problems.Add($"reserved header {header.Name}");
                    }

                    if (header.Value.ValueKind != JsonValueKind.String || header.Value.GetString()!.Any(c => c is '\r' or '\n' or '\0'))
                    {
                        problems.Add($"header {header.Name} must be a single-line string");
                    }
                }
            }

            if (body.TryGetProperty("custom_args", out var customArgs) && customArgs.EnumerateObject().Any(a => a.Value.ValueKind != JsonValueKind.String))
            {
                problems.Add("custom_args values must be strings");
            }

            return problems;
        }

        private static bool IsEmail(JsonElement address) =>
            address.ValueKind == JsonValueKind.Object
            && address.TryGetProperty("email", out var email)
            && email.ValueKind == JsonValueKind.String
            && email.GetString()!.Contains('@', StringComparison.Ordinal);
    }

    private static Func<HttpContext, Task> Answer(int status, string? body = null, string? retryAfter = null, string? messageId = null) => async context =>
    {
        context.Response.StatusCode = status;
        if (retryAfter is not null)
        {
            context.Response.Headers.RetryAfter = retryAfter;
        }

        if (messageId is not null)
        {
            context.Response.Headers["X-Message-Id"] = messageId;
        }

        if (body is not null)
        {
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(body);
        }
    };

    private static MailTestHost Host(Uri baseUrl, string maxAttempts = "3") => MailTestHost.Create(new Dictionary<string, string?>
    {
        ["Mail:Provider"] = "sendgrid",
        ["Mail:SendGrid:ApiKey"] = ApiKey,
        ["Mail:SendGrid:BaseUrl"] = baseUrl.ToString(),
        ["Mail:SendGrid:RetryDelay"] = "00:00:00.010",
        ["Mail:SendGrid:MaxAttempts"] = maxAttempts,
        ["Mail:SendGrid:Timeout"] = "00:00:05",
    });

    [Fact]
    public async Task AnAcceptedMessageIsOneRequestInTheDocumentedShape()
    {
        var fake = new FakeSendGrid(Answer(202, messageId: "sg-123"));
        await using var server = await LoopbackServer.StartAsync(fake.HandleAsync);
        using var host = Host(server.BaseUri);

        var result = await host.Sender.SendAsync(MailSamples.Digest(), "sub1-d20260302", TestContext.Current.CancellationToken);

        fake.Problems.ShouldBeEmpty();
        result.ShouldBe(MailSendResult.Sent("sg-123"));
        fake.Requests.ShouldBe(1);
        var body = fake.Bodies.Single();
        var to = body.GetProperty("personalizations")[0].GetProperty("to")[0];
        to.GetProperty("email").GetString().ShouldBe("reader@example.com");
        to.GetProperty("name").GetString().ShouldBe("A Reader");
        body.GetProperty("from").GetProperty("email").GetString().ShouldBe("alerts@alerts.example.org");
        body.GetProperty("from").GetProperty("name").GetString().ShouldBe("Alerts");
        body.GetProperty("subject").GetString().ShouldBe("Turkey S-400: 1 new claim, 2 contradictions");
        body.GetProperty("content").EnumerateArray().Select(c => c.GetProperty("type").GetString()).ShouldBe(["text/plain", "text/html"]);
        body.GetProperty("content")[0].GetProperty("value").GetString().ShouldBe(MailSamples.Text);
        body.GetProperty("content")[1].GetProperty("value").GetString().ShouldBe(MailSamples.Html);
        var headers = body.GetProperty("headers");
        headers.GetProperty("List-Unsubscribe").GetString().ShouldBe("<https://alerts.example.org/unsubscribe?t=v1.k1.abc.def>, <mailto:unsubscribe@alerts.example.org?subject=v1.k1.abc.def>");
        headers.GetProperty("List-Unsubscribe-Post").GetString().ShouldBe("List-Unsubscribe=One-Click");
        headers.GetProperty("List-Id").GetString().ShouldBe("<digests.alerts.example.org>");
        headers.GetProperty("X-Alerts-Digest").GetString().ShouldBe("sub1-d20260302");
        body.GetProperty("custom_args").GetProperty("digest_id").GetString().ShouldBe("sub1-d20260302");
        fake.UserAgents.ShouldHaveSingleItem().ShouldStartWith("sendgrid/9.29");
    }

    [Fact]
    public async Task TooManyRequestsIsRetriedAfterTheRetryAfterWait()
    {
        var fake = new FakeSendGrid(Answer(429, "{\"errors\":[{\"message\":\"too many requests\"}]}", retryAfter: "1"), Answer(202));
        await using var server = await LoopbackServer.StartAsync(fake.HandleAsync);
        using var host = Host(server.BaseUri);
        var watch = Stopwatch.StartNew();

        var result = await host.Sender.SendAsync(MailSamples.Digest(), "sub1-d20260302", TestContext.Current.CancellationToken);

        result.Outcome.ShouldBe(MailSendOutcome.Sent);
        fake.Requests.ShouldBe(2);
        fake.Problems.ShouldBeEmpty();
        watch.Elapsed.ShouldBeGreaterThan(TimeSpan.FromMilliseconds(900), "Retry-After: 1 was not honoured");
        fake.Bodies[1].ToString().ShouldBe(fake.Bodies[0].ToString());
    }

    [Fact]
    public async Task ServerErrorsAreRetriedThenThrownAsTransient()
    {
        var fake = new FakeSendGrid(Answer(500, "{\"errors\":[{\"message\":\"internal error\"}]}"));
        await using var server = await LoopbackServer.StartAsync(fake.HandleAsync);
        using var host = Host(server.BaseUri);

        var ex = await Should.ThrowAsync<MailTransientException>(() => host.Sender.SendAsync(MailSamples.Digest(), "sub1-d20260302", TestContext.Current.CancellationToken));

        ex.Message.ShouldBe("mail: SendGrid answered 500 after 3 tries: internal error");
        fake.Requests.ShouldBe(3);
    }

    [Fact]
    public async Task TheNumberOfTriesComesFromTheOptions()
    {
        var fake = new FakeSendGrid(Answer(503), Answer(503), Answer(503), Answer(503), Answer(202));
        await using var server = await LoopbackServer.StartAsync(fake.HandleAsync);
        using var host = Host(server.BaseUri, maxAttempts: "5");

        var result = await host.Sender.SendAsync(MailSamples.Digest(), "sub1-d20260302", TestContext.Current.CancellationToken);

        result.Outcome.ShouldBe(MailSendOutcome.Sent);
        fake.Requests.ShouldBe(5);
    }

    [Fact]
    public async Task ABadRequestIsAPermanentFailureWithSendGridsMessages()
    {
        const string errors = "{\"errors\":[{\"message\":\"The from address does not match a verified Sender Identity.\",\"field\":\"from\",\"help\":null},{\"message\":\"Invalid type.\"}]}";
        var fake = new FakeSendGrid(Answer(400, errors));
        await using var server = await LoopbackServer.StartAsync(fake.HandleAsync);
        using var host = Host(server.BaseUri);

        var result = await host.Sender.SendAsync(MailSamples.Digest(), "sub1-d20260302", TestContext.Current.CancellationToken);

        result.Outcome.ShouldBe(MailSendOutcome.PermanentFailure);
        result.Reason.ShouldBe("mail: SendGrid refused the message (400): from: The from address does not match a verified Sender Identity.; Invalid type.");
        fake.Requests.ShouldBe(1);
        fake.Problems.ShouldBeEmpty();
    }

    [Theory]
    [InlineData(401, "{\"errors\":[{\"message\":\"The provided authorization grant is invalid, expired, or revoked\"}]}", "(401): The provided authorization grant is invalid")]
    [InlineData(413, "request entity too large", "(413): request entity too large")]
    [InlineData(403, "", "(403): Forbidden")]
    public async Task OtherClientErrorsArePermanentToo(int status, string body, string reason)
    {
        var fake = new FakeSendGrid(Answer(status, body));
        await using var server = await LoopbackServer.StartAsync(fake.HandleAsync);
        using var host = Host(server.BaseUri);

        var result = await host.Sender.SendAsync(MailSamples.Digest(), "sub1-d20260302", TestContext.Current.CancellationToken);

        result.Outcome.ShouldBe(MailSendOutcome.PermanentFailure);
        result.Reason!.ShouldContain(reason);
        fake.Requests.ShouldBe(1);
    }

    [Fact]
    public async Task CancellingDuringTheRetryWaitStopsWithoutATransientError()
    {
        var fake = new FakeSendGrid(Answer(429, retryAfter: "30"), Answer(202));
        await using var server = await LoopbackServer.StartAsync(fake.HandleAsync);
        using var host = Host(server.BaseUri);
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);

        // Cancel once the first answer (429, retry after 30 s) is in, so the cancellation lands in the wait however slow the machine.
        var send = host.Sender.SendAsync(MailSamples.Digest(), "sub1-d20260302", cancel.Token);
        while (fake.Requests == 0 && !send.IsCompleted)
        {
            await Task.Delay(10, TestContext.Current.CancellationToken);
        }

        await Task.Delay(100, TestContext.Current.CancellationToken);
        await cancel.CancelAsync();

        await Should.ThrowAsync<OperationCanceledException>(() => send);
        fake.Requests.ShouldBe(1);
    }

    [Fact]
    public async Task AnUnreachableServiceIsTransientAfterTheTries()
    {
        using var host = Host(new Uri($"http://127.0.0.1:{ClosedPort()}/"));

        var ex = await Should.ThrowAsync<MailTransientException>(() => host.Sender.SendAsync(MailSamples.Digest(), "sub1-d20260302", TestContext.Current.CancellationToken));

        ex.Message.ShouldStartWith("mail: SendGrid could not be reached after 3 tries");
    }

    [Fact]
    public async Task FeedTextInTheSubjectAndNamesArrivesOnOneLine()
    {
        var fake = new FakeSendGrid(Answer(202));
        await using var server = await LoopbackServer.StartAsync(fake.HandleAsync);
        using var host = Host(server.BaseUri);
        var message = MailSamples.Digest("S-400\r\nBcc: victim@example.net") with
        {
            To = new Alerts.Core.Mail.MailboxAddress("reader@example.com", "Reader\r\nBcc: x@y.z"),
            Headers = [new("X-Alerts-Topic", "Turkey\nS-400")],
            HtmlBody = null,
        };

        await host.Sender.SendAsync(message, "sub1-d20260302", TestContext.Current.CancellationToken);

        fake.Problems.ShouldBeEmpty();
        var body = fake.Bodies.Single();
        body.GetProperty("subject").GetString().ShouldBe("S-400 Bcc: victim@example.net");
        body.GetProperty("personalizations")[0].GetProperty("to")[0].GetProperty("name").GetString().ShouldBe("Reader Bcc: x@y.z");
        body.GetProperty("headers").GetProperty("X-Alerts-Topic").GetString().ShouldBe("Turkey S-400");
        body.GetProperty("content").GetArrayLength().ShouldBe(1);
        body.GetProperty("personalizations")[0].GetProperty("to").GetArrayLength().ShouldBe(1);
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
