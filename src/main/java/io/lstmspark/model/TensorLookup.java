package io.lstmspark.model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.tensorflow.Output;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;

/**
 * Finds the tensors a {@link ModelRequest} names in a loaded model: signature keys, graph tensors
 * op:N and LSTM state taps. A name that is not there is refused with what the model has instead and
 * the configuration key to fix.
 */
final class TensorLookup {

    private TensorLookup() {
    }

    /** A carried state: the tensor fed before a chunk and the one fetched after it, of {@code size} values. */
    record FoundState(FoundTensor input, FoundTensor output, int size, ElementType type) {
    }

    /** The tensor the windows are fed to: model.input, else the signature's one input besides its states. */
    static FoundTensor input(LoadedModel model, ModelRequest request) {
        if (request.input().isPresent()) {
            return request.input().get() instanceof TensorRef.GraphTensor tensor
                    ? graphTensor(model, tensor, "model.input")
                    : signatureInput(model, request, ((TensorRef.SignatureKey) request.input().get()).key(),
                    "model.input");
        }
        Signature signature = signature(model, request, "model.input");
        List<String> candidates = new ArrayList<>(signature.getInputs().keySet());
        request.states().forEach(state -> candidates.remove(state.input().toString()));
        if (candidates.size() != 1) {
            Map<String, Signature.TensorDescription> listed = new LinkedHashMap<>(signature.getInputs());
            listed.keySet().retainAll(candidates);
            throw new ModelException("model " + model.source().path() + ": signature '" + signature.key()
                    + "' has " + candidates.size() + " inputs " + describe(listed)
                    + (request.states().isEmpty() ? "" : " besides its states")
                    + ": set model.input to the one that takes the windows");
        }
        return signatureInput(model, request, candidates.get(0), "model.input");
    }

    static FoundState state(LoadedModel model, ModelRequest request, ModelRequest.StatePair pair) {
        FoundTensor in = pair.input() instanceof TensorRef.GraphTensor tensor
                ? graphTensor(model, tensor, "model.state-inputs")
                : signatureInput(model, request, ((TensorRef.SignatureKey) pair.input()).key(), "model.state-inputs");
        FoundTensor out = output(model, request, "model.state-outputs", pair.output());
        Shape shape = in.shape();
        if (shape.isUnknown() || shape.numDimensions() != 2 || shape.size(1) <= 0) {
            throw new ModelException("model " + model.source().path() + ": state " + in.description() + " has shape "
                    + shape + "; a carried state must be [batch, size] with a known size: check model.state-inputs");
        }
        ElementType type = ElementType.of(in.type()).orElseThrow(() -> new ModelException("model "
                + model.source().path() + ": state " + in.description() + " is " + in.type()
                + "; carried states must be float32 or float64"));
        return new FoundState(in, out, Math.toIntExact(shape.size(1)), type);
    }

    private static FoundTensor signatureInput(LoadedModel model, ModelRequest request, String key, String configKey) {
        Signature signature = signature(model, request, configKey);
        Signature.TensorDescription description = signature.getInputs().get(key);
        if (description == null) {
            throw new ModelException("model " + model.source().path() + ": signature '" + signature.key()
                    + "' has no input '" + key + "'; its inputs are " + describe(signature.getInputs())
                    + ": set " + configKey + " to one of them (or to a graph tensor op:N)");
        }
        return new FoundTensor(description.name, "signature '" + signature.key() + "' input '" + key + "' ("
                + description.name + ")", description.shape, description.dataType);
    }

    static FoundTensor output(LoadedModel model, ModelRequest request, String configKey, TensorRef ref) {
        if (ref instanceof TensorRef.GraphTensor tensor) {
            return graphTensor(model, tensor, configKey);
        }
        if (ref instanceof TensorRef.LstmState state) {
            String name = request.extensions().stream().flatMap(e -> e.tensorFor(state).stream()).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no graph extension computes " + state
                            + " (" + configKey + "): the job plans state taps before resolving outputs"));
            Output<?> output = model.graph().output(name);
            return new FoundTensor(name, "LSTM state tap " + state + " (" + name + ")", output.shape(),
                    output.dataType());
        }
        String key = ((TensorRef.SignatureKey) ref).key();
        Signature signature = signature(model, request, configKey);
        Signature.TensorDescription description = signature.getOutputs().get(key);
        if (description == null) {
            throw new ModelException("model " + model.source().path() + ": signature '" + signature.key()
                    + "' has no output '" + key + "'; its outputs are " + describe(signature.getOutputs())
                    + ": fix " + configKey + " (a signature output key, or a graph tensor op:N)");
        }
        return new FoundTensor(description.name, "signature '" + signature.key() + "' output '" + key + "' ("
                + description.name + ")", description.shape, description.dataType);
    }

    /** The tensor an extension computes the same values in, from what the call fetches anyway; else {@code found}. */
    static FoundTensor replaced(ModelRequest request, FoundTensor found) {
        return request.extensions().stream().flatMap(e -> e.replacementFor(found.name()).stream()).findFirst()
                .map(name -> new FoundTensor(name, found.description() + ", computed by " + name, found.shape(),
                        found.type()))
                .orElse(found);
    }

    /** Signature keys in key order, with their dtypes and shapes: {@code {sequences=float32 [-1, 24, 4]}}. */
    private static String describe(Map<String, Signature.TensorDescription> tensors) {
        Map<String, String> described = new TreeMap<>();
        tensors.forEach((key, tensor) -> described.put(key, FoundTensor.typeAndShape(tensor.dataType, tensor.shape)));
        return described.toString();
    }

    private static Signature signature(LoadedModel model, ModelRequest request, String configKey) {
        Signature signature = model.signatures().get(request.signature());
        if (signature == null) {
            String has = model.signatures().isEmpty()
                    ? "it has no signatures (a frozen GraphDef or a TF1 graph): name tensors as op:N in " + configKey
                    : "its signatures are " + model.signatures().keySet() + ": set model.signature to one of them";
            throw new ModelException("model " + model.source().path() + " has no signature '"
                    + request.signature() + "'; " + has);
        }
        return signature;
    }

    private static FoundTensor graphTensor(LoadedModel model, TensorRef.GraphTensor ref, String configKey) {
        Output<?> output = model.graphTensor(ref.op(), ref.index()).orElseThrow(() -> new ModelException(
                "model " + model.source().path() + " has no graph tensor " + ref.name()
                        + (model.graph().operation(ref.op()) == null
                        ? " (no operation named '" + ref.op() + "')"
                        : " (operation '" + ref.op() + "' has " + model.graph().operation(ref.op()).numOutputs()
                        + " outputs)")
                        + ": fix " + configKey + "; `inspect --ops PATTERN` lists the model's operations"));
        return new FoundTensor(ref.name(), "graph tensor " + ref.name(), output.shape(), output.dataType());
    }
}
