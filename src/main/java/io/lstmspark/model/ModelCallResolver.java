package io.lstmspark.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Signature;
import org.tensorflow.Tensor;
import org.tensorflow.exceptions.TensorFlowException;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.MetaGraphDef;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;

/**
 * Turns a {@link ModelRequest} into a {@link ModelCall} on the driver, before any task runs:
 * finds the tensors, checks the input's declared shape and type against the windows, and runs a
 * probe batch (two windows, or the model's fixed batch) to learn each output's per-window shape, and
 * refuses models that keep state between calls. Every refusal names the model, the
 * tensor, what was expected and found, and the configuration key to change.
 */
public final class ModelCallResolver {

    private static final int PROBE_WINDOWS = 2;
    /** Relative difference two runs of the same windows may show (none, on the CPU). */
    private static final double SAME_CALL_TOLERANCE = 1e-6;

    private ModelCallResolver() {
    }

    /** A tensor found in the model, with what the model declares about it. */
    private record FoundTensor(String name, String description, Shape shape, DataType type) {
    }

    /** A carried state: the tensor fed before a chunk and the one fetched after it, of {@code size} values. */
    private record FoundState(FoundTensor input, FoundTensor output, int size, ElementType type) {
    }

    public static ModelCall resolve(LoadedModel model, ModelRequest request, int windowLength, int features) {
        FoundTensor input = findInput(model, request);
        ElementType inputType = inputType(model, input, windowLength, features);
        long[] windowShape = adaptWindowShape(model, input, windowLength, features);

        request.extensions().forEach(model::extend);
        Map<String, FoundTensor> outputs = new LinkedHashMap<>();
        request.outputs().forEach((column, ref) -> outputs.put(column,
                replaced(request, findOutput(model, request, "outputs." + column, ref))));
        List<FoundState> states = new ArrayList<>();
        for (ModelRequest.StatePair pair : request.states()) {
            states.add(findState(model, request, pair));
        }
        return probe(model, request, input, inputType, windowShape, fixedBatch(input.shape()), outputs, states);
    }

    /**
     * The first dimension a tensor declares, as inputs of Keras 2 models with batch_input_shape do; or
     * ANY_BATCH where it is unknown.
     */
    private static int fixedBatch(Shape shape) {
        return !shape.isUnknown() && shape.numDimensions() > 0 && shape.get(0) > 0
                ? Math.toIntExact(shape.get(0)) : ModelCall.ANY_BATCH;
    }

