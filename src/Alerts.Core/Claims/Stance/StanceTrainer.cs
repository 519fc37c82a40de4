using System.Diagnostics;
using System.Globalization;

namespace Alerts.Core.Claims.Stance;

/// <summary>Settings of one training run.</summary>
public sealed record StanceTrainingOptions
{
    public int Seed { get; init; } = 11;

    /// <summary>The share of bodies held out for the reported figures; training never sees them.</summary>
    public double HeldOutFraction { get; init; } = 0.10;

    /// <summary>The share of the remaining bodies used to stop boosting and tune the class multipliers.</summary>
    public double ValidationFraction { get; init; } = 0.10;

    /// <summary>The share of related training pairs the lexical pre-filter may lose at most.</summary>
    public double PrefilterLoss { get; init; } = 0.03;

    /// <summary>The pre-filter's coverage threshold is never above this, whatever the data says.</summary>
    public double PrefilterCap { get; init; } = 0.4;

    /// <summary>The candidate settings; the one with the best validation objective is kept.</summary>
    public IReadOnlyList<StanceSetting> Settings { get; init; } =
    [
        new("depth5-disputes4", [1.0, 1.5, 4.0, 1.0], new BoostingOptions { MaxDepth = 5, MinChildWeight = 4 }),
        new("depth4-disputes6", [1.0, 1.5, 6.0, 1.0], new BoostingOptions { MaxDepth = 4, MinChildWeight = 6 }),
        new("depth3-disputes8", [1.0, 1.5, 8.0, 1.0], new BoostingOptions { MaxDepth = 3, MinChildWeight = 8 }),
        new("depth6-disputes3", [1.0, 1.2, 3.0, 1.0], new BoostingOptions { MaxDepth = 6, MinChildWeight = 10 }),
    ];

    public string Command { get; init; } = "alerts train stance";

    public string Data { get; init; } = "";
}

/// <summary>One candidate training setting: per-relation weights (unrelated, supports, disputes, mentions; the rare disputes count more) and the boosting options.</summary>
public sealed record StanceSetting(string Name, double[] ClassWeights, BoostingOptions Boosting);

/// <summary>The trained model and its figures.</summary>
public sealed record StanceTrainingResult(StanceModel Model, StanceEvaluation Validation, StanceEvaluation HeldOut, int EmbeddedTexts, TimeSpan Elapsed);

/// <summary>
/// Trains the stance model: splits by body (held-out and validation bodies apart, fixed seed), learns the term
/// weights from the training side only, picks the pre-filter threshold, embeds the candidate sentences of every
/// pair that passes it, boosts trees on the training rows (early stop on validation), tunes per-relation
/// multipliers on validation for macro-F1 and the FNC-1 score, and evaluates the held-out bodies through the
/// same <see cref="StanceModel.Predict(AnalyzedText, AnalyzedBody)"/> that answers at run time.
/// </summary>
public static class StanceTrainer
{
    private const int EmbedBatch = 64;

