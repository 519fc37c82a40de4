using Alerts.Cli.Configuration;

namespace Alerts.Tests.Cli;

public class YamlConfigurationTests
{
    [Fact]
    public void NestedMappingsAndSequencesBecomeConfigurationKeys()
    {
        var path = Path.Combine(Path.GetTempPath(), $"alerts-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, "store:\n  path: /tmp/x.db\nfeeds:\n  - url: a.xml\n    title: A\n  - url: https://b.example/feed\n");
        try
        {
            var values = YamlConfiguration.Load(path);

            values["Store:Path"].ShouldBe("/tmp/x.db");
            values["feeds:0:url"].ShouldBe("a.xml");
            values["feeds:0:title"].ShouldBe("A");
            values["feeds:1:url"].ShouldBe("https://b.example/feed");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void MalformedYamlNamesTheFileAndLine()
    {
        var path = Path.Combine(Path.GetTempPath(), $"alerts-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, "store:\n  path: [unclosed\n");
        try
        {
            var error = Should.Throw<ConfigurationFileException>(() => YamlConfiguration.Load(path));

            error.Message.ShouldStartWith($"config: {path} line ");
        }
        finally
        {
            File.Delete(path);
        }
    }
}
