package io.lstmspark.model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a {@link ModelRequest} into a {@link ModelCall} on the driver, before any task runs: adds the
 * request's graph extensions, finds the outputs and states ({@link TensorLookup}), and runs a probe
 * batch ({@link ModelProbe}) to learn each output's per-window shape and to refuse models that keep
 * state between calls. The input comes in already found and fitted to the windows
 * ({@link ModelInput#windows}). Every refusal names the model, the tensor, what was expected and
 * found, and the configuration key to change.
 */
public final class ModelCallResolver {

    private ModelCallResolver() {
    }

    public static ModelCall resolve(LoadedModel model, ModelRequest request, WindowInput input) {
        request.extensions().forEach(model::extend);
        Map<String, FoundTensor> outputs = new LinkedHashMap<>();
        request.outputs().forEach((column, ref) -> outputs.put(column, TensorLookup.replaced(request,
                TensorLookup.output(model, request, "outputs." + column, ref))));
        List<TensorLookup.FoundState> states = new ArrayList<>();
        for (ModelRequest.StatePair pair : request.states()) {
            states.add(TensorLookup.state(model, request, pair));
        }
        return ModelProbe.call(model, request, input, outputs, states);
    }
}