    public static StanceTrainingResult Train(
        StanceDataset data,
        Func<IReadOnlyList<string>, IReadOnlyList<float[]>> embed,
        StanceTrainingOptions options,
        Action<string> log,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(embed);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(log);
        var clock = Stopwatch.StartNew();
        var heldOut = StanceDataset.SampleBodies(data.Bodies.Keys, options.Seed, options.HeldOutFraction);
        var validation = StanceDataset.SampleBodies(data.Bodies.Keys.Where(id => !heldOut.Contains(id)), options.Seed + 1, options.ValidationFraction);
        var trainPairs = data.Pairs.Where(p => !heldOut.Contains(p.BodyId) && !validation.Contains(p.BodyId)).ToList();
        var validPairs = data.Pairs.Where(p => validation.Contains(p.BodyId)).ToList();
        var heldPairs = data.Pairs.Where(p => heldOut.Contains(p.BodyId)).ToList();
        log(string.Create(CultureInfo.InvariantCulture, $"split by body (seed {options.Seed}): train {trainPairs.Count} pairs, validation {validPairs.Count}, held out {heldPairs.Count} ({heldOut.Count} bodies)"));
        if (trainPairs.Count == 0 || validPairs.Count == 0 || heldPairs.Count == 0)
        {
            throw new InvalidOperationException("stance: the data set is too small to split into training, validation and held-out bodies");
        }

        var sentences = data.Bodies.ToDictionary(b => b.Key, b => AnalyzedBody.SentencesOf(null, b.Value));
        var trainingSide = data.Bodies.Keys.Where(id => !heldOut.Contains(id)).ToList();
        var documents = trainingSide.Select(id => (IReadOnlyCollection<string>)sentences[id].SelectMany(s => StanceText.Terms(StanceText.Words(s))).ToList())
            .Concat(trainPairs.Concat(validPairs).Select(p => p.Headline).Distinct(StringComparer.Ordinal).Select(h => (IReadOnlyCollection<string>)StanceText.Terms(StanceText.Words(h))));
        var terms = TermWeights.Build(documents);
        log(string.Create(CultureInfo.InvariantCulture, $"term weights: {terms.Count} terms from {terms.Documents} training-side documents"));

        var bodies = sentences.ToDictionary(b => b.Key, b => new AnalyzedBody(b.Value, terms));
        var claims = data.Pairs.Select(p => p.Headline).Distinct(StringComparer.Ordinal).ToDictionary(h => h, h => new AnalyzedText(h, terms), StringComparer.Ordinal);
        // By reference: the data set may hold the same pair twice.
        var lexical = new Dictionary<StancePair, LexicalView>(ReferenceEqualityComparer.Instance);
        foreach (var pair in data.Pairs)
        {
            lexical[pair] = StanceFeatures.Lexical(claims[pair.Headline], bodies[pair.BodyId], terms);
        }

        cancellationToken.ThrowIfCancellationRequested();

        var relatedCoverage = trainPairs.Where(p => p.Gold != Relation.Unrelated).Select(p => (double)lexical[p].Coverage).Order().ToArray();
        if (relatedCoverage.Length == 0)
        {
            throw new InvalidOperationException("stance: the training bodies have no related pair to learn from");
        }

        var threshold = Math.Min(options.PrefilterCap, relatedCoverage[(int)Math.Floor(relatedCoverage.Length * options.PrefilterLoss)]);
        var filteredTrain = trainPairs.Where(p => lexical[p].Coverage < threshold).ToList();
        var precision = filteredTrain.Count == 0 ? 1 : (double)filteredTrain.Count(p => p.Gold == Relation.Unrelated) / filteredTrain.Count;
        log(string.Create(CultureInfo.InvariantCulture, $"pre-filter: coverage below {threshold:0.000} is unrelated; it settles {filteredTrain.Count} of {trainPairs.Count} training pairs, {precision:P2} of them truly unrelated"));

        bool Passes(StancePair p) => lexical[p].Coverage >= threshold;
        var toEmbed = data.Pairs.Where(Passes)
            .SelectMany(p => StanceFeatures.TextsToEmbed(claims[p.Headline], bodies[p.BodyId], lexical[p]))
            .Distinct(StringComparer.Ordinal)
            .ToList();
        var vectors = new Dictionary<string, float[]>(StringComparer.Ordinal);
        var embedClock = Stopwatch.StartNew();
        for (var start = 0; start < toEmbed.Count; start += EmbedBatch)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var batch = toEmbed.GetRange(start, Math.Min(EmbedBatch, toEmbed.Count - start));
            var result = embed(batch);
            for (var i = 0; i < batch.Count; i++)
            {
                vectors[batch[i]] = result[i];
            }

            if ((start / EmbedBatch) % 20 == 0 || start + EmbedBatch >= toEmbed.Count)
            {
                log(string.Create(CultureInfo.InvariantCulture, $"embedding: {Math.Min(start + EmbedBatch, toEmbed.Count)} of {toEmbed.Count} texts ({embedClock.Elapsed.TotalSeconds:0}s)"));
            }
        }

        IReadOnlyList<float[]> Lookup(IReadOnlyList<string> texts) =>
            texts.All(vectors.ContainsKey) ? [.. texts.Select(t => vectors[t])] : embed(texts);

