package io.lstmspark.model;

import java.io.Serializable;
import java.util.Optional;
import org.tensorflow.Graph;

/**
 * Ops lstm-spark adds to a loaded model's graph (e.g. LSTM state taps), described by a serializable
 * value so that the driver and every executor build exactly the same ops, once per loaded model.
 * Equal extensions build equal ops; {@link LoadedModel#extend} builds each one once.
 */
public interface GraphExtension extends Serializable {

    /** Adds the ops to {@code graph}, which already holds the model. */
    void addTo(Graph graph);

    /** The graph tensor ({@code op:N}) that holds {@code ref} once the ops are added, if this extension provides it. */
    Optional<String> tensorFor(TensorRef ref);

    /**
     * A tensor of these ops that computes the same values as the model's {@code modelTensor} from
     * what the call fetches anyway, to fetch in its place; empty when there is none.
     */
    default Optional<String> replacementFor(String modelTensor) {
        return Optional.empty();
    }
}
