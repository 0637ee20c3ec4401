package io.lstmspark.job;

import io.lstmspark.model.ElementType;
import io.lstmspark.model.ModelCall;
import io.lstmspark.model.ModelKey;
import io.lstmspark.series.WindowSpec;
import java.io.Serializable;
import java.util.List;

/**
 * Everything a task needs, decided on the driver and shipped with the task: no TensorFlow object,
 * only what identifies the model and how to call it.
 *
 * @param featureColumns input feature names, in the order the model takes them (for messages)
 */
record ExecutionPlan(WindowSpec windows, List<String> featureColumns, ElementType inputType, int batchSize,
                     ModelKey modelKey, ModelCall call) implements Serializable {
    ExecutionPlan {
        featureColumns = List.copyOf(featureColumns);
    }
}
