using System.Text.Json;
using System.Text.RegularExpressions;
using Alerts.Functions.Functions;
using Alerts.Pipeline.Articles;
using Alerts.Pipeline.Feeds;
using Alerts.Pipeline.Fetching;
using Alerts.Pipeline.Queues;
using Alerts.Sqlite;
using Microsoft.AspNetCore.Routing;

namespace Alerts.Tests.Functions;

/// <summary>
/// host.json, functions/*/function.json, the handler's routes, local.settings.json.example and
/// infra/main.bicep must agree: the host posts to routes named after folders, reads %Settings% that the
/// infrastructure must set, and passes on the output bindings the handler fills.
/// </summary>
public partial class FunctionsConsistencyTests
{
    private static string Root => TestEnvironment.RepositoryRoot;

    private sealed record Binding(string Name, string Type, string Direction, string? QueueName, string? Schedule, string? Connection);

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
                    b.TryGetProperty("connection", out var c) ? c.GetString() : null))
                .ToList();
        }

        return result;
    }

    /// <summary>Every POST route of the real app with the function definition attached to it.</summary>
    private static Dictionary<string, FunctionDefinition> Routes()
    {
        var folder = Path.Combine(Path.GetTempPath(), "alerts-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            var app = FunctionsTestHost.Build(folder);
            var endpoints = ((IEndpointRouteBuilder)app).DataSources.SelectMany(d => d.Endpoints).OfType<RouteEndpoint>().ToList();
            endpoints.ShouldContain(e => e.RoutePattern.RawText == "/", "the host probes GET /");
            return endpoints
                .Where(e => e.RoutePattern.RawText != "/")
                .ToDictionary(
                    e => e.RoutePattern.RawText!.TrimStart('/'),
                    e => e.Metadata.GetMetadata<FunctionDefinition>() ?? throw new InvalidOperationException($"route {e.RoutePattern.RawText} has no FunctionDefinition"));
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
        Bicep.ShouldContain("param alertSchedule string = '0 */5 * * * *'");
    }

    [Fact]
    public void EveryQueueSettingNamesAQueueTheInfrastructureCreatesAndThePipelineUses()
    {
        var queueSettings = FunctionFolders().Values.SelectMany(b => b).Select(b => SettingName(b.QueueName)).OfType<string>().Distinct().ToList();
        var infra = InfraSettings();
        var local = LocalSettings();
        var created = InfraQueues();

        created.ShouldBe([QueueNames.FeedPoll, QueueNames.Articles, QueueNames.Digests], ignoreOrder: true);
        foreach (var setting in queueSettings.Append("DigestsQueue"))
        {
            var infraValue = infra[setting].Trim('\'');
            created.ShouldContain(infraValue, $"{setting} = '{infraValue}' but main.bicep does not create that queue");
            local[setting].ShouldBe(infraValue, $"local.settings.json.example and main.bicep disagree on {setting}");
        }

        infra[FunctionSettings.FeedPollQueue].ShouldBe($"'{QueueNames.FeedPoll}'");
        infra[FunctionSettings.ArticlesQueue].ShouldBe($"'{QueueNames.Articles}'");
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
        infra.ShouldContainKey("Mail__From");
        infra["SendGrid__ApiKey"].ShouldStartWith("'@Microsoft.KeyVault(SecretUri=");
        infra["Tokens__SigningKey"].ShouldStartWith("'@Microsoft.KeyVault(SecretUri=");
        // The Flex Consumption plan rejects these; the runtime is set in functionAppConfig instead.
        infra.ShouldNotContainKey("FUNCTIONS_WORKER_RUNTIME");
        infra.ShouldNotContainKey("FUNCTIONS_EXTENSION_VERSION");
        Bicep.ShouldContain("name: 'custom'");
        // The handler's port comes from the host, never from app settings.
        infra.ShouldNotContainKey(FunctionSettings.HandlerPort);
        LocalSettings()["FUNCTIONS_WORKER_RUNTIME"].ShouldBe("custom");
    }

    [Fact]
    public void SectionSettingsInTheInfrastructureNameSectionsTheAppBinds()
    {
        var bound = new[] { PollingOptions.Section, ArticleOptions.Section, FetchOptions.SectionName, SqliteOptions.SectionName };
        // Host connection settings, and the sections the digest and subscription functions (later issues) read.
        var other = new[] { FunctionSettings.StorageConnection, "Mail", "SendGrid", "Tokens" };

        foreach (var name in InfraSettings().Keys.Concat(LocalSettings().Keys).Where(n => n.Contains("__", StringComparison.Ordinal)))
        {
            var section = name[..name.IndexOf("__", StringComparison.Ordinal)];
            bound.Concat(other).ShouldContain(section, $"app setting {name}: no options section '{section}' (a misspelt setting is silently ignored)");
        }

        InfraSettings()[$"{SqliteOptions.SectionName}__{nameof(SqliteOptions.Path)}"].ShouldStartWith("'/tmp/", customMessage: "Flex Consumption instances may only write under /tmp");
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

    [GeneratedRegex(@"'([^']*)'")]
    private static partial Regex BicepString();

    [GeneratedRegex(@"^%([A-Za-z0-9_]+)%$")]
    private static partial Regex BindingExpression();
}
