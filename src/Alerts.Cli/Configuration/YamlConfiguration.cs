using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Alerts.Cli.Configuration;

/// <summary>
/// Reads the YAML configuration file into configuration keys: nested mappings become <c>Section:Key</c>,
/// sequences become <c>Section:0:Key</c>, exactly as the environment variables
/// <c>ALERTS_Section__Key</c> spell them, so either can set any setting.
/// </summary>
public static class YamlConfiguration
{
    public static Dictionary<string, string?> Load(string path)
    {
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        var stream = new YamlStream();
        try
        {
            using var reader = new StreamReader(path);
            stream.Load(reader);
        }
        catch (YamlException ex)
        {
            throw new ConfigurationFileException($"config: {path} line {ex.Start.Line}: {ex.Message}", ex);
        }

        if (stream.Documents.Count == 0)
        {
            return values;
        }

        if (stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            throw new ConfigurationFileException($"config: {path} must hold a mapping of settings at the top level");
        }

        Flatten(root, prefix: null, values);
        return values;
    }

    private static void Flatten(YamlNode node, string? prefix, Dictionary<string, string?> values)
    {
        switch (node)
        {
            case YamlMappingNode mapping:
                foreach (var (key, child) in mapping.Children)
                {
                    var name = ((YamlScalarNode)key).Value ?? "";
                    Flatten(child, prefix is null ? name : $"{prefix}:{name}", values);
                }

                break;
            case YamlSequenceNode sequence:
                for (var i = 0; i < sequence.Children.Count; i++)
                {
                    Flatten(sequence.Children[i], $"{prefix}:{i}", values);
                }

                break;
            case YamlScalarNode scalar when prefix is not null:
                values[prefix] = scalar.Value;
                break;
        }
    }
}

/// <summary>The configuration file is missing or malformed; the message names the file and the problem.</summary>
public sealed class ConfigurationFileException : Exception
{
    public ConfigurationFileException() { }
    public ConfigurationFileException(string message) : base(message) { }
    public ConfigurationFileException(string message, Exception innerException) : base(message, innerException) { }
}
