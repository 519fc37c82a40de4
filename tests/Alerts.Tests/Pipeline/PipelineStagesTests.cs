using System.Diagnostics.Metrics;
using Alerts.Pipeline.Digests;
using Alerts.Pipeline.Messages;
using Alerts.Pipeline.Running;

namespace Alerts.Tests.Pipeline;

/// <summary>The one stage dispatcher: what it records for every stage run, whichever host calls it.</summary>
public sealed class PipelineStagesTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private sealed record Measurement(string Instrument, double Value, Dictionary<string, object?> Tags);

    /// <summary>Listens to the Alerts.Pipeline meter while <paramref name="run"/> runs.</summary>
    private static async Task<List<Measurement>> MeasureAsync(Func<Task> run)
    {
        var measurements = new List<Measurement>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == PipelineStages.MeterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var copy = new Dictionary<string, object?>(tags.ToArray());
            lock (measurements)
            {
                measurements.Add(new Measurement(instrument.Name, value, copy));
            }
        }

        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
        listener.Start();
        await run();
        return measurements;
    }

    private static bool Mine(Measurement m, string stage) => Equals(m.Tags.GetValueOrDefault("stage"), stage);

    [Fact]
    public async Task EachStageRunIsCountedWithItsOutcomeAndTimed()
    {
        await using var app = await TestApp.StartAsync();
        var stages = app.Get<PipelineStages>();

        var measurements = await MeasureAsync(async () =>
        {
            await stages.ScheduleAsync(Ct);
            await stages.PollFeedAsync(new PollFeedMessage(424242), dequeueCount: 1, Ct);
        });

        var runs = measurements.Where(m => m.Instrument == "alerts.stage.runs").ToList();
        runs.ShouldContain(m => Mine(m, PipelineStages.Schedule) && Equals(m.Tags["outcome"], "ok") && m.Value == 1);
        // A feed that does not exist: PollFeed skips it, and the outcome says so.
        runs.ShouldContain(m => Mine(m, PipelineStages.PollFeed) && Equals(m.Tags["outcome"], "Skipped") && m.Value == 1);
        measurements.ShouldContain(m => m.Instrument == "alerts.stage.duration" && Mine(m, PipelineStages.PollFeed) && m.Value >= 0);
        measurements.ShouldContain(m => m.Instrument == "alerts.stage.outputs" && Mine(m, PipelineStages.Schedule) && m.Value == 0);
    }

    [Fact]
    public async Task AStageThatThrowsIsCountedAsAnErrorAndStillThrows()
    {
        await using var app = await TestApp.StartAsync();
        var stages = app.Get<PipelineStages>();

        var measurements = await MeasureAsync(async () =>
            await Should.ThrowAsync<Exception>(() => stages.SendDigestAsync(new SendDigestMessage("", ""), Ct)));

        measurements.ShouldContain(m => m.Instrument == "alerts.stage.runs" && Equals(m.Tags["stage"], PipelineStages.SendDigest) && Equals(m.Tags["outcome"], "error"));
    }
}
