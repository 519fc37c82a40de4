using System.Diagnostics;
using System.Text.Json;
using Alerts.Cli;
using Alerts.Core.Claims;
using Alerts.Core.Claims.Stance;

namespace Alerts.Tests.Claims;

public class StanceModelTests
{
    [Fact]
    public void TheCommittedModelLoadsWithItsTermsAndProvenance()
    {
        var model = StanceModel.Shared;

        model.Trees.Rounds.ShouldBeGreaterThan(10);
        model.Terms.Count.ShouldBeGreaterThan(1000);
        model.File.Features.ShouldBe(StanceFeatures.Names);
        var training = model.File.Training.ShouldNotBeNull();
        training.Command.ShouldStartWith("alerts train stance");
        training.HeldOut["weighted"].ShouldBeGreaterThan(0.5);
    }

    [Theory]
    [InlineData("The rebel commander was wounded in an air strike.", "Rebel commander hurt in airstrike, officials say")]
    // No term in common: the short-text check by meaning sends it to the model.
    [InlineData("A new species of giant spider was discovered in Australia.", "Scientists find huge previously unknown arachnid Down Under")]
    public void AHeadlineThatSaysTheClaimInOtherWordsIsRelated(string claim, string headline)
    {
        var prediction = StanceModel.Shared.Predict(claim, headline, "");

        prediction.Relation.ShouldNotBe(Relation.Unrelated, prediction.Why);
        prediction.BestSentence.ShouldBe(0);
    }

    [Fact]
    public void AShortTextAboutSomethingElseIsUnrelatedWithoutAskingTheModel()
    {
        var prediction = StanceModel.Shared.Predict(
            "A new species of giant spider was discovered in Australia.",
            "Harbour town votes to extend its summer ferry timetable",
            "The council met on Tuesday.");

        prediction.Relation.ShouldBe(Relation.Unrelated);
        prediction.Why.ShouldStartWith("unrelated: the text shares");
    }

    [Fact]
    public void AClearDenialDisputesTheClaim()
    {
        var prediction = StanceModel.Shared.Predict(
            "Velmar is selling its ferry line to Ostrova Shipping.",
            "Velmar denies ferry line sale",
            "The port authority of Velmar denied on Tuesday that it was selling its ferry line to Ostrova Shipping. "
            + "\"These reports are false and baseless,\" a spokeswoman said. \"The ferry line is not for sale.\"");

        prediction.Relation.ShouldBe(Relation.Disputes, prediction.Why);
        prediction.Why.ShouldStartWith("disputes");
        prediction.Probabilities[Relation.Disputes].ShouldBe(prediction.Score, 0.001);
    }

    [Fact]
    public void AnotherSubjectIsUnrelatedWithoutEmbeddingAnything()
    {
        var prediction = StanceModel.Shared.Predict(
            "Velmar is selling its ferry line to Ostrova Shipping.",
            null,
            "The mountain pass reopened on Friday after the snow was cleared. Drivers were told to carry chains.");

        prediction.Relation.ShouldBe(Relation.Unrelated);
        prediction.Why.ShouldContain("weighted terms");
    }

    [Fact]
    public void PreSplitSentencesGiveTheSameAnswerAsTheText()
    {
        const string Claim = "Tarvia has banned imports of wind turbines.";
        const string Title = "Tarvia bans turbine imports";
        const string Body = "Tarvia's trade ministry confirmed a ban on imported wind turbines on Wednesday. The ban protects local factories.";

        var fromText = StanceModel.Shared.Predict(Claim, Title, Body);
        var fromSentences = StanceModel.Shared.Predict(Claim, [Title, .. SentenceSplitter.Split(Body).Select(s => s.Text)]);

        fromSentences.Relation.ShouldBe(fromText.Relation);
        fromSentences.Score.ShouldBe(fromText.Score);
    }

