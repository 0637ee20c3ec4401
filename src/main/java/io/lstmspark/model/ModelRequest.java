package io.lstmspark.model;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What the job asks of a model: which signature, which input to feed, which outputs to fetch
 * (output column name → tensor reference, in column order).
 */
public record ModelRequest(ModelSource source, String signature, Optional<TensorRef> input,
                           Map<String, TensorRef> outputs) {
    public ModelRequest {
        outputs = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(outputs));
        if (outputs.isEmpty()) {
            throw new ModelException("no outputs requested: add at least one entry under outputs "
                    + "(column = signature output key or op:N)");
        }
    }
}