        float[] Features(AnalyzedText claim, AnalyzedBody body, LexicalView view) =>
            StanceFeatures.Compute(claim, body, view, Lookup(StanceFeatures.TextsToEmbed(claim, body, view))).Features;

        (float[][] X, int[] Y) Rows(List<StancePair> pairs)
        {
            var kept = pairs.Where(Passes).ToList();
            return ([.. kept.Select(p => Features(claims[p.Headline], bodies[p.BodyId], lexical[p]))], [.. kept.Select(p => (int)p.Gold)]);
        }

        // FNC-1 bodies are whole articles, while the engine also asks about a single sentence or a headline: each
        // training pair is also shown as its best-matching sentence alone, with the pair's label. Its vector is
        // already embedded (it is a candidate of the full pair).
        (float[][] X, int[] Y) ShortRows(List<StancePair> pairs)
        {
            var kept = pairs.Where(Passes).ToList();
            var x = new List<float[]>();
            var y = new List<int>();
            foreach (var p in kept)
            {
                var view = lexical[p];
                var sentence = bodies[p.BodyId].Sentences[view.Candidates[0]].Text;
                var body = new AnalyzedBody([sentence], terms);
                var shortView = StanceFeatures.Lexical(claims[p.Headline], body, terms);
                if (shortView.Coverage >= threshold)
                {
                    x.Add(Features(claims[p.Headline], body, shortView));
                    y.Add((int)p.Gold);
                }
            }

            return ([.. x], [.. y]);
        }

        var full = Rows(trainPairs);
        var single = ShortRows(trainPairs);
        var train = (X: full.X.Concat(single.X).ToArray(), Y: full.Y.Concat(single.Y).ToArray());
        var valid = Rows(validPairs);
        log(string.Create(CultureInfo.InvariantCulture, $"boosting on {train.X.Length} rows ({single.X.Length} of them single best sentences), {StanceFeatures.Names.Count} features; validation {valid.X.Length} rows"));

        // Each candidate setting is trained on the training bodies and judged on the validation bodies only.
        (StanceModelFile File, double Objective)? chosen = null;
        foreach (var setting in options.Settings)
        {
            cancellationToken.ThrowIfCancellationRequested();
            double[] Weights(int[] y) => [.. y.Select(label => setting.ClassWeights[label])];
            var trees = BoostedTrees.Train(train.X, train.Y, Weights(train.Y), StanceModel.RelationCount, valid.X, valid.Y, Weights(valid.Y), setting.Boosting, (round, trainLoss, validLoss) =>
            {
                if (round % 100 == 0)
                {
                    log(string.Create(CultureInfo.InvariantCulture, $"setting {setting.Name}, round {round}: train loss {trainLoss:0.0000}, validation loss {validLoss:0.0000}"));
                }
            });
            var file = new StanceModelFile
            {
                Features = StanceFeatures.Names,
                PrefilterCoverage = Math.Round(threshold, 6),
                PrefilterPrecision = Math.Round(precision, 4),
                Trees = [.. trees.Trees.Select(t => new TreeFile(t.Feature, t.Threshold, t.Left, t.Right, t.Value))],
            };
            var draft = new StanceModel(file, terms, Lookup);
            var validProbabilities = validPairs.Select(p => (p.Gold, Passes(p) ? draft.Predict(claims[p.Headline], bodies[p.BodyId]).Probabilities : null)).ToList();
            var (multipliers, objective) = TuneMultipliers(validProbabilities);
            log(string.Create(CultureInfo.InvariantCulture,
                $"setting {setting.Name}: {trees.Rounds} rounds, multipliers {string.Join("/", multipliers.Select(m => m.ToString("0.00", CultureInfo.InvariantCulture)))}, validation objective {objective:0.0000}"));
            if (chosen is null || objective > chosen.Value.Objective)
            {
                chosen = (file with { Multipliers = multipliers, Setting = setting.Name }, objective);
            }
        }