    [Fact]
    public async Task RelateJsonLinesRoundTripWithProbabilities()
    {
        var input = string.Join('\n',
            """{"id":"x1","claim":"Tarvia has banned imports of wind turbines.","title":"Tarvia bans turbine imports","text":"Tarvia's trade ministry confirmed a ban on imported wind turbines on Wednesday."}""",
            "",
            """{"id":2,"claim":"Tarvia has banned imports of wind turbines."}""",
            """{"id":3,"claim":"Tarvia has banned imports of wind turbines.","text":"Brunsvik zoo welcomed a panda cub on Saturday."}""");
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exit = await AlertsCommandLine.InvokeAsync(["claims", "relate"], output, error, new StringReader(input));

        exit.ShouldBe(ExitCodes.Failures);
        error.ToString().ShouldContain("claims: line 3: \"claim\" and \"text\" are required");
        var answers = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonDocument.Parse(line).RootElement).ToList();
        answers.Count.ShouldBe(2);
        answers[0].GetProperty("id").GetString().ShouldBe("x1");
        answers[0].GetProperty("relation").GetString().ShouldBe("supports");
        answers[1].GetProperty("id").GetInt32().ShouldBe(3);
        answers[1].GetProperty("relation").GetString().ShouldBe("unrelated");
        foreach (var answer in answers)
        {
            var probabilities = answer.GetProperty("probabilities");
            new[] { "unrelated", "supports", "disputes", "mentions" }.Sum(name => probabilities.GetProperty(name).GetDouble()).ShouldBe(1, 0.01);
            answer.GetProperty("score").GetDouble().ShouldBe(probabilities.GetProperty(answer.GetProperty("relation").GetString()!).GetDouble(), 0.001);
        }
    }

    [Fact]
    public async Task TrainingOnASmallFixtureWritesAModelThatLoadsAndAnswers()
    {
        var scratch = Directory.CreateTempSubdirectory("alerts-stance-train-");
        try
        {
            var models = Path.Combine(scratch.FullName, "models");
            using var output = new StringWriter();
            using var error = new StringWriter();

            var exit = await AlertsCommandLine.InvokeAsync(
                ["train", "stance", TestEnvironment.TestData("Claims/testdata/stance-mini"), "--out", models, "--cache", Path.Combine(scratch.FullName, "cache")],
                output, error, new StringReader(""));

            exit.ShouldBe(ExitCodes.Success, error.ToString());
            output.ToString().ShouldContain("held-out bodies: pairs");
            using var modelFile = File.OpenText(Path.Combine(models, StanceModel.ModelFile));
            using var termsFile = File.OpenText(Path.Combine(models, StanceModel.TermsFile));
            var model = StanceModel.Load(modelFile, termsFile);
            model.File.Training.ShouldNotBeNull().TrainPairs.ShouldBeGreaterThan(0);
            var prediction = model.Predict("Kessel mayor resigns after budget scandal", null, "The mayor of Kessel resigned on Friday after an audit of the budget.");
            prediction.Probabilities.Values.Sum().ShouldBe(1, 0.01);
            File.Exists(Path.Combine(scratch.FullName, "cache", $"stance-{SentenceEmbedder.VectorsName}.bin")).ShouldBeTrue();
        }
        finally
        {
            scratch.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task TrainingRefusesAFolderWithoutTheDataFiles()
    {
        var scratch = Directory.CreateTempSubdirectory("alerts-stance-empty-");
        try
        {
            using var output = new StringWriter();
            using var error = new StringWriter();

            var exit = await AlertsCommandLine.InvokeAsync(["train", "stance", scratch.FullName, "--out", scratch.FullName], output, error, new StringReader(""));

            exit.ShouldBe(ExitCodes.Usage);
            error.ToString().ShouldContain("train: ");
            error.ToString().ShouldContain("train_stances.csv");
        }
        finally
        {
            scratch.Delete(recursive: true);
        }
    }

    /// <summary>
    /// The committed model on the FNC-1 bodies its training held out (rebuilt from the split seed the model
    /// records). Embeds the held-out pairs that pass the pre-filter: about a minute on an idle core.
    /// </summary>
    [Fact]
    public void OnHeldOutFnc1BodiesTheModelMeetsTheTargets()
    {
        var folder = Path.GetFullPath(Path.Combine(TestEnvironment.RepositoryRoot, "..", "shared", "training", "fnc1"));
        TestEnvironment.RequireOrSkip(File.Exists(Path.Combine(folder, "train_stances.csv")), $"the FNC-1 training data {folder} is not there (it sits beside the repository as ../shared)");
        using var stances = File.OpenText(Path.Combine(folder, "train_stances.csv"));
        using var bodies = File.OpenText(Path.Combine(folder, "train_bodies.csv"));
        var data = StanceDataset.Parse(stances, bodies);
        var watch = Stopwatch.StartNew();

        var evaluation = StanceTrainer.EvaluateHeldOut(StanceModel.Shared, data);

        TestContext.Current.SendDiagnosticMessage($"held-out FNC-1 in {watch.Elapsed.TotalSeconds:0}s: {evaluation.Describe()}");
        evaluation.Pairs.ShouldBeGreaterThan(3000);
        evaluation.Weighted.ShouldBeGreaterThanOrEqualTo(0.80, evaluation.Describe());
        evaluation.MacroF1.ShouldBeGreaterThanOrEqualTo(0.60, evaluation.Describe());
        evaluation.F1[Relation.Disputes].ShouldBeGreaterThanOrEqualTo(0.30, evaluation.Describe());
    }
}
