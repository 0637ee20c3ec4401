package io.lstmspark.task;

import io.lstmspark.config.StreamLayout;
import io.lstmspark.model.ElementType;
import io.lstmspark.model.ModelCall;
import io.lstmspark.model.ModelKey;
import io.lstmspark.series.StepReader;
import java.io.Serializable;

/**
 * What a stream-mode task needs: rows arrive sorted by (chunk index, series, timestamp), the chunk
 * index in field {@code chunkField}.
 */
public record StreamPlan(StepReader.Layout layout, int chunkField, int chunkLength, ElementType inputType, int batchSize,
                  ModelKey modelKey, ModelCall call, StreamLayout rows) implements Serializable {

    int featureCount() {
        return layout.featureNames().size();
    }
}
