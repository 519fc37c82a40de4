using System.CommandLine;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Alerts.Core.Claims;
using Alerts.Core.Claims.Stance;

namespace Alerts.Cli.Commands;

/// <summary>
/// <c>alerts train stance &lt;folder&gt; --out models/</c>: trains the stance and relatedness model on a data set in
/// the FNC-1 layout (train_stances.csv, train_bodies.csv), prints the held-out figures and writes
/// stance-model.json and stance-terms.tsv. Sentence embeddings are cached on disk (outside the repository) so
/// a rerun only embeds what is new.
/// </summary>
public static class TrainCommand
{
    public static Command Build()
    {
        var folder = new Argument<DirectoryInfo>("folder") { Description = "A folder with train_stances.csv (Headline,Body ID,Stance) and train_bodies.csv (Body ID,articleBody)." };
        var output = new Option<DirectoryInfo>("--out") { Description = "Where to write stance-model.json and stance-terms.tsv.", Required = true };
        var cache = new Option<DirectoryInfo?>("--cache") { Description = "Folder for the sentence-embedding cache. Default: $XDG_CACHE_HOME/alerts, else ~/.cache/alerts." };
        var seed = new Option<int>("--seed") { Description = "Seed of the split by body.", DefaultValueFactory = _ => 11 };
        var stance = new Command("stance", "Train the stance/relatedness model and print its FNC-1 figures on held-out bodies.") { folder, output, cache, seed };
        stance.SetAction(async (parse, ct) =>
        {
            var error = parse.InvocationConfiguration.Error;
            var console = parse.InvocationConfiguration.Output;
            var source = parse.GetValue(folder)!;
            var stancesPath = Path.Combine(source.FullName, "train_stances.csv");
            var bodiesPath = Path.Combine(source.FullName, "train_bodies.csv");
            if (!File.Exists(stancesPath) || !File.Exists(bodiesPath))
            {
                await error.WriteLineAsync($"train: {source.FullName} needs train_stances.csv and train_bodies.csv");
                return ExitCodes.Usage;
            }

            StanceDataset data;
            try
            {
                using var stances = File.OpenText(stancesPath);
                using var bodies = File.OpenText(bodiesPath);
                data = StanceDataset.Parse(stances, bodies);
            }
            catch (FormatException ex)
            {
                await error.WriteLineAsync("train: " + ex.Message);
                return ExitCodes.Usage;
            }

            var cacheFolder = parse.GetValue(cache)?.FullName ?? DefaultCacheFolder();
            using var embeddings = new EmbeddingCache(Path.Combine(cacheFolder, $"stance-{SentenceEmbedder.VectorsName}.bin"));
            await console.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"train: {data.Pairs.Count} pairs, {data.Bodies.Count} bodies; embedding cache {embeddings.Path} ({embeddings.Count} vectors)"));
            var options = new StanceTrainingOptions
            {
                Seed = parse.GetValue(seed),
                Command = $"alerts train stance {source.Name} --out {parse.GetValue(output)!.Name} --seed {parse.GetValue(seed)}",
                Data = $"{data.Pairs.Count} pairs of {data.Bodies.Count} bodies; sha256 stances {Digest(stancesPath)}, bodies {Digest(bodiesPath)}",
            };
            StanceTrainingResult result;
            try
            {
                result = await Task.Run(() => StanceTrainer.Train(data, embeddings.Embed, options, line => console.WriteLine("train: " + line), ct), ct);
            }
            catch (InvalidOperationException ex)
            {
                await error.WriteLineAsync(ex.Message);
                return ExitCodes.Usage;
            }

            var target = parse.GetValue(output)!;
            target.Create();
            await using (var model = File.CreateText(Path.Combine(target.FullName, StanceModel.ModelFile)))
            await using (var terms = File.CreateText(Path.Combine(target.FullName, StanceModel.TermsFile)))
            {
                result.Model.Write(model, terms);
            }

            await console.WriteLineAsync("train: validation bodies: " + result.Validation.Describe());
            await console.WriteLineAsync("train: held-out bodies: " + result.HeldOut.Describe());
            var size = new FileInfo(Path.Combine(target.FullName, StanceModel.ModelFile)).Length + new FileInfo(Path.Combine(target.FullName, StanceModel.TermsFile)).Length;
            await console.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"train: wrote {StanceModel.ModelFile} and {StanceModel.TermsFile} to {target.FullName} ({size / 1024} KiB, {result.Model.Trees.Rounds} rounds); {result.EmbeddedTexts} texts embedded or cached; {result.Elapsed.TotalSeconds:0}s"));
            return ExitCodes.Success;
        });
        return new Command("train", "Train the models the claims engine ships with.") { stance };
    }

    private static string DefaultCacheFolder()
    {
        var xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        return Path.Combine(string.IsNullOrEmpty(xdg) ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache") : xdg, "alerts");
    }

    private static string Digest(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream))[..16];
    }

    /// <summary>
    /// Sentence vectors on disk, appended as they are computed: records of (UTF-8 length, text, 384 floats).
    /// A torn last record (a run stopped mid-write) is dropped on load.
    /// </summary>
    private sealed class EmbeddingCache : IDisposable
    {
        private readonly Dictionary<string, float[]> _vectors = new(StringComparer.Ordinal);
        private readonly BinaryWriter _writer;

        public EmbeddingCache(string path)
        {
            Path = path;
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
            var valid = 0L;
            if (File.Exists(path))
            {
                using var reader = new BinaryReader(File.OpenRead(path));
                try
                {
                    while (reader.BaseStream.Position < reader.BaseStream.Length)
                    {
                        var text = Encoding.UTF8.GetString(reader.ReadBytes(reader.ReadInt32()));
                        var vector = new float[SentenceEmbedder.Dimensions];
                        for (var i = 0; i < vector.Length; i++)
                        {
                            vector[i] = reader.ReadSingle();
                        }

                        _vectors[text] = vector;
                        valid = reader.BaseStream.Position;
                    }
                }
                catch (EndOfStreamException)
                {
                    // A torn last record: keep what came before it and overwrite the rest.
                }
            }

            var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.Write);
            stream.SetLength(valid);
            stream.Position = valid;
            _writer = new BinaryWriter(stream);
        }

        public string Path { get; }

        public int Count => _vectors.Count;

        public IReadOnlyList<float[]> Embed(IReadOnlyList<string> texts)
        {
            var missing = texts.Where(t => !_vectors.ContainsKey(t)).Distinct(StringComparer.Ordinal).ToList();
            if (missing.Count > 0)
            {
                var computed = SentenceEmbedder.Shared.Embed(missing);
                for (var i = 0; i < missing.Count; i++)
                {
                    _vectors[missing[i]] = computed[i];
                    var bytes = Encoding.UTF8.GetBytes(missing[i]);
                    _writer.Write(bytes.Length);
                    _writer.Write(bytes);
                    foreach (var value in computed[i])
                    {
                        _writer.Write(value);
                    }
                }

                _writer.Flush();
            }

            return [.. texts.Select(t => _vectors[t])];
        }

        public void Dispose() => _writer.Dispose();
    }
}
