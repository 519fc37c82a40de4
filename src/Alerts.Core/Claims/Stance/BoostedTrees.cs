namespace Alerts.Core.Claims.Stance;

/// <summary>One regression tree: node i splits on <see cref="Feature"/>[i] (x &lt;= threshold goes left), or is a leaf when the feature is -1.</summary>
public sealed record RegressionTree(int[] Feature, float[] Threshold, int[] Left, int[] Right, float[] Value)
{
    public float Evaluate(ReadOnlySpan<float> x)
    {
        var node = 0;
        while (Feature[node] >= 0)
        {
            node = x[Feature[node]] <= Threshold[node] ? Left[node] : Right[node];
        }

        return Value[node];
    }
}

/// <summary>Training settings of <see cref="BoostedTrees"/>.</summary>
public sealed record BoostingOptions
{
    public int MaxRounds { get; init; } = 800;

    public double LearningRate { get; init; } = 0.05;

    public int MaxDepth { get; init; } = 5;

    /// <summary>The least hessian mass in a leaf: keeps leaves from fitting a handful of rows.</summary>
    public double MinChildWeight { get; init; } = 4;

    public double L2 { get; init; } = 1;

    public double RowSample { get; init; } = 0.7;

    public int Bins { get; init; } = 64;

    /// <summary>Stop when the validation loss has not improved for this many rounds.</summary>
    public int Patience { get; init; } = 80;

    public int Seed { get; init; } = 11;
}

/// <summary>
/// Multiclass gradient-boosted trees with a softmax loss (one tree per class and round, second-order leaf
/// values, histogram splits on quantile bins), small enough to write down here and to ship as JSON: no native
/// library, deterministic given the data and the seed, and a prediction costs a few microseconds.
/// </summary>
public sealed class BoostedTrees
{
    public BoostedTrees(int classes, int features, IReadOnlyList<RegressionTree> trees)
    {
        if (trees.Count % classes != 0)
        {
            throw new FormatException($"stance: {trees.Count} trees are not a whole number of rounds of {classes} classes");
        }

        Classes = classes;
        Features = features;
        Trees = trees;
    }

    public int Classes { get; }

    public int Features { get; }

    /// <summary>Round-major: the tree of class k in round r is at r * Classes + k.</summary>
    public IReadOnlyList<RegressionTree> Trees { get; }

    public int Rounds => Trees.Count / Classes;

    /// <summary>The class probabilities of one feature vector.</summary>
    public double[] Predict(ReadOnlySpan<float> x)
    {
        if (x.Length != Features)
        {
            throw new ArgumentException($"stance: {x.Length} features given where the model has {Features}", nameof(x));
        }

        var scores = new double[Classes];
        for (var t = 0; t < Trees.Count; t++)
        {
            scores[t % Classes] += Trees[t].Evaluate(x);
        }

        Softmax(scores);
        return scores;
    }

    /// <summary>
    /// Trains on <paramref name="x"/>/<paramref name="y"/> with per-row weights, stopping early on the weighted
    /// log loss of the validation rows. <paramref name="progress"/> hears (round, train loss, validation loss).
    /// </summary>
    public static BoostedTrees Train(
        float[][] x, int[] y, double[] weights, int classes,
        float[][] validX, int[] validY, double[] validWeights,
        BoostingOptions options, Action<int, double, double>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(options);
        if (x.Length == 0 || x.Length != y.Length || x.Length != weights.Length)
        {
            throw new ArgumentException("stance: training rows, labels and weights must be non-empty and of one length");
        }

        var d = x[0].Length;
        var cuts = Enumerable.Range(0, d).Select(j => CutPoints(x, j, options.Bins)).ToArray();
        var bins = Enumerable.Range(0, d).Select(j => x.Select(row => Bin(cuts[j], row[j])).ToArray()).ToArray();
        var builder = new TreeBuilder(bins, cuts, options);

        var n = x.Length;
        var scores = new double[n][];
        var validScores = new double[validX.Length][];
        for (var i = 0; i < n; i++)
        {
            scores[i] = new double[classes];
        }

        for (var i = 0; i < validX.Length; i++)
        {
            validScores[i] = new double[classes];
        }

        var random = new Random(options.Seed);
        var trees = new List<RegressionTree>();
        var best = (Loss: double.MaxValue, Rounds: 0);
        var gradient = new double[n];
        var hessian = new double[n];
        var probabilities = new double[n][];
        for (var round = 0; round < options.MaxRounds; round++)
        {
            for (var i = 0; i < n; i++)
            {
                probabilities[i] = (double[])scores[i].Clone();
                Softmax(probabilities[i]);
            }

            var rows = Enumerable.Range(0, n).Where(_ => random.NextDouble() < options.RowSample).ToArray();
            for (var k = 0; k < classes; k++)
            {
                for (var i = 0; i < n; i++)
                {
                    var p = probabilities[i][k];
                    gradient[i] = weights[i] * (p - (y[i] == k ? 1 : 0));
                    hessian[i] = weights[i] * Math.Max(p * (1 - p), 1e-6);
                }

                var tree = builder.Build(rows, gradient, hessian);
                trees.Add(tree);
                for (var i = 0; i < n; i++)
                {
                    scores[i][k] += tree.Evaluate(x[i]);
                }

                for (var i = 0; i < validX.Length; i++)
                {
                    validScores[i][k] += tree.Evaluate(validX[i]);
                }
            }

            var validLoss = validX.Length > 0 ? Loss(validScores, validY, validWeights) : Loss(scores, y, weights);
            progress?.Invoke(round + 1, Loss(scores, y, weights), validLoss);
            if (validLoss < best.Loss - 1e-6)
            {
                best = (validLoss, round + 1);
            }
            else if (round + 1 - best.Rounds >= options.Patience)
            {
                break;
            }
        }

        return new BoostedTrees(classes, d, trees.Take(best.Rounds * classes).ToList());
    }