        var tuned = new StanceModel(chosen!.Value.File, terms, Lookup);
        log($"chosen on validation: setting {tuned.File.Setting}");
        var validEvaluation = Evaluate(tuned, validPairs, claims, bodies);
        var heldEvaluation = Evaluate(tuned, heldPairs, claims, bodies);
        var info = new StanceTrainingInfo(options.Command, options.Data, options.Seed, options.HeldOutFraction, options.ValidationFraction, trainPairs.Count, validPairs.Count, heldPairs.Count, heldEvaluation.ToFigures());
        var model = new StanceModel(tuned.File with { Training = info }, terms);
        return new StanceTrainingResult(model, validEvaluation, heldEvaluation, toEmbed.Count, clock.Elapsed);
    }

    /// <summary>The held-out bodies' figures of <paramref name="model"/> on <paramref name="data"/>, rebuilt from the model's own split settings.</summary>
    public static StanceEvaluation EvaluateHeldOut(StanceModel model, StanceDataset data)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        var pairs = HeldOutPairs(model, data);
        var bodies = pairs.Select(p => p.BodyId).Distinct().ToDictionary(id => id, id => new AnalyzedBody(AnalyzedBody.SentencesOf(null, data.Bodies[id]), model.Terms));
        var claims = pairs.Select(p => p.Headline).Distinct(StringComparer.Ordinal).ToDictionary(h => h, h => new AnalyzedText(h, model.Terms), StringComparer.Ordinal);
        return Evaluate(model, pairs, claims, bodies);
    }

    /// <summary>The pairs of the bodies <paramref name="model"/> held out from training, rebuilt from the split settings it records.</summary>
    public static List<StancePair> HeldOutPairs(StanceModel model, StanceDataset data)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        var training = model.File.Training ?? throw new InvalidOperationException("stance: the model does not record how it was split");
        var heldOut = StanceDataset.SampleBodies(data.Bodies.Keys, training.SplitSeed, training.HeldOutFraction);
        return [.. data.Pairs.Where(p => heldOut.Contains(p.BodyId))];
    }

    private static StanceEvaluation Evaluate(StanceModel model, List<StancePair> pairs, Dictionary<string, AnalyzedText> claims, Dictionary<int, AnalyzedBody> bodies) =>
        StanceEvaluation.Of([.. pairs.Select(p => (p.Gold, model.Predict(claims[p.Headline], bodies[p.BodyId]).Relation))]);

    /// <summary>
    /// Coordinate search for the factors on supports, disputes and mentions that maximise the mean of macro-F1,
    /// the FNC-1 score and the disputes F1 on the validation pairs (pre-filtered pairs stay unrelated).
    /// </summary>
    private static (double[] Multipliers, double Objective) TuneMultipliers(List<(Relation Gold, IReadOnlyDictionary<Relation, double>? Probabilities)> validation)
    {
        double Objective(double[] m)
        {
            var outcomes = validation.Select(v => (v.Gold, v.Probabilities is null ? Relation.Unrelated : Choose(v.Probabilities, m))).ToList();
            var evaluation = StanceEvaluation.Of(outcomes);
            return (evaluation.MacroF1 + evaluation.Weighted + evaluation.F1[Relation.Disputes]) / 3;
        }

        // Kept within a factor of two: wider factors fitted the few validation bodies and tipped clear denials to supports.
        var grid = new[] { 0.5, 0.7, 0.85, 1.0, 1.2, 1.5, 2.0 };
        var best = new double[] { 1, 1, 1, 1 };
        var bestScore = Objective(best);
        for (var pass = 0; pass < 3; pass++)
        {
            for (var k = 1; k < StanceModel.RelationCount; k++)
            {
                foreach (var value in grid)
                {
                    var candidate = (double[])best.Clone();
                    candidate[k] = value;
                    var score = Objective(candidate);
                    if (score > bestScore + 1e-9)
                    {
                        (best, bestScore) = (candidate, score);
                    }
                }
            }
        }

        return (best, bestScore);
    }

    private static Relation Choose(IReadOnlyDictionary<Relation, double> probabilities, double[] multipliers)
    {
        var chosen = Relation.Unrelated;
        foreach (var (relation, p) in probabilities)
        {
            if (p * multipliers[(int)relation] > probabilities[chosen] * multipliers[(int)chosen])
            {
                chosen = relation;
            }
        }

        return chosen;
    }
}
