package io.lstmspark.model;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * What the job asks of a model: which signature, which input to feed, which outputs to fetch
 * (output column name → tensor reference, in column order), which states to carry from chunk to
 * chunk (stream mode), and the ops to add to the model's graph for outputs the model does not expose
 * itself.
 */
public record ModelRequest(ModelSource source, String signature, Optional<TensorRef> input,
                           Map<String, TensorRef> outputs, List<StatePair> states, List<GraphExtension> extensions) {

    /** A state the model takes as an input and gives back as an output, to carry across chunks. */
    public record StatePair(TensorRef input, TensorRef output) implements java.io.Serializable {
    }

    public ModelRequest {
        outputs = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(outputs));
        states = List.copyOf(states);
        extensions = List.copyOf(extensions);
        if (outputs.isEmpty()) {
            throw new ModelException("no outputs requested: add at least one entry under outputs "
                    + "(column = signature output key or op:N)");
        }
    }

    public ModelRequest(ModelSource source, String signature, Optional<TensorRef> input,
                        Map<String, TensorRef> outputs) {
        this(source, signature, input, outputs, List.of(), List.of());
    }

    /** The graph tensors (op:N) the request names: what the job fetches besides signature tensors. */
    public List<String> graphTensors() {
        return Stream.of(input.stream(), outputs.values().stream(),
                        states.stream().flatMap(state -> Stream.of(state.input(), state.output())))
                .flatMap(refs -> refs)
                .filter(TensorRef.GraphTensor.class::isInstance)
                .map(ref -> ((TensorRef.GraphTensor) ref).name())
                .toList();
    }

    /** This request carrying {@code carried} from chunk to chunk as well. */
    public ModelRequest withStates(List<StatePair> carried) {
        return new ModelRequest(source, signature, input, outputs,
                Stream.concat(states.stream(), carried.stream()).toList(), extensions);
    }

    /** This request with {@code extension}'s ops added to the graph before outputs are resolved. */
    public ModelRequest withExtension(GraphExtension extension) {
        return new ModelRequest(source, signature, input, outputs, states,
                Stream.concat(extensions.stream(), Stream.of(extension)).toList());
    }
}
