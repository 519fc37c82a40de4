using System.Diagnostics;
using Alerts.Core.Claims;
using Alerts.Core.Claims.Stance;

namespace Alerts.Benchmarks;

/// <summary>
/// Quick figures of <c>claims relate</c>: the learned stance model beside the rule-based relator it replaced,
/// both on the same generated 2 KB articles in one run, counted in CPU time of this process (the machine may
/// be shared). "warm": 50 articles against rotating claims, so each article's sentences are embedded once and
/// reused, as when one new article is related to many clusters; "cached": the same pairs again, every text
/// analysed and embedded already (what the model itself costs); "cold": every pair brings an article never seen,
/// so each of its candidate sentences is embedded (the worst case). "fnc1": the FNC-1 bodies held out from
/// training (../shared/training/fnc1, when it is there), every pair in file order through a fresh model and
/// embedder with empty caches, as `alerts claims relate` meets them: real headlines and bodies, each text
/// embedded the first time it is needed. Also the model's load time and the working set after loading it and
/// the sentence embedder.
/// </summary>
internal static class StanceQuick
{
    public static void Measure(IDictionary<string, object> result)
    {
        var before = Process.GetCurrentProcess().WorkingSet64;
        var watch = Stopwatch.StartNew();
        var model = StanceModel.Shared;
        result["stance_model_load_s"] = Math.Round(watch.Elapsed.TotalSeconds, 3);
        watch.Restart();
        SentenceEmbedder.Shared.Embed("warm up the embedder");
        result["stance_embedder_load_s"] = Math.Round(watch.Elapsed.TotalSeconds, 3);
        result["stance_working_set_mb"] = Math.Round(Process.GetCurrentProcess().WorkingSet64 / 1048576.0, 0);
        result["stance_working_set_growth_mb"] = Math.Round((Process.GetCurrentProcess().WorkingSet64 - before) / 1048576.0, 0);

        var articles = Enumerable.Range(0, 50).Select(ClaimsCorpus.Article).ToList();
        var warm = CpuRate(600, p => model.Predict(ClaimsCorpus.Claim(p), articles[p % articles.Count].Title, articles[p % articles.Count].Text));
        var cached = CpuRate(600, p => model.Predict(ClaimsCorpus.Claim(p), articles[p % articles.Count].Title, articles[p % articles.Count].Text));
        var rules = CpuRate(600, p => LegacyClaimRelator.Relate(ClaimsCorpus.Claim(p), articles[p % articles.Count].Text, articles[p % articles.Count].Title));
        var cold = CpuRate(40, p =>
        {
            var article = ClaimsCorpus.Article(1_000_000 + p);
            model.Predict(ClaimsCorpus.Claim(p), article.Title, article.Text);
        });
        result["relate_pairs_per_cpu_s_model_warm"] = Math.Round(warm, 0);
        result["relate_pairs_per_cpu_s_model_cold"] = Math.Round(cold, 1);
        result["relate_pairs_per_cpu_s_model_cached"] = Math.Round(cached, 0);
        result["relate_pairs_per_cpu_s_rules"] = Math.Round(rules, 0);
        result["relate_model_cached_vs_rules"] = Math.Round(cached / rules, 2);
        result["relate_model_warm_vs_rules"] = Math.Round(warm / rules, 2);
        MeasureHeldOut(result);
    }

    private static void MeasureHeldOut(IDictionary<string, object> result)
    {
        var folder = SharedData.Find("training", "fnc1", "train_stances.csv") is null ? null : SharedData.Find("training", "fnc1");
        if (folder is null)
        {
            result["relate_fnc1"] = "skipped: ../shared/training/fnc1 not found";
            return;
        }

        StanceDataset data;
        using (var stances = new StreamReader(Path.Combine(folder, "train_stances.csv")))
        using (var bodies = new StreamReader(Path.Combine(folder, "train_bodies.csv")))
        {
            data = StanceDataset.Parse(stances, bodies);
        }

        var model = StanceModel.Shared;
        var pairs = StanceTrainer.HeldOutPairs(model, data);
        using var embedder = new SentenceEmbedder();
        var fresh = new StanceModel(model.File, model.Terms, texts => embedder.Embed(texts));
        var learned = CpuRate(pairs.Count - 1, p => fresh.Predict(pairs[p].Headline, null, data.Bodies[pairs[p].BodyId]));
        var rules = CpuRate(pairs.Count - 1, p => LegacyClaimRelator.Relate(pairs[p].Headline, data.Bodies[pairs[p].BodyId]));
        result["relate_fnc1_pairs"] = pairs.Count;
        result["relate_fnc1_pairs_per_cpu_s_model"] = Math.Round(learned, 0);
        result["relate_fnc1_pairs_per_cpu_s_rules"] = Math.Round(rules, 0);
        result["relate_fnc1_model_vs_rules"] = Math.Round(learned / rules, 2);
    }

    /// <summary>Pairs per CPU-second of this process over <paramref name="pairs"/> calls (after one warm-up call).</summary>
    private static double CpuRate(int pairs, Action<int> relate)
    {
        relate(0);
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        for (var p = 1; p <= pairs; p++)
        {
            relate(p);
        }

        return pairs / Math.Max(1e-6, (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds);
    }
}
