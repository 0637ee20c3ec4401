package io.lstmspark.model;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the job asks of a model: which signature, which input to feed, which outputs to fetch
 * (output column name → tensor reference, in column order), and which states to carry (stream mode).
 */
public record ModelRequest(ModelSource source, String signature, Optional<TensorRef> input,
                           Map<String, TensorRef> outputs, List<StatePair> states) {

    /** A state the model takes as an input and gives back as an output, to carry across chunks. */
    public record StatePair(TensorRef input, TensorRef output) implements java.io.Serializable {
    }

    public ModelRequest(ModelSource source, String signature, Optional<TensorRef> input, Map<String, TensorRef> outputs) {
        this(source, signature, input, outputs, List.of());
    }

    public ModelRequest {
        outputs = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(outputs));
        states = List.copyOf(states);
        if (outputs.isEmpty()) {
            throw new ModelException("no outputs requested: add at least one entry under outputs "
                    + "(column = signature output key or op:N)");
        }
    }
}
