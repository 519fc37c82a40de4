using System.Text.Json;
using System.Text.RegularExpressions;
using Alerts.Functions.Functions;
using Alerts.Pipeline.Articles;
using Alerts.Pipeline.Feeds;
using Alerts.Pipeline.Fetching;
using Alerts.Pipeline.Queues;
using Alerts.Azure;
using Alerts.Core.Subscriptions;
using Alerts.Functions;
using Alerts.Pipeline.Mail;
using Alerts.Pipeline.Subscriptions;
using Alerts.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Alerts.Tests.Functions;

/// <summary>
/// host.json, functions/*/function.json, the handler's routes, local.settings.json.example and
/// infra/main.bicep must agree: the host posts to routes named after folders, reads %Settings% that the
/// infrastructure must set, and passes on the output bindings the handler fills.
/// </summary>
public partial class FunctionsConsistencyTests
{
    private static string Root => TestEnvironment.RepositoryRoot;

    private sealed record Binding(string Name, string Type, string Direction, string? QueueName, string? Schedule, string? Connection, string? Route, string? AuthLevel, IReadOnlyList<string> Methods);

    private static Dictionary<string, List<Binding>> FunctionFolders()
    {
        var result = new Dictionary<string, List<Binding>>(StringComparer.Ordinal);
        foreach (var folder in Directory.GetDirectories(Path.Combine(Root, "functions")))
        {
            var file = Path.Combine(folder, "function.json");
            File.Exists(file).ShouldBeTrue($"{folder} has no function.json");
            using var json = JsonDocument.Parse(File.ReadAllText(file));
            result[Path.GetFileName(folder)] = json.RootElement.GetProperty("bindings").EnumerateArray()
                .Select(b => new Binding(
                    b.GetProperty("name").GetString()!,
                    b.GetProperty("type").GetString()!,
                    b.GetProperty("direction").GetString()!,
                    b.TryGetProperty("queueName", out var q) ? q.GetString() : null,
                    b.TryGetProperty("schedule", out var s) ? s.GetString() : null,
                    b.TryGetProperty("connection", out var c) ? c.GetString() : null,
                    b.TryGetProperty("route", out var r) ? r.GetString() : null,
                    b.TryGetProperty("authLevel", out var a) ? a.GetString() : null,
                    b.TryGetProperty("methods", out var m) ? m.EnumerateArray().Select(x => x.GetString()!).ToList() : []))
                .ToList();
        }

        return result;
    }

    /// <summary>Every POST route of the real app with the function definition attached to it.</summary>
    private static Dictionary<string, FunctionDefinition> Routes() => WithApp(app =>
    {
        var endpoints = Endpoints(app);
        endpoints.ShouldContain(e => e.RoutePattern.RawText == "/" && e.Metadata.GetMetadata<IEndpointNameMetadata>()!.EndpointName == FunctionsHostingExtensions.HostProbeName, "the host probes GET /");
        return endpoints
            .Where(e => e.RoutePattern.RawText != "/")
            .ToDictionary(
                e => e.RoutePattern.RawText!.TrimStart('/'),
                e => e.Metadata.GetMetadata<FunctionDefinition>() ?? throw new InvalidOperationException($"route {e.RoutePattern.RawText} has no FunctionDefinition"));
    });

    /// <summary>The routes of the web layer (pages and API), as <c>MapAlertsWeb()</c> maps them for the HTTP functions.</summary>
    private static List<RouteEndpoint> WebRoutes() => WithApp(app =>
    {
        var before = Endpoints(app).Count;
        app.MapAlertsWeb();
        return Endpoints(app).Skip(before).ToList();
    });

    private static List<RouteEndpoint> Endpoints(IEndpointRouteBuilder app) =>
        app.DataSources.SelectMany(d => d.Endpoints).OfType<RouteEndpoint>().ToList();