    private static FoundState findState(LoadedModel model, ModelRequest request, ModelRequest.StatePair pair) {
        FoundTensor in = pair.input() instanceof TensorRef.GraphTensor tensor
                ? graphTensor(model, tensor, "model.state-inputs")
                : signatureInput(model, request, ((TensorRef.SignatureKey) pair.input()).key(), "model.state-inputs");
        FoundTensor out = findOutput(model, request, "model.state-outputs", pair.output());
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

    /**
     * The tensor the windows are fed to, with its type, the shape one window is fed in, and the
     * model's fixed batch size ({@link ModelCall#ANY_BATCH} if it has none).
     */
    public record WindowInput(String tensor, ElementType type, long[] windowShape, int fixedBatch) {
        public WindowInput {
            windowShape = windowShape.clone();
        }

        @Override
        public long[] windowShape() {
            return windowShape.clone();
        }
    }

    /** The input {@link #resolve} feeds, for ops that read the same windows (graph extensions). */
    public static WindowInput windowInput(LoadedModel model, ModelRequest request, int windowLength, int features) {
        FoundTensor input = findInput(model, request);
        return new WindowInput(input.name(), inputType(model, input, windowLength, features),
                adaptWindowShape(model, input, windowLength, features), fixedBatch(input.shape()));
    }

    private static ElementType inputType(LoadedModel model, FoundTensor input, int windowLength, int features) {
        return ElementType.of(input.type()).orElseThrow(() -> new ModelException(
                "model " + model.source().path() + ": " + input.description() + " takes " + typeAndShape(input)
                        + ", but lstm-spark feeds windows as float32 or float64 " + fed(windowLength, features)
                        + ": set model.input to the model's float input that takes the windows"));
    }

    /**
     * The window length the model's input declares: its length dimension for [batch, length, features],
     * or its flat size over {@code features} for [batch, length * features]; empty if it fixes none.
     */
    public static OptionalInt declaredWindowLength(LoadedModel model, ModelRequest request, int features) {
        Shape shape = findInput(model, request).shape();
        if (shape.isUnknown()) {
            return OptionalInt.empty();
        }
        if (shape.numDimensions() == 3 && shape.get(1) > 0) {
            return OptionalInt.of(Math.toIntExact(shape.get(1)));
        }
        if (shape.numDimensions() == 2 && shape.get(1) > 0 && shape.get(1) % features == 0) {
            return OptionalInt.of(Math.toIntExact(shape.get(1) / features));
        }
        return OptionalInt.empty();
    }

    private static FoundTensor findInput(LoadedModel model, ModelRequest request) {
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

    private static FoundTensor findOutput(LoadedModel model, ModelRequest request, String configKey, TensorRef ref) {
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
    private static FoundTensor replaced(ModelRequest request, FoundTensor found) {
        return request.extensions().stream().flatMap(e -> e.replacementFor(found.name()).stream()).findFirst()
                .map(name -> new FoundTensor(name, found.description() + ", computed by " + name, found.shape(),
                        found.type()))
                .orElse(found);
    }

    /** Signature keys in key order, with their dtypes and shapes: {@code {sequences=float32 [-1, 24, 4]}}. */
    private static String describe(Map<String, Signature.TensorDescription> tensors) {
        Map<String, String> described = new TreeMap<>();
        tensors.forEach((key, tensor) -> described.put(key, typeAndShape(tensor.dataType, tensor.shape)));
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

    /**
     * The shape one window is fed in: [length, features] for a [batch, length, features] input, or
     * [length * features] for a model that takes flat windows and reshapes inside. A mismatch names
     * the model's shape, the shape the job would feed, and the key to change.
     */
    private static long[] adaptWindowShape(LoadedModel model, FoundTensor input, int length, int features) {
        Shape shape = input.shape();
        if (shape.isUnknown()) {
            return new long[] {length, features};
        }
        String takes = "model " + model.source().path() + ": " + input.description() + " takes " + typeAndShape(input);
        String fed = ", but the job feeds " + fed(length, features);
        if (shape.numDimensions() == 3) {
            if (shape.get(1) > 0 && shape.get(1) != length) {
                throw new ModelException(takes + fed + ": set window.length = " + shape.get(1)
                        + " (or leave it unset to take the model's)");
            }
            if (shape.get(2) > 0 && shape.get(2) != features) {
                throw new ModelException(takes + fed + ": the model takes " + shape.get(2) + " features per step;"
                        + " list that many columns in input.features, in the order the model was trained on");
            }
            return new long[] {length, features};
        }
        if (shape.numDimensions() == 2 && shape.get(1) > 0) {
            long flat = (long) length * features;
            if (shape.get(1) == flat) {
                return new long[] {flat};
            }
            throw new ModelException(takes + ", flat windows of length x features values" + fed + ", "
                    + length + " x " + features + " = " + flat + " values: "
                    + (shape.get(1) % features == 0
                    ? "set window.length = " + shape.get(1) / features + " (or leave it unset)"
                    : shape.get(1) + " is not a multiple of the " + features + " input.features: check input.features"));
        }
        throw new ModelException(takes + fed + ", which a rank-" + shape.numDimensions() + " input cannot take: "
                + "set model.input to the input that takes [batch, length, features] windows");
    }

    /** What the job feeds, in the words of its configuration. */
    private static String fed(int length, int features) {
        return "[batch, " + length + ", " + features + "] (window.length " + length + ", " + features
                + " input.features)";
    }

    private static String typeAndShape(FoundTensor tensor) {
        return typeAndShape(tensor.type(), tensor.shape());
    }

    /** As users write them: {@code float32 [-1, 24, 4]}, {@code int32 [-1, 6]}. */
    private static String typeAndShape(DataType type, Shape shape) {
        return ElementType.of(type).map(ElementType::name).orElse(type.name()).replaceFirst("^DT_", "")
                .toLowerCase(Locale.ROOT) + " " + shape;
    }

    private static ModelCall probe(LoadedModel model, ModelRequest request, FoundTensor input, ElementType inputType,
                                   long[] windowShape, int fixedBatch, Map<String, FoundTensor> outputs,
                                   List<FoundState> states) {
        int rows = fixedBatch == ModelCall.ANY_BATCH ? probeRows(outputs.values()) : fixedBatch;
        long[] probeShape = new long[windowShape.length + 1];
        probeShape[0] = rows;
        System.arraycopy(windowShape, 0, probeShape, 1, windowShape.length);
        List<String> fetches = java.util.stream.Stream.concat(outputs.values().stream(),
                states.stream().map(FoundState::output)).map(FoundTensor::name).distinct().toList();
        Probe probe = new Probe(model, input, inputType, probeShape, states, fetches);
        List<ModelCall.FetchedOutput> fetched = new ArrayList<>();
        List<ModelCall.CarriedState> carried = new ArrayList<>();
        try (Result result = probe.run(); Result again = probe.run()) {
            checkStateless(model, outputs, fetches, result, again);
            for (Map.Entry<String, FoundTensor> entry : outputs.entrySet()) {
                FoundTensor output = entry.getValue();
                Tensor tensor = result.get(fetches.indexOf(output.name()));
                fetched.add(fetchedOutput(model, entry.getKey(), request.outputs().get(entry.getKey()),
                        output, tensor, rows, fixedBatch));
            }
            for (FoundState state : states) {
                Shape after = result.get(fetches.indexOf(state.output().name())).shape();
                if (!after.equals(Shape.of(rows, state.size()))) {
                    throw new ModelException("model " + model.source().path() + ": state output "
                            + state.output().description() + " gave shape " + after + " where its input "
                            + state.input().description() + " takes [" + rows + ", " + state.size()
                            + "]: pair each of model.state-inputs with the output that continues it");
                }
                carried.add(new ModelCall.CarriedState(state.input().name(), state.output().name(), state.type(),
                        state.size()));
            }
        } catch (TensorFlowException | IllegalArgumentException e) {
            // TensorFlow reports some failures as IllegalArgumentException (TFInvalidArgumentException).
            throw new ModelException("model " + model.source().path() + " failed on a probe batch of "
                    + Arrays.toString(probeShape) + " fed to " + input.description() + ": "
                    + e.getMessage().lines().findFirst().orElse(""), e);
        }
        return new ModelCall(input.name(), inputType, windowShape, fixedBatch, fetched, carried, request.extensions());
    }

    /**
     * Windows in the probe batch of a model whose input takes any batch: two, unless an output
     * declares a fixed first dimension, as a stateful Keras export does (its state variables are
     * [batch, units]); such an output is refused later unless the input declares the same batch.
     */
    private static int probeRows(java.util.Collection<FoundTensor> outputs) {
        return outputs.stream().mapToInt(output -> fixedBatch(output.shape()))
                .filter(batch -> batch != ModelCall.ANY_BATCH).findFirst().orElse(PROBE_WINDOWS);
    }

    /** Session runs on a probe batch: varied windows, zero states, every output fetched. */
    private record Probe(LoadedModel model, FoundTensor input, ElementType inputType, long[] shape,
                         List<FoundState> states, List<String> fetches) {

        /** Runs once; the fed tensors are closed here, the caller closes the result. */
        Result run() {
            List<Tensor> fed = new ArrayList<>();
            try {
                Session.Runner runner = model.session().runner();
                fed.add(varied(inputType, shape));
                runner.feed(input.name(), fed.get(0));
                for (FoundState state : states) {
                    fed.add(zeros(state.type(), new long[] {shape[0], state.size()}));
                    runner.feed(state.input().name(), fed.get(fed.size() - 1));
                }
                fetches.forEach(runner::fetch);
                return runner.run();
            } finally {
                fed.forEach(Tensor::close);
            }
        }
    }

    /**
     * Refuses a model whose outputs depend on earlier calls, as a stateful Keras layer's do (it keeps
     * its state in variables that every call updates): the job evaluates windows in any order, in
     * many JVMs. {@code first} and {@code second} are the same windows fed twice: a stateless model
     * answers the same both times. A model that draws random numbers differs too: then the message
     * names its random ops instead. Checked before the outputs' shapes, which a stateful export also
     * gets wrong.
     */
    private static void checkStateless(LoadedModel model, Map<String, FoundTensor> outputs, List<String> fetches,
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

    /** Windows of values between -1 and 1 that differ from step to step and feature to feature. */
    private static Tensor varied(ElementType type, long[] shape) {
        double[] values = new double[Math.toIntExact(Shape.of(shape).size())];
        Arrays.setAll(values, i -> Math.sin(0.37 * (i + 1)));
        return FloatTensors.of(type, Shape.of(shape), values);
    }

    /** Zeros written out: a new tensor's memory holds whatever was there before. */
    private static Tensor zeros(ElementType type, long[] shape) {
        return FloatTensors.of(type, Shape.of(shape), new double[Math.toIntExact(Shape.of(shape).size())]);
    }

    private static ModelCall.FetchedOutput fetchedOutput(LoadedModel model, String column, TensorRef ref,
                                                         FoundTensor output, Tensor tensor, int rows, int fixedBatch) {
        String where = "model " + model.source().path() + ": " + output.description() + " (outputs." + column + ")";
        Shape shape = tensor.shape();
        Shape declared = output.shape();
        int declaredFirst = fixedBatch(declared);
        boolean fixedFirst = declaredFirst != ModelCall.ANY_BATCH && declaredFirst != fixedBatch;
        if (shape.numDimensions() == 0 || shape.get(0) != rows || fixedFirst) {
            throw new ModelException(where + " has shape " + declared + " and gave " + shape + " for a batch of "
                    + rows + " windows: its first dimension is not the batch, so it has no value per window;"
                    + " fix outputs." + column + " (`inspect --ops PATTERN` lists tensors with their shapes)");
        }
        ElementType type = ElementType.of(tensor.dataType()).orElseThrow(() -> new ModelException(
                where + " is " + tensor.dataType() + "; lstm-spark writes float32 or float64 outputs"));
        long[] windowShape = Arrays.copyOfRange(shape.asArray(), 1, shape.numDimensions());
        return new ModelCall.FetchedOutput(column, ref.toString(), output.name(), type, windowShape);
    }
}
