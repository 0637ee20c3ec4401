package io.lstmspark.model;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * What the job asks of a model: which signature, which input to feed, which outputs to fetch
 * (output column name → tensor reference, in column order), and the ops to add to the model's graph
 * for outputs the model does not expose itself.
 */
public record ModelRequest(ModelSource source, String signature, Optional<TensorRef> input,
                           Map<String, TensorRef> outputs, List<GraphExtension> extensions) {
    public ModelRequest {
        outputs = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(outputs));
        extensions = List.copyOf(extensions);
        if (outputs.isEmpty()) {
            throw new ModelException("no outputs requested: add at least one entry under outputs "
                    + "(column = signature output key or op:N)");
        }
    }

    public ModelRequest(ModelSource source, String signature, Optional<TensorRef> input,
                        Map<String, TensorRef> outputs) {
        this(source, signature, input, outputs, List.of());
    }

    /** This request with {@code extension}'s ops added to the graph before outputs are resolved. */
    public ModelRequest withExtension(GraphExtension extension) {
        return new ModelRequest(source, signature, input, outputs,
                Stream.concat(extensions.stream(), Stream.of(extension)).toList());
    }
}