    private static T WithApp<T>(Func<WebApplication, T> read)
    {
        var folder = Path.Combine(Path.GetTempPath(), "alerts-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            // The local development account: resolving the stores needs an account, building connects to nothing.
            return read(FunctionsTestHost.Build(folder, new Dictionary<string, string?> { [FunctionSettings.StorageConnection] = "UseDevelopmentStorage=true" }));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static Dictionary<string, string> LocalSettings()
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(Root, "local.settings.json.example")));
        return json.RootElement.GetProperty("Values").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!, StringComparer.Ordinal);
    }

    private static string Bicep => File.ReadAllText(Path.Combine(Root, "infra", "main.bicep"));

    /// <summary>The function app's app settings in main.bicep, written one per line as <c>{ name: 'X', value: ... }</c>.</summary>
    private static Dictionary<string, string> InfraSettings() =>
        BicepAppSetting().Matches(Bicep).ToDictionary(m => m.Groups["name"].Value, m => m.Groups["value"].Value.Trim(), StringComparer.Ordinal);

    private static List<string> InfraQueues()
    {
        var block = BicepQueueNames().Match(Bicep);
        block.Success.ShouldBeTrue("main.bicep declares var queueNames = [ ... ]");
        return BicepString().Matches(block.Groups["items"].Value).Select(m => m.Groups[1].Value).ToList();
    }

    private static string? SettingName(string? expression) =>
        expression is not null && BindingExpression().Match(expression) is { Success: true } m ? m.Groups[1].Value : null;

    [Fact]
    public void EveryFunctionFolderHasARouteAndEveryRouteAFolder()
    {
        var folders = FunctionFolders().Keys.Order(StringComparer.Ordinal).ToList();
        var routes = Routes().Keys.Order(StringComparer.Ordinal).ToList();

        folders.ShouldNotBeEmpty();
        routes.ShouldBe(folders);
    }

    [Fact]
    public void TriggerAndOutputBindingsMatchWhatTheHandlerReadsAndEmits()
    {
        var folders = FunctionFolders();
        foreach (var (name, definition) in Routes())
        {
            var bindings = folders[name];
            var trigger = bindings.Where(b => b.Direction == "in" && b.Type.EndsWith("Trigger", StringComparison.Ordinal)).ShouldHaveSingleItem($"{name}: one trigger");
            trigger.Type.ShouldBe(definition.TriggerType, $"{name}: trigger type");
            trigger.Name.ShouldBe(definition.TriggerBinding, $"{name}: the handler reads Data.{definition.TriggerBinding}");
            bindings.Where(b => b.Direction == "out").Select(b => b.Name).Order(StringComparer.Ordinal)
                .ShouldBe(definition.Outputs.Order(StringComparer.Ordinal), $"{name}: output bindings the handler fills");
        }
    }

    [Fact]
    public void EveryBindingSettingIsDeclaredAndSetInInfraAndLocalSettings()
    {
        var used = FunctionFolders().Values.SelectMany(b => b)
            .SelectMany(b => new[] { b.QueueName, b.Schedule })
            .Where(e => e is not null)
            .Select(e => SettingName(e) ?? throw new ShouldAssertException($"binding value '{e}' must come from an app setting (%Name%)"))
            .ToHashSet(StringComparer.Ordinal);
        var infra = InfraSettings();
        var local = LocalSettings();

        used.Order(StringComparer.Ordinal).ShouldBe(FunctionSettings.BindingExpressions.Order(StringComparer.Ordinal));
        foreach (var setting in used)
        {
            infra.ShouldContainKey(setting, $"infra/main.bicep does not set {setting}");
            local.ShouldContainKey(setting, $"local.settings.json.example does not set {setting}");
        }

        local[FunctionSettings.AlertsSchedule].ShouldBe("0 */5 * * * *");
        local[FunctionSettings.DigestSchedule].ShouldBe("0 */5 * * * *");
        Bicep.ShouldContain("param alertSchedule string = '0 */5 * * * *'");
        Bicep.ShouldContain("param digestSchedule string = '0 */5 * * * *'");
        infra[FunctionSettings.DigestSchedule].ShouldBe("digestSchedule");
    }

    [Fact]
    public void EveryQueueSettingNamesAQueueTheInfrastructureCreatesAndThePipelineUses()
    {
        var queueSettings = FunctionFolders().Values.SelectMany(b => b).Select(b => SettingName(b.QueueName)).OfType<string>().Distinct().ToList();
        var infra = InfraSettings();
        var local = LocalSettings();
        var created = InfraQueues();

        created.ShouldBe([QueueNames.FeedPoll, QueueNames.Articles, QueueNames.Digests], ignoreOrder: true);
        queueSettings.Order(StringComparer.Ordinal).ShouldBe([FunctionSettings.ArticlesQueue, FunctionSettings.DigestsQueue, FunctionSettings.FeedPollQueue]);
        foreach (var setting in queueSettings)
        {
            var infraValue = infra[setting].Trim('\'');
            created.ShouldContain(infraValue, $"{setting} = '{infraValue}' but main.bicep does not create that queue");
            local[setting].ShouldBe(infraValue, $"local.settings.json.example and main.bicep disagree on {setting}");
        }

        infra[FunctionSettings.FeedPollQueue].ShouldBe($"'{QueueNames.FeedPoll}'");
        infra[FunctionSettings.ArticlesQueue].ShouldBe($"'{QueueNames.Articles}'");
        infra[FunctionSettings.DigestsQueue].ShouldBe($"'{QueueNames.Digests}'");
    }

    [Fact]
    public void TheStorageConnectionIsIdentityBasedInAzureAndSetLocally()
    {
        var connections = FunctionFolders().Values.SelectMany(b => b).Select(b => b.Connection).OfType<string>().Distinct().ToList();
        var infra = InfraSettings();

        connections.ShouldBe([FunctionSettings.StorageConnection]);
        LocalSettings().ShouldContainKey(FunctionSettings.StorageConnection);
        infra.ShouldContainKey(FunctionSettings.StorageConnection + "__accountName");
        infra[FunctionSettings.StorageConnection + "__credential"].ShouldBe("'managedidentity'");
        infra.ShouldContainKey(FunctionSettings.StorageConnection + "__clientId");
        infra.ShouldNotContainKey(FunctionSettings.StorageConnection, "a connection string would need shared keys, which the account disables");
        Bicep.ShouldContain("allowSharedKeyAccess: false");
    }

    [Fact]
    public void AppSettingsTheHostAndTheAppReadAreSetByTheInfrastructure()
    {
        var infra = InfraSettings();

        infra.ShouldContainKey("APPLICATIONINSIGHTS_CONNECTION_STRING");
        // The Flex Consumption plan rejects these; the runtime is set in functionAppConfig instead.
        infra.ShouldNotContainKey("FUNCTIONS_WORKER_RUNTIME");
        infra.ShouldNotContainKey("FUNCTIONS_EXTENSION_VERSION");
        Bicep.ShouldContain("name: 'custom'");
        Bicep.ShouldContain("version: '1.0'");
        // The handler's port comes from the host, never from app settings.
        infra.ShouldNotContainKey(FunctionSettings.HandlerPort);
        LocalSettings()["FUNCTIONS_WORKER_RUNTIME"].ShouldBe("custom");
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
        if (parts[0] == FunctionSettings.StorageConnection)
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

    [Fact]
    public void TheFunctionsAppRunsOnAzureStorageOnly()
    {
        var project = File.ReadAllText(Path.Combine(Root, "src", "Alerts.Functions", "Alerts.Functions.csproj"));
        var services = WithApp(app => app.Services);

        project.ShouldContain("Alerts.Azure.csproj");
        project.ShouldNotContain("Alerts.Sqlite");
        services.GetRequiredService<Alerts.Pipeline.Storage.ISubscriptionStore>().ShouldBeOfType<Alerts.Azure.AzureSubscriptionStore>();
        services.GetRequiredService<Alerts.Pipeline.Storage.IFeedStore>().ShouldBeOfType<Alerts.Azure.AzureFeedStore>();
        services.GetRequiredService<IWorkQueue>().ShouldBeOfType<Alerts.Azure.AzureWorkQueue>();
    }

    /// <summary>The httpTrigger binding of every HTTP function, by function name.</summary>
    private static Dictionary<string, Binding> HttpTriggers() => FunctionFolders()
        .Select(f => (Name: f.Key, Trigger: f.Value.SingleOrDefault(b => b.Type == "httpTrigger")))
        .Where(f => f.Trigger is not null)
        .ToDictionary(f => f.Name, f => f.Trigger!, StringComparer.Ordinal);

    [Fact]
    public void HttpFunctionsHaveRoutesThatLeaveTheHostsOwnRoutesAloneAndOnlyAdminNeedsAKey()
    {
        var http = HttpTriggers();

        http.Keys.Order(StringComparer.Ordinal).ShouldBe(["Admin", "Api", "ManagePages", "Pages"]);
        http["Api"].Route.ShouldBe("api/v1/{*path}");
        http["Admin"].Route.ShouldBe("api/v1/admin/{*path}");
        http["Pages"].Route.ShouldBe("{page?}", "one optional segment: /admin/... and /runtime/... of the host stay the host's");
        http["ManagePages"].Route.ShouldBe("manage/{action}");
        foreach (var (name, trigger) in http)
        {
            trigger.AuthLevel.ShouldBe(name == "Admin" ? "function" : "anonymous", $"{name}: only Admin needs a function key");
            trigger.Methods.ShouldNotBeEmpty($"{name}: methods");
            FunctionFolders()[name].ShouldContain(b => b.Type == "http" && b.Direction == "out" && b.Name == "res", $"{name}: the http output binding 'res'");
            var first = trigger.Route!.Split('/')[0];
            first.ShouldNotBeOneOf(["admin", "runtime"], $"{name}: the host's own routes start with /admin and /runtime");
            if (first.StartsWith('{'))
            {
                trigger.Route.ShouldNotContain('/', customMessage: $"{name}: a route that starts with a parameter must stay one segment, or it takes the host's /admin/... routes");
                trigger.Route.ShouldNotContain('*', customMessage: $"{name}: no catch-all at the root");
            }
        }

        using var host = JsonDocument.Parse(File.ReadAllText(Path.Combine(Root, "host.json")));
        host.RootElement.GetProperty("extensions").GetProperty("http").GetProperty("routePrefix").GetString().ShouldBe("", "pages live at the site root");
    }

    /// <summary>
    /// The HTTP function whose route would receive requests for <paramref name="template"/> (a web route), by the
    /// host's rule: of the function routes that match, the one with the most literal segments; null when none does.
    /// Function routes are literal segments, then <c>{x}</c>, an optional last <c>{x?}</c>, or a catch-all <c>{*x}</c>.
    /// </summary>
    private static string? FunctionFor(string template, IReadOnlyDictionary<string, Binding> http)
    {
        var segments = template.Trim('/').Split('/', StringSplitOptions.RemoveEmptyEntries);
        string? best = null;
        var bestLiterals = -1;
        foreach (var (name, trigger) in http)
        {
            var route = trigger.Route!.Split('/', StringSplitOptions.RemoveEmptyEntries);
            if (Matches(route, segments) && route.Count(r => !r.StartsWith('{')) is var literals && literals > bestLiterals)
            {
                (best, bestLiterals) = (name, literals);
            }
        }

        return best;
    }

    private static bool Matches(string[] route, string[] segments)
    {
        for (var i = 0; i < route.Length; i++)
        {
            var part = route[i];
            if (part.StartsWith("{*", StringComparison.Ordinal))
            {
                return true;
            }

            if (i >= segments.Length)
            {
                return part.EndsWith("?}", StringComparison.Ordinal) && i == route.Length - 1;
            }

            // A web route's own parameter ({id}) is one segment of any value: only a route parameter takes it.
            var segmentIsParameter = segments[i].StartsWith('{');
            if (!part.StartsWith('{') && (segmentIsParameter || !string.Equals(part, segments[i], StringComparison.OrdinalIgnoreCase)))
            {
                return false;
            }
        }

        return segments.Length == route.Length;
    }

    [Fact]
    public void EveryWebRouteIsReachableThroughAnHttpFunctionAndAdminRoutesOnlyThroughAdmin()
    {
        var http = HttpTriggers();
        var routes = WebRoutes();

        routes.ShouldNotBeEmpty();
        foreach (var route in routes)
        {
            var template = route.RoutePattern.RawText!;
            var function = FunctionFor(template, http);
            function.ShouldNotBeNull($"web route {template} matches no HTTP function's route: add a function folder for it");
            var isAdmin = template.StartsWith("/api/v1/admin/", StringComparison.OrdinalIgnoreCase);
            (function == "Admin").ShouldBe(isAdmin, $"{template} goes through {function}: admin routes, and only they, go through Admin");
            foreach (var method in route.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? [])
            {
                if (method != "HEAD" && method != "OPTIONS")
                {
                    http[function!].Methods.ShouldContain(method.ToLowerInvariant(), $"{method} {template} goes through {function}, whose function.json does not allow it");
                }
            }
        }

        // The matcher itself, on routes the web helpers use.
        FunctionFor("/api/v1/health", http).ShouldBe("Api");
        FunctionFor("/api/v1/topics/{id}", http).ShouldBe("Api");
        FunctionFor("/api/v1/admin/topics/{id}", http).ShouldBe("Admin");
        FunctionFor("/", http).ShouldBe("Pages");
        FunctionFor("/manage", http).ShouldBe("Pages");
        FunctionFor("/manage/pause", http).ShouldBe("ManagePages");
        FunctionFor("/static/site.css", http).ShouldBeNull();
    }

    [Fact]
    public void HostJsonStartsTheHandlerAndPoisonsAfterFiveAttempts()
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(Root, "host.json")));
        var host = json.RootElement;

        host.GetProperty("version").GetString().ShouldBe("2.0");
        var handler = host.GetProperty("customHandler");
        handler.GetProperty("description").GetProperty("defaultExecutablePath").GetString().ShouldBe("Alerts.Functions");
        handler.GetProperty("enableForwardingHttpRequest").GetBoolean().ShouldBeFalse();
        host.GetProperty("extensionBundle").GetProperty("id").GetString().ShouldBe("Microsoft.Azure.Functions.ExtensionBundle");
        host.GetProperty("extensionBundle").GetProperty("version").GetString().ShouldBe("[4.*, 5.0.0)");
        var queues = host.GetProperty("extensions").GetProperty("queues");
        queues.GetProperty("maxDequeueCount").GetInt32().ShouldBe(QueueNames.MaxDequeueCount);
        queues.GetProperty("messageEncoding").GetString().ShouldBe("base64");
        TimeSpan.Parse(host.GetProperty("functionTimeout").GetString()!, System.Globalization.CultureInfo.InvariantCulture).ShouldBeGreaterThan(TimeSpan.Zero);
    }

    [Fact]
    public void TheExecutableNameInHostJsonIsTheAssemblyTheProjectBuilds()
    {
        var project = File.ReadAllText(Path.Combine(Root, "src", "Alerts.Functions", "Alerts.Functions.csproj"));

        project.ShouldContain("<AssemblyName>Alerts.Functions</AssemblyName>");
        typeof(FunctionSettings).Assembly.GetName().Name.ShouldBe("Alerts.Functions");
    }

    [Fact]
    public void AzdAndTheWorkflowDeployTheZipThePackageStepWrites()
    {
        var azd = File.ReadAllText(Path.Combine(Root, "azure.yaml"));
        var workflow = File.ReadAllText(Path.Combine(Root, ".github", "workflows", "deploy.yml"));
        var script = File.ReadAllText(Path.Combine(Root, "deploy", "package.sh"));

        script.ShouldContain("artifacts/alerts-functions.zip");
        script.ShouldContain("-r linux-x64 --self-contained true");
        azd.ShouldContain("project: ./src/Alerts.Functions");
        azd.ShouldContain("dist: ../../artifacts/alerts-functions.zip");
        azd.ShouldContain("run: ../../deploy/package.sh");
        azd.ShouldContain("host: function");
        workflow.ShouldContain("id-token: write");
        workflow.ShouldContain("./deploy/package.sh artifacts/alerts-functions.zip");
        workflow.ShouldContain("--src-path artifacts/alerts-functions.zip");
        Bicep.ShouldContain("'azd-service-name': 'functions'");
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