    public static void Softmax(double[] scores)
    {
        var max = scores.Max();
        var sum = 0.0;
        for (var k = 0; k < scores.Length; k++)
        {
            scores[k] = Math.Exp(scores[k] - max);
            sum += scores[k];
        }

        for (var k = 0; k < scores.Length; k++)
        {
            scores[k] /= sum;
        }
    }

    private static double Loss(double[][] scores, int[] y, double[] weights)
    {
        double loss = 0, total = 0;
        for (var i = 0; i < scores.Length; i++)
        {
            var p = (double[])scores[i].Clone();
            Softmax(p);
            loss -= weights[i] * Math.Log(Math.Max(p[y[i]], 1e-12));
            total += weights[i];
        }

        return loss / total;
    }

    /// <summary>Up to bins - 1 ascending cut points at the feature's quantiles; a value v falls in the first bin whose cut is &gt;= v.</summary>
    private static float[] CutPoints(float[][] x, int feature, int bins)
    {
        var values = x.Select(row => row[feature]).Order().ToArray();
        var distinct = values.Distinct().ToArray();
        if (distinct.Length <= bins)
        {
            return distinct[..^1];
        }

        var cuts = new SortedSet<float>();
        for (var b = 1; b < bins; b++)
        {
            cuts.Add(values[(int)((long)b * (values.Length - 1) / bins)]);
        }

        cuts.Remove(distinct[^1]);
        return [.. cuts];
    }

    private static byte Bin(float[] cuts, float value)
    {
        var at = Array.BinarySearch(cuts, value);
        return (byte)(at >= 0 ? at : ~at);
    }

    /// <summary>Grows one depth-limited tree over bins of the training rows.</summary>
    private sealed class TreeBuilder(byte[][] bins, float[][] cuts, BoostingOptions options)
    {
        private double[] _gradient = [];
        private double[] _hessian = [];
        private List<int> _feature = [];
        private List<float> _threshold = [];
        private List<int> _left = [];
        private List<int> _right = [];
        private List<float> _value = [];

        public RegressionTree Build(int[] rows, double[] gradient, double[] hessian)
        {
            _gradient = gradient;
            _hessian = hessian;
            _feature = [];
            _threshold = [];
            _left = [];
            _right = [];
            _value = [];
            Grow(rows, 0);
            return new RegressionTree([.. _feature], [.. _threshold], [.. _left], [.. _right], [.. _value]);
        }

        private int Grow(int[] rows, int depth)
        {
            double g = 0, h = 0;
            foreach (var i in rows)
            {
                g += _gradient[i];
                h += _hessian[i];
            }

            var node = _feature.Count;
            _feature.Add(-1);
            _threshold.Add(0);
            _left.Add(-1);
            _right.Add(-1);
            _value.Add((float)(-g / (h + options.L2) * options.LearningRate));
            if (depth >= options.MaxDepth || h < 2 * options.MinChildWeight)
            {
                return node;
            }

            var split = BestSplit(rows, g, h);
            if (split.Feature < 0)
            {
                return node;
            }

            var column = bins[split.Feature];
            var leftRows = rows.Where(i => column[i] <= split.Bin).ToArray();
            var rightRows = rows.Where(i => column[i] > split.Bin).ToArray();
            _feature[node] = split.Feature;
            _threshold[node] = cuts[split.Feature][split.Bin];
            var left = Grow(leftRows, depth + 1);
            var right = Grow(rightRows, depth + 1);
            _left[node] = left;
            _right[node] = right;
            return node;
        }

        private (int Feature, int Bin) BestSplit(int[] rows, double g, double h)
        {
            var parent = g * g / (h + options.L2);
            var best = (Gain: 1e-9, Feature: -1, Bin: -1);
            var histogramG = new double[options.Bins + 1];
            var histogramH = new double[options.Bins + 1];
            for (var j = 0; j < bins.Length; j++)
            {
                var cutCount = cuts[j].Length;
                if (cutCount == 0)
                {
                    continue;
                }

                Array.Clear(histogramG);
                Array.Clear(histogramH);
                var column = bins[j];
                foreach (var i in rows)
                {
                    histogramG[column[i]] += _gradient[i];
                    histogramH[column[i]] += _hessian[i];
                }

                double leftG = 0, leftH = 0;
                for (var b = 0; b < cutCount; b++)
                {
                    leftG += histogramG[b];
                    leftH += histogramH[b];
                    var rightH = h - leftH;
                    if (leftH < options.MinChildWeight || rightH < options.MinChildWeight)
                    {
                        continue;
                    }

                    var rightG = g - leftG;
                    var gain = leftG * leftG / (leftH + options.L2) + rightG * rightG / (rightH + options.L2) - parent;
                    if (gain > best.Gain)
                    {
                        best = (gain, j, b);
                    }
                }
            }

            return (best.Feature, best.Bin);
        }
    }
}
