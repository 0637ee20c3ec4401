package io.lstmspark.job;

import io.lstmspark.model.ElementType;
import io.lstmspark.model.ModelCall;
import io.lstmspark.model.ModelKey;
import io.lstmspark.output.StreamRows;
import io.lstmspark.series.StepReader;
import java.io.Serializable;

/**
 * What a stream-mode task needs: rows arrive sorted by (chunk index, series, timestamp), the chunk
 * index in field {@code chunkField}.
 */
record StreamPlan(StepReader.Layout layout, int chunkField, int chunkLength, ElementType inputType, int batchSize,
                  ModelKey modelKey, ModelCall call, StreamRows.Layout rows) implements Serializable {

    int featureCount() {
        return layout.featureNames().size();
    }
}
