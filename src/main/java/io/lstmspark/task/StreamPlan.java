package io.lstmspark.task;

import io.lstmspark.config.JobConfig;
import io.lstmspark.config.StreamLayout;
import io.lstmspark.model.ElementType;
import io.lstmspark.model.ModelCall;
import io.lstmspark.model.ModelKey;
import io.lstmspark.series.StepReader;

/**
 * What a stream-mode task needs: rows arrive sorted by (chunk index, series, timestamp), the chunk
 * index in field {@code chunkField}.
 *
 * @param onNan      what to do with a chunk whose outputs are not finite
 * @param quarantine the quarantine pass: write the chunks set aside instead of output rows
 * @param timeZone   the session time zone, in which quarantine records show timestamps
 */
public record StreamPlan(StepReader.Layout layout, int chunkField, int chunkLength, ElementType inputType,
                         int batchSize, ModelKey modelKey, ModelCall call, StreamLayout rows, JobConfig.OnNan onNan,
                         boolean quarantine, String timeZone) implements TaskPlan {

    public StreamPlan forQuarantine() {
        return new StreamPlan(layout, chunkField, chunkLength, inputType, batchSize, modelKey, call, rows, onNan, true,
                timeZone);
    }

    @Override
    public int featureCount() {
        return layout.featureNames().size();
    }

    @Override
    public int windowLength() {
        return chunkLength;
    }

    /** Every chunk is evaluated, in the quarantine pass too: a series' later chunks need its state. */
    @Override
    public boolean evaluates() {
        return true;
    }

    @Override
    public boolean emitsOutputs() {
        return !quarantine;
    }
}
