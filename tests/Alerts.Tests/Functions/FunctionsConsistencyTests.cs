using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Alerts.Azure;
using Alerts.Core.Subscriptions;
using Alerts.Pipeline.Articles;
using Alerts.Pipeline.Feeds;
using Alerts.Pipeline.Fetching;
using Alerts.Pipeline.Hosting;
using Alerts.Pipeline.Mail;
using Alerts.Pipeline.Queues;
using Alerts.Pipeline.Subscriptions;
using Alerts.Tests.Azure;
using Alerts.Web;
using Azure.Storage.Queues;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Alerts.Tests.Functions;

/// <summary>
/// The built functions.metadata (what Worker.Sdk wrote into the published package), host.json,
/// local.settings.json.example, infra/main.bicep and the storage adapters must agree: the host resolves every
/// %Setting% a binding names from app settings the infrastructure sets, listens on queues the infrastructure
/// creates in the encoding the adapters write, and routes every web page and endpoint to some HTTP function.
/// </summary>
[Collection(PublishedWorkerCollection.Name)]
public partial class FunctionsConsistencyTests(PublishedWorkerFixture package, AzuriteFixture azurite)
{
    private const string StorageConnection = "AzureWebJobsStorage";

    private static string Root => TestEnvironment.RepositoryRoot;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Text(JsonObject binding, string property) => LoadedFunction.Text(binding, property);

    private IEnumerable<JsonObject> AllBindings => package.Metadata().Values.SelectMany(b => b);

