package io.lstmspark.model;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.tensorflow.Result;
import org.tensorflow.proto.MetaGraphDef;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;

/**
 * Refuses a model whose outputs depend on earlier calls, as a stateful Keras layer's do (it keeps
 * its state in variables that every call updates): the job evaluates windows in any order, in
 * many JVMs. A stateless model answers the same windows fed twice the same both times. A model that
 * draws random numbers differs too: then the message names its random ops instead.
 */
final class StatelessCheck {

    /** Relative difference two runs of the same windows may show (none, on the CPU). */
    private static final double SAME_CALL_TOLERANCE = 1e-6;

    private StatelessCheck() {
    }

    /**
     * {@code first} and {@code second} are the results of the same windows fed twice, fetching
     * {@code fetches}; {@code outputs} are the requested outputs among them, by column.
     */
    static void check(LoadedModel model, Map<String, FoundTensor> outputs, List<String> fetches,
                      Result first, Result second) {
        for (Map.Entry<String, FoundTensor> output : outputs.entrySet()) {
            int index = fetches.indexOf(output.getValue().name());
            if (!(first.get(index) instanceof TFloat32 || first.get(index) instanceof TFloat64)) {
                continue; // refused for its type by the checks that follow
            }
            double[] a = FloatTensors.values(first.get(index));
            double[] b = FloatTensors.values(second.get(index));
            double largest = 0;
            for (int i = 0; i < a.length; i++) {
                largest = Math.max(largest, Math.abs(a[i] - b[i]) / Math.max(1, Math.abs(a[i])));
            }
            if (largest > SAME_CALL_TOLERANCE) {
                Set<String> randomOps = ModelSafety.randomOpsBehind(model.metaGraph()
                        .map(MetaGraphDef::getGraphDef).orElseGet(() -> model.graph().toGraphDef()), fetches);
                if (!randomOps.isEmpty()) {
                    throw new ModelException("model " + model.source().path() + " gives different outputs for the "
                            + "same input: random ops " + String.join(", ", randomOps) + " (the same windows fed "
                            + "twice gave outputs." + output.getKey() + " (" + output.getValue().description()
                            + ") values up to " + largest + " apart). lstm-spark writes one value per window, so "
                            + "a call may depend only on its windows: export the model without random ops in its "
                            + "serving function (e.g. Dropout called with training=False, the default)");
                }
                throw new ModelException("model " + model.source().path() + " keeps state from call to call: "
                        + "the same windows fed twice gave outputs." + output.getKey() + " ("
                        + output.getValue().description() + ") values up to " + largest + " apart, as a stateful "
                        + "layer does (e.g. Keras LSTM(stateful=True)). lstm-spark evaluates windows in any "
                        + "order on many executors, so a call may depend only on its windows: re-export the "
                        + "model with stateful=False and the same weights; mode = stream carries the LSTM's "
                        + "state along each series instead");
            }
        }
    }
}
