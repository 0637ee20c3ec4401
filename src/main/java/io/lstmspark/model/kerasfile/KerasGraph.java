package io.lstmspark.model.kerasfile;

import java.io.Serializable;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What {@link KerasGraphBuilder} built from a Keras file in a TensorFlow graph: the tensor the windows
 * are fed to, the model outputs by key, every LSTM layer's states, and the recurrent states a caller
 * may feed and fetch to carry them across chunks of a series. Tensor names are {@code op:N}.
 *
 * @param inputKey     the input layer's name
 * @param inputTensor  placeholder [batch, steps, features] of the model's float type
 * @param outputs      output key ({@code output_0}, ..., and the output layer's name) -> tensor
 * @param lstmLayers   every LSTM layer of the model, in config order (what {@code lstm:N} counts)
 * @param carried      per recurrent layer, the state fed before a chunk and the state after it
 * @param streamProblem why carrying those states would not continue the model exactly, if it would not
 */
public record KerasGraph(String inputKey, String inputTensor, long[] inputShape, boolean float64,
                         Map<String, String> outputs, List<LstmStates> lstmLayers, List<CarriedState> carried,
                         Optional<String> streamProblem, List<BuiltLayer> layers) implements Serializable {

    public KerasGraph {
        layers = List.copyOf(layers);
        inputShape = inputShape.clone();
        outputs = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(outputs));
        lstmLayers = List.copyOf(lstmLayers);
        carried = List.copyOf(carried);
    }

    @Override
    public long[] inputShape() {
        return inputShape.clone();
    }

    /**
     * A layer as built: its output shapes without the batch dimension, and the config values that decide
     * what it computes ({@code units=5 activation=relu ...}), for {@code inspect}.
     */
    public record BuiltLayer(String name, String className, List<long[]> outputShapes, String settings)
            implements Serializable {
        public BuiltLayer {
            outputShapes = outputShapes.stream().map(long[]::clone).toList();
        }
    }

    /** An LSTM layer's state tensors: h, c [batch, units]; sequence, cell_sequence [batch, steps, units]. */
    public record LstmStates(String layer, int position, int units, String h, String c, String sequence,
                             String cellSequence) implements Serializable {
    }

    /** A recurrent layer's state: fed as {@code initial} [batch, size] (zeros unless fed), ends as {@code last}. */
    public record CarriedState(String layer, String initial, String last, int size) implements Serializable {
    }
}