    private static Dictionary<string, string> LocalSettings()
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(Root, "local.settings.json.example")));
        return json.RootElement.GetProperty("Values").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!, StringComparer.Ordinal);
    }

    private static string Bicep => File.ReadAllText(Path.Combine(Root, "infra", "main.bicep"));

    private static JsonNode HostJson => JsonNode.Parse(File.ReadAllText(Path.Combine(Root, "host.json")))!;

    /// <summary>The function app's app settings in main.bicep, written one per line as <c>{ name: 'X', value: ... }</c>.</summary>
    private static Dictionary<string, string> InfraSettings() =>
        BicepAppSetting().Matches(Bicep).ToDictionary(m => m.Groups["name"].Value, m => m.Groups["value"].Value.Trim(), StringComparer.Ordinal);

    private static List<string> InfraQueues()
    {
        var block = BicepQueueNames().Match(Bicep);
        block.Success.ShouldBeTrue("main.bicep declares var queueNames = [ ... ]");
        return BicepString().Matches(block.Groups["items"].Value).Select(m => m.Groups[1].Value).ToList();
    }

    private static string? SettingName(string expression) => BindingExpression().Match(expression) is { Success: true } m ? m.Groups[1].Value : null;

    [Fact]
    public void ThePackageHasTheFunctionsTheirBindingsAndTheRootHostJson()
    {
        var metadata = package.Metadata();

        metadata.Keys.Order(StringComparer.Ordinal).ShouldBe(["Admin", "Api", "ManagePages", "Pages", "PollFeed", "PrivateFeeds", "ProcessArticle", "Schedule", "ScheduleDigests", "SendDigest", "StoryPages"]);
        File.ReadAllText(Path.Combine(package.AppFolder, "host.json")).ShouldBe(File.ReadAllText(Path.Combine(Root, "host.json")), "the package carries the repository root's host.json");
        File.Exists(Path.Combine(package.AppFolder, "extensions.json")).ShouldBeTrue("Worker.Sdk's extensions.json tells the host which binding extensions to load");
        File.Exists(Path.Combine(package.AppFolder, "Alerts.Functions.dll")).ShouldBeTrue();
        Directory.GetFiles(package.AppFolder, "*.pdb").ShouldBeEmpty();

        string Trigger(string function) => Text(metadata[function].Single(b => Text(b, "direction") == "In"), "type");
        string[] Outputs(string function) => metadata[function].Where(b => Text(b, "direction") == "Out").Select(b => Text(b, "type") + " " + Text(b, "queueName")).ToArray();
        (Trigger("Schedule"), Outputs("Schedule").Single()).ShouldBe(("timerTrigger", "queue %FeedPollQueue%"));
        (Trigger("PollFeed"), Outputs("PollFeed").Single()).ShouldBe(("queueTrigger", "queue %ArticlesQueue%"));
        (Trigger("ProcessArticle"), Outputs("ProcessArticle").Length).ShouldBe(("queueTrigger", 0));
        (Trigger("ScheduleDigests"), Outputs("ScheduleDigests").Single()).ShouldBe(("timerTrigger", "queue %DigestsQueue%"));
        (Trigger("SendDigest"), Outputs("SendDigest").Length).ShouldBe(("queueTrigger", 0));
        var size = new FileInfo(package.ZipPath).Length;
        TestContext.Current.TestOutputHelper?.WriteLine($"package: {size / 1024.0 / 1024.0:F1} MB zipped, built in {package.BuildTime.TotalSeconds:F0} s");
    }

    [Fact]
    public void EveryBindingSettingIsSetInInfraAndLocalSettings()
    {
        var used = AllBindings.SelectMany(b => new[] { Text(b, "queueName"), Text(b, "schedule") })
            .Where(e => e.Length > 0)
            .Select(e => SettingName(e) ?? throw new ShouldAssertException($"binding value '{e}' must come from an app setting (%Name%)"))
            .ToHashSet(StringComparer.Ordinal);
        var infra = InfraSettings();
        var local = LocalSettings();

        used.Order(StringComparer.Ordinal).ShouldBe(["AlertsSchedule", "ArticlesQueue", "DigestSchedule", "DigestsQueue", "FeedPollQueue"]);
        foreach (var setting in used)
        {
            infra.ShouldContainKey(setting, $"infra/main.bicep does not set {setting}");
            local.ShouldContainKey(setting, $"local.settings.json.example does not set {setting}");
        }

        local["AlertsSchedule"].ShouldBe("0 */5 * * * *");
        local["DigestSchedule"].ShouldBe("0 */5 * * * *");
        Bicep.ShouldContain("param alertSchedule string = '0 */5 * * * *'");
        Bicep.ShouldContain("param digestSchedule string = '0 */5 * * * *'");
        infra["AlertsSchedule"].ShouldBe("alertSchedule");
        infra["DigestSchedule"].ShouldBe("digestSchedule");
    }

    [Fact]
    public void EveryQueueSettingNamesAQueueTheInfrastructureCreatesAndThePipelineUses()
    {
        var queueSettings = AllBindings.Select(b => Text(b, "queueName")).Where(q => q.Length > 0).Select(q => SettingName(q)!).Distinct().ToList();
        var infra = InfraSettings();
        var local = LocalSettings();
        var created = InfraQueues();

        created.ShouldBe([QueueNames.FeedPoll, QueueNames.Articles, QueueNames.Digests], ignoreOrder: true);
        foreach (var setting in queueSettings)
        {
            var infraValue = infra[setting].Trim('\'');
            created.ShouldContain(infraValue, $"{setting} = '{infraValue}' but main.bicep does not create that queue");
            local[setting].ShouldBe(infraValue, $"local.settings.json.example and main.bicep disagree on {setting}");
        }

        infra["FeedPollQueue"].ShouldBe($"'{QueueNames.FeedPoll}'");
        infra["ArticlesQueue"].ShouldBe($"'{QueueNames.Articles}'");
        infra["DigestsQueue"].ShouldBe($"'{QueueNames.Digests}'");
    }

    [Fact]
    public void TheStorageConnectionIsIdentityBasedInAzureAndSetLocally()
    {
        var connections = AllBindings.Select(b => Text(b, "connection")).Where(c => c.Length > 0).Distinct().ToList();
        var infra = InfraSettings();

        connections.ShouldBe([StorageConnection]);
        LocalSettings().ShouldContainKey(StorageConnection);
        infra.ShouldContainKey(StorageConnection + "__accountName");
        infra[StorageConnection + "__credential"].ShouldBe("'managedidentity'");
        infra.ShouldContainKey(StorageConnection + "__clientId");
        infra.ShouldNotContainKey(StorageConnection, "a connection string would need shared keys, which the account disables");
        Bicep.ShouldContain("allowSharedKeyAccess: false");
    }

    [Fact]
    public void TheAppRunsOnTheDotnetIsolatedWorkerOnDotnetTen()
    {
        var infra = InfraSettings();

        infra.ShouldContainKey("APPLICATIONINSIGHTS_CONNECTION_STRING");
        // The Flex Consumption plan rejects these; the runtime is set in functionAppConfig instead.
        infra.ShouldNotContainKey("FUNCTIONS_WORKER_RUNTIME");
        infra.ShouldNotContainKey("FUNCTIONS_EXTENSION_VERSION");
        Bicep.ShouldContain("name: 'dotnet-isolated'");
        Bicep.ShouldContain("version: '10.0'");
        LocalSettings()["FUNCTIONS_WORKER_RUNTIME"].ShouldBe("dotnet-isolated");
        var azd = File.ReadAllText(Path.Combine(Root, "azure.yaml"));
        azd.ShouldContain("language: dotnet");
        azd.ShouldContain("host: function");
        azd.ShouldContain("project: ./src/Alerts.Functions");
        File.ReadAllText(Path.Combine(Root, "src", "Alerts.Functions", "Alerts.Functions.csproj")).ShouldNotContain("Alerts.Sqlite");
        Bicep.ShouldContain("'azd-service-name': 'functions'");
    }

    [Fact]
    public void HostJsonPoisonsAfterFiveAttemptsKeepsTheRootUrlsAndHasNoCustomHandler()
    {
        var host = HostJson;
        var queues = host["extensions"]!["queues"]!;

        host["version"]!.GetValue<string>().ShouldBe("2.0");
        host.AsObject().ContainsKey("customHandler").ShouldBeFalse();
        host.AsObject().ContainsKey("extensionBundle").ShouldBeFalse("the isolated worker brings its extensions (extensions.json); a bundle would be a second set");
        queues["maxDequeueCount"]!.GetValue<int>().ShouldBe(QueueNames.MaxDequeueCount);
        queues["batchSize"]!.GetValue<int>().ShouldBeInRange(1, 32);
        TimeSpan.Parse(queues["visibilityTimeout"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture).ShouldBeLessThan(TimeSpan.FromMinutes(5), "a failed message is retried well within the scheduler's 15 minute poll hold");
        host["extensions"]!["http"]!["routePrefix"]!.GetValue<string>().ShouldBe("", "pages live at the site root, as under alerts serve");
    }

    [Fact]
    public async Task TheQueueAdaptersWriteTheEncodingHostJsonTellsTheTriggerToRead()
    {
        package.Require();
        var account = azurite.CreateAccount();
        var prefix = AzuriteFixture.UniqueName("c");
        var builder = Microsoft.Extensions.Hosting.Host.CreateEmptyApplicationBuilder(new Microsoft.Extensions.Hosting.HostApplicationBuilderSettings());
        builder.Configuration["AzureWebJobsStorage"] = azurite.ConnectionString;
        builder.Configuration["AzureStorage:QueueNamePrefix"] = prefix + "-";
        builder.AddAlertsCore();
        builder.AddAzureStorage();
        using var app = builder.Build();
        await app.Services.GetRequiredService<IWorkQueue>().EnqueueAsync(QueueNames.FeedPoll, "{\"feedId\":7,\"v\":1}", TimeSpan.Zero, Ct);

        // Read raw, without decoding: what the host's queue trigger gets from the service.
        var raw = new QueueClient(azurite.ConnectionString, prefix + "-" + QueueNames.FeedPoll);
        var text = (await raw.PeekMessageAsync(Ct)).Value.Body.ToString();
        HostJson["extensions"]!["queues"]!["messageEncoding"]!.GetValue<string>().ShouldBe("base64");
        System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(text)).ShouldBe("{\"feedId\":7,\"v\":1}");
        account.ShouldNotBeNull();
    }

    /// <summary>The HTTP triggers of functions.metadata, for the host's routing rule in <see cref="HostBindings.MatchRoute"/>.</summary>
    private Dictionary<string, JsonObject> HttpTriggers() => package.Metadata()
        .Select(f => (Name: f.Key, Trigger: f.Value.SingleOrDefault(b => Text(b, "type") == "httpTrigger")))
        .Where(f => f.Trigger is not null)
        .ToDictionary(f => f.Name, f => f.Trigger!, StringComparer.Ordinal);

    private static string? FunctionFor(string template, Dictionary<string, JsonObject> http)
    {
        // A web route's own parameter ({id}) stands for one segment of any value.
        var segments = template.Trim('/').Split('/', StringSplitOptions.RemoveEmptyEntries).Select(s => s.StartsWith('{') ? "x-" + s.Trim('{', '}', '?', '*') : s).ToList();
        return http.Select(f => (f.Key, Literals: HostBindings.MatchRoute(Text(f.Value, "route"), segments)))
            .Where(m => m.Literals >= 0).OrderByDescending(m => m.Literals).Select(m => m.Key).FirstOrDefault();
    }

    [Fact]
    public void EveryWebRouteIsReachableThroughAnHttpFunctionAndAdminRoutesOnlyThroughAdmin()
    {
        var http = HttpTriggers();
        http.Keys.Order(StringComparer.Ordinal).ShouldBe(["Admin", "Api", "ManagePages", "Pages", "PrivateFeeds", "StoryPages"]);
        foreach (var (name, trigger) in http)
        {
            Text(trigger, "authLevel").ShouldBe(name == "Admin" ? "Function" : "Anonymous", $"{name}: only Admin needs a function key");
            var first = Text(trigger, "route").Split('/')[0];
            first.ShouldNotBeOneOf(["admin", "runtime"], $"{name}: the host's own routes start with /admin and /runtime");
        }

        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore();
        builder.Configuration["AzureWebJobsStorage"] = "UseDevelopmentStorage=true";
        builder.AddAlertsCore();
        builder.AddAzureStorage();
        builder.AddAlertsWeb();
        using var app = builder.Build();
        app.MapAlertsWeb();
        var routes = ((IEndpointRouteBuilder)app).DataSources.SelectMany(d => d.Endpoints).OfType<RouteEndpoint>().ToList();
        routes.ShouldNotBeEmpty();
        foreach (var route in routes)
        {
            var template = route.RoutePattern.RawText!;
            var function = FunctionFor(template, http);
            function.ShouldNotBeNull($"web route {template} matches no HTTP function's route: add an HTTP function for it");
            var isAdmin = template.StartsWith("/api/v1/admin/", StringComparison.OrdinalIgnoreCase);
            (function == "Admin").ShouldBe(isAdmin, $"{template} goes through {function}: admin routes, and only they, go through Admin");
            var methods = http[function!]["methods"]!.AsArray().Select(m => m!.GetValue<string>()).ToList();
            foreach (var method in route.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? [])
            {
                if (method is not "HEAD" and not "OPTIONS")
                {
                    methods.ShouldContain(method.ToLowerInvariant(), $"{method} {template} goes through {function}, which does not allow it");
                }
            }
        }

        // The matcher itself, on routes the web layer uses.
        FunctionFor("/api/v1/health", http).ShouldBe("Api");
        FunctionFor("/api/v1/admin/topics/{id}", http).ShouldBe("Admin");
        FunctionFor("/", http).ShouldBe("Pages");
        FunctionFor("/manage/pause", http).ShouldBe("ManagePages");
        FunctionFor("/topics/{id}", http).ShouldBe("StoryPages");
        FunctionFor("/topics/{id}/feed.atom", http).ShouldBe("StoryPages");
        FunctionFor("/feeds/{token}", http).ShouldBe("PrivateFeeds");
        FunctionFor("/static/site.css", http).ShouldBeNull();
    }

    [Fact]
    public void TheInfrastructureHasWhatTheIssueLists()
    {
        foreach (var expected in new[]
                 {
                     "tier: 'FlexConsumption'", "kind: 'functionapp,linux'", "type: 'blobContainer'", "instanceMemoryMB:",
                     "maximumInstanceCount: maximumInstanceCount", "allowSharedKeyAccess: false", "type: 'UserAssigned'",
                     "roles.storageBlobDataOwner", "roles.storageQueueDataContributor", "roles.storageTableDataContributor",
                     "Microsoft.Insights/components", "Microsoft.OperationalInsights/workspaces", "Microsoft.KeyVault/vaults",
                     "keyVaultReferenceIdentity: identity.id", "param location string", "param namePrefix string",
                     "param senderAddress string", "param alertSchedule string", "param digestSchedule string",
                 })
        {
            Bicep.ShouldContain(expected);
        }

        var parameters = File.ReadAllText(Path.Combine(Root, "infra", "main.parameters.json"));
        foreach (var parameter in BicepParameter().Matches(Bicep).Select(m => m.Groups[1].Value).Where(p => p is not "location" and not "publicBaseUrl"))
        {
            parameters.ShouldContain($"\"{parameter}\"", customMessage: $"main.parameters.json (azd) does not set {parameter}");
        }
    }

    /// <summary>The options classes the Functions app binds, by configuration section.</summary>
    private static readonly Dictionary<string, Type> BoundSections = new(StringComparer.Ordinal)
    {
        [PollingOptions.Section] = typeof(PollingOptions),
        [ArticleOptions.Section] = typeof(ArticleOptions),
        [FetchOptions.SectionName] = typeof(FetchOptions),
        [MailOptions.Section] = typeof(MailOptions),
        [SiteOptions.Section] = typeof(SiteOptions),
        [TokenOptions.Section] = typeof(TokenOptions),
        [AzureStorageOptions.SectionName] = typeof(AzureStorageOptions),
    };

    /// <summary>The identity-based connection settings AddAzureStorage and the host read under AzureWebJobsStorage__.</summary>
    private static readonly string[] StorageConnectionKeys = ["accountName", "credential", "clientId", "queueServiceUri", "tableServiceUri"];

    /// <summary>Why <paramref name="name"/> (an app setting, <c>Section__Property__...</c>) binds to nothing, or null when it binds.</summary>
    private static string? UnboundReason(string name)
    {
        var parts = name.Split("__");
        if (parts[0] == StorageConnection)
        {
            return parts.Length == 2 && StorageConnectionKeys.Contains(parts[1], StringComparer.Ordinal) ? null : "not a setting of the storage connection";
        }

        if (!BoundSections.TryGetValue(parts[0], out var type))
        {
            return $"no options section '{parts[0]}'";
        }

        foreach (var part in parts.Skip(1))
        {
            var list = type.IsGenericType ? type.GetInterfaces().Append(type).FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IList<>)) : null;
            if (list is not null)
            {
                if (!int.TryParse(part, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out _))
                {
                    return $"'{part}' is not an index into {type.Name}";
                }

                type = list.GetGenericArguments()[0];
                continue;
            }

            var property = type.GetProperty(part, System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.IgnoreCase);
            if (property is null)
            {
                return $"{type.Name} has no property '{part}'";
            }

            type = property.PropertyType;
        }

        return type == typeof(string) || type.IsValueType || type == typeof(Uri) ? null : $"it names the object {type.Name}, not a value";
    }

    [Fact]
    public void EveryDottedSettingInTheInfrastructureAndLocalSettingsBindsToAnOptionsProperty()
    {
        var names = InfraSettings().Keys.Concat(LocalSettings().Keys).Where(n => n.Contains("__", StringComparison.Ordinal)).Distinct().ToList();

        names.ShouldNotBeEmpty();
        foreach (var name in names)
        {
            UnboundReason(name).ShouldBeNull($"app setting {name} is silently ignored: {UnboundReason(name)}");
        }

        // The checker itself rejects what it should.
        UnboundReason("SendGrid__ApiKey").ShouldNotBeNull();
        UnboundReason("Tokens__SigningKey").ShouldNotBeNull();
        UnboundReason("Mail__SendGrid").ShouldNotBeNull();
        UnboundReason("Tokens__Keys__x__Id").ShouldNotBeNull();
        UnboundReason("Tokens__Keys__0__Secret").ShouldBeNull();
    }

    [Fact]
    public void TheAzureAppSendsWithSendGridSignsTokensAndLinksToItsHttpsAddress()
    {
        var infra = InfraSettings();

        infra[$"{MailOptions.Section}__{nameof(MailOptions.Provider)}"].Trim('\'').ShouldBe(nameof(MailProvider.SendGrid));
        infra[$"{MailOptions.Section}__{nameof(MailOptions.From)}"].ShouldBe("senderAddress");
        infra[$"{MailOptions.Section}__{nameof(MailOptions.SendGrid)}__{nameof(SendGridMailOptions.ApiKey)}"].ShouldStartWith("'@Microsoft.KeyVault(SecretUri=${sendGridSecret.");
        infra["Tokens__Keys__0__Secret"].ShouldStartWith("'@Microsoft.KeyVault(SecretUri=${signingSecret.");
        infra["Tokens__Keys__0__Id"].ShouldBe(infra[$"{TokenOptions.Section}__{nameof(TokenOptions.ActiveKeyId)}"]);
        infra[$"{SiteOptions.Section}__{nameof(SiteOptions.PublicBaseUrl)}"].ShouldBe("siteUrl");
        Bicep.ShouldContain("'https://${functionAppName}.azurewebsites.net'");
        Bicep.ShouldContain("name: functionAppName");
        // Nothing of the embedded store: the app runs on Azure Storage.
        infra.Keys.ShouldNotContain(k => k.StartsWith("Store__", StringComparison.Ordinal));
    }

    [GeneratedRegex(@"^\s*\{\s*name:\s*'(?<name>[^']+)'\s*,\s*value:\s*(?<value>.+?)\s*\}\s*$", RegexOptions.Multiline)]
    private static partial Regex BicepAppSetting();

    [GeneratedRegex(@"var\s+queueNames\s*=\s*\[(?<items>[^\]]*)\]")]
    private static partial Regex BicepQueueNames();

    [GeneratedRegex(@"^param\s+(\w+)\s", RegexOptions.Multiline)]
    private static partial Regex BicepParameter();

    [GeneratedRegex(@"'([^']*)'")]
    private static partial Regex BicepString();

    [GeneratedRegex(@"^%([A-Za-z0-9_]+)%$")]
    private static partial Regex BindingExpression();
}
