package io.lstmspark.model.kerasfile;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Stack;
import org.tensorflow.op.core.Unstack;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.family.TFloating;

/**
 * Builds a Keras file's model as TensorFlow ops: its layers in config order, with the file's weights
 * as constants, recurrent layers unrolled over the declared steps (as the LSTM state taps are). Every
 * config/weights mismatch is refused naming the layer, what its config implies and what the file has.
 */
public final class KerasGraphBuilder<T extends TFloating> {

    /** The layer classes built; anything else is refused by name. */
    public static final List<String> SUPPORTED = List.of("InputLayer", "LSTM", "GRU", "SimpleRNN", "Bidirectional",
            "Dense", "Activation", "Dropout", "SpatialDropout1D", "GaussianNoise", "GaussianDropout", "AlphaDropout",
            "ActivityRegularization", "RepeatVector", "TimeDistributed", "Flatten", "Reshape", "Conv1D",
            "MaxPooling1D", "AveragePooling1D", "GlobalAveragePooling1D", "GlobalMaxPooling1D",
            "BatchNormalization", "Concatenate", "Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum");

    private static final Set<String> IDENTITY = Set.of("Dropout", "SpatialDropout1D", "GaussianNoise",
            "GaussianDropout", "AlphaDropout", "ActivityRegularization");
    private static final Map<String, String> ALIASES = Map.of("MaxPool1D", "MaxPooling1D", "AvgPool1D",
            "AveragePooling1D", "Convolution1D", "Conv1D", "GlobalAvgPool1D", "GlobalAveragePooling1D",
            "GlobalMaxPool1D", "GlobalMaxPooling1D");
    /** Layers whose output at a step depends only on that step (and the recurrent state): stream mode carries them. */
    private static final Set<String> STEPWISE = Set.of("InputLayer", "LSTM", "GRU", "SimpleRNN", "Dense", "Activation",
            "TimeDistributed", "BatchNormalization", "Concatenate", "Add", "Subtract", "Multiply", "Average",
            "Maximum", "Minimum", "Dropout", "SpatialDropout1D", "GaussianNoise", "GaussianDropout", "AlphaDropout",
            "ActivityRegularization");

    static final String SCOPE = "keras";

    private final KerasFile file;
    private final Ops root;
    private final Class<T> type;
    private final Map<KerasLayer.TensorId, Value> tensors = new HashMap<>();
    private final Set<String> usedWeights = new HashSet<>();
    private final List<KerasGraph.LstmStates> lstmLayers = new ArrayList<>();
    private final List<KerasGraph.CarriedState> carried = new ArrayList<>();
    /** Layers that mix steps (or run backwards), which state carried from a previous chunk would not reproduce. */
    private final Map<String, String> notStepwise = new LinkedHashMap<>();
    private final List<KerasGraph.BuiltLayer> built = new ArrayList<>();
    /** Config keys shown for a layer by inspect, when it has them. */
    private static final List<String> SETTINGS = List.of("units", "filters", "kernel_size", "strides", "padding",
            "dilation_rate", "pool_size", "activation", "recurrent_activation", "use_bias", "return_sequences",
            "return_state", "go_backwards", "reset_after", "merge_mode", "rate", "n", "target_shape", "axis",
            "epsilon");
    private Operand<TInt32> batch;

    /** A Keras tensor being built: its op and its shape without the batch dimension. */
    private record Value(Operand<?> op, long[] shape) {
        int rank() {
            return shape.length;
        }

        long last() {
            return shape[shape.length - 1];
        }
    }

    private KerasGraphBuilder(KerasFile file, Graph graph, Class<T> type) {
        this.file = file;
        this.root = Ops.create(graph).withSubScope(SCOPE);
        this.type = type;
    }

    /** Builds the file's model in {@code graph}, which must not hold another Keras file's model. */
    public static KerasGraph build(KerasFile file, Graph graph) {
        return float64(file) ? new KerasGraphBuilder<>(file, graph, TFloat64.class).build()
                : new KerasGraphBuilder<>(file, graph, TFloat32.class).build();
    }

    /** float64 when every weight of the file is (Keras' floatx float64); float32 otherwise. */
    static boolean float64(KerasFile file) {
        List<KerasWeight> all = file.weights().values().stream().flatMap(List::stream).toList();
        return !all.isEmpty() && all.stream().allMatch(KerasWeight::float64);
    }

    private KerasGraph build() {
        KerasModelConfig config = file.config();
        String where = "Keras file " + file.path();
        for (KerasLayer layer : config.layers()) {
            String kind = ALIASES.getOrDefault(layer.className(), layer.className());
            if (!SUPPORTED.contains(kind)) {
                throw new KerasFileException(where + ": layer " + layer.label() + " is a " + layer.className()
                        + ", which lstm-spark does not build from a Keras file; it builds " + SUPPORTED
                        + ". Save the model with model.export(dir) (Keras 3) or model.save(dir) (Keras 2) and point "
                        + "model.path at that SavedModel directory");
            }
        }
        if (config.inputs().size() != 1) {
            throw new KerasFileException(where + ": the model has " + config.inputs().size() + " inputs "
                    + config.inputs() + "; lstm-spark feeds one tensor of windows [batch, steps, features]");
        }
        long[] inputShape = config.inputShape().get(0);
        if (inputShape.length != 2 || inputShape[1] <= 0) {
            throw new KerasFileException(where + ": the model input " + config.inputs().get(0) + " has shape "
                    + shapeText(inputShape) + "; lstm-spark feeds [batch, steps, features] windows and needs the "
                    + "number of features declared");
        }
        if (inputShape[0] <= 0) {
            throw new KerasFileException(where + ": the model input " + config.inputs().get(0) + " declares no number "
                    + "of steps (shape " + shapeText(inputShape) + "); lstm-spark unrolls recurrent layers over a "
                    + "fixed number: save the model with Input(shape=(steps, features))");
        }
        String inputKey = config.inputs().get(0).layer();
        Operand<T> input = root.withName("input").placeholder(type,
                Placeholder.shape(Shape.of(-1, inputShape[0], inputShape[1])));
        batch = root.withName("batch_size").slice(root.shape(input), root.constant(new int[] {0}),
                root.constant(new int[] {1}));
        tensors.put(new KerasLayer.TensorId(inputKey, 0, 0), new Value(input, inputShape));
        built.add(new KerasGraph.BuiltLayer(inputKey, "InputLayer", List.of(inputShape), ""));

        for (int index = 0; index < config.layers().size(); index++) {
            KerasLayer layer = config.layers().get(index);
            if (layer.className().equals("InputLayer")) {
                continue;
            }
            List<Value> in = new ArrayList<>();
            for (KerasLayer.TensorId id : layer.inbound()) {
                Value value = tensors.get(id);
                if (value == null) {
                    throw new KerasFileException(where + ": layer " + layer.label() + " takes " + id
                            + ", which no layer before it produces");
                }
                in.add(value);
            }
            List<Value> out = layer(root.withSubScope("layer_" + index), layer, in);
            for (int t = 0; t < out.size(); t++) {
                tensors.put(new KerasLayer.TensorId(layer.name(), 0, t), out.get(t));
            }
            built.add(new KerasGraph.BuiltLayer(layer.name(), layer.className(),
                    out.stream().map(Value::shape).toList(), settings(layer)));
        }
        checkAllWeightsUsed(where);

        Map<String, String> outputs = new LinkedHashMap<>();
        for (int i = 0; i < config.outputs().size(); i++) {
            KerasLayer.TensorId id = config.outputs().get(i);
            Value value = tensors.get(id);
            if (value == null) {
                throw new KerasFileException(where + ": model output " + id + " is not a layer output");
            }
            String name = name(root.withName("output_" + i).identity(cast(value)));
            outputs.put("output_" + i, name);
        }
        for (int i = 0; i < config.outputs().size(); i++) {
            outputs.putIfAbsent(config.outputs().get(i).layer(), outputs.get("output_" + i));
        }
        return new KerasGraph(inputKey, name(input), new long[] {-1, inputShape[0], inputShape[1]},
                type == TFloat64.class, outputs, lstmLayers, carried, streamProblem(), built);
    }

    /** "units=5 activation=relu return_sequences=true"; a wrapper's inner layer as "layer=LSTM(units=4 ...)". */
    private static String settings(KerasLayer layer) {
        List<String> shown = new ArrayList<>();
        for (String key : SETTINGS) {
            com.fasterxml.jackson.databind.JsonNode value = layer.config().get(key);
            if (value != null && !value.isNull()) {
                shown.add(key + "=" + (value.isTextual() ? value.asText()
                        : value.isObject() ? value.path("config").asText(value.toString()) : value.toString()));
            }
        }
        com.fasterxml.jackson.databind.JsonNode inner = layer.config().get("layer");
        if (inner != null && inner.isObject()) {
            KerasLayer wrapped = new KerasLayer(inner.path("config").path("name").asText(),
                    inner.path("class_name").asText(), inner.path("config"), List.of());
            shown.add("layer=" + wrapped.className() + "(" + settings(wrapped) + ")");
        }
        return String.join(" ", shown);
    }

    /** Stream mode carries recurrent states exactly only if no layer before the last recurrent one mixes steps. */
    private Optional<String> streamProblem() {
        if (carried.isEmpty()) {
            return Optional.of("the model has no LSTM, GRU or SimpleRNN layer whose state could be carried");
        }
        return notStepwise.isEmpty() ? Optional.empty() : Optional.of("layers " + notStepwise.entrySet().stream()
                .map(e -> e.getKey() + " (" + e.getValue() + ")").collect(Collectors.joining(", "))
                + " see a window as a whole (several steps at once, or a last state), so a chunk's output would depend"
                + " on where the chunk starts");
    }

    private void checkAllWeightsUsed(String where) {
        for (Map.Entry<String, List<KerasWeight>> entry : file.weights().entrySet()) {
            if (!entry.getValue().isEmpty() && !usedWeights.contains(entry.getKey())) {
                throw new KerasFileException(where + ": the weights hold layer '" + entry.getKey() + "' ("
                        + entry.getValue().stream().map(w -> w.name() + " " + w.shapeText()).toList()
                        + "), which the model config does not have: the config and weights do not belong together");
            }
        }
    }

    private List<Value> layer(Ops tf, KerasLayer layer, List<Value> in) {
        String kind = ALIASES.getOrDefault(layer.className(), layer.className());
        boolean mergesInputs = Set.of("Concatenate", "Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum")
                .contains(kind);
        if (in.isEmpty() || !mergesInputs && in.size() != 1) {
            throw new KerasFileException("Keras file " + file.path() + ": layer " + layer.label() + " takes "
                    + in.size() + " tensors; a " + kind + " takes one");
        }
        Value x = in.get(0);
        boolean mixesSteps = !STEPWISE.contains(kind) || x.rank() != 2
                || (isRecurrent(kind) && layer.boolConfig("go_backwards", false));
        if (mixesSteps && feedsRecurrent(layer)) {
            notStepwise.put(layer.name(), kind);
        }
        List<KerasWeight> weights = weights(layer);
        return switch (kind) {
            case "LSTM", "GRU", "SimpleRNN" -> recurrent(tf, layer, kind, x, weights, true);
            case "Bidirectional" -> bidirectional(tf, layer, x, weights);
            case "Dense" -> List.of(dense(tf, layer, x, weights));
            case "TimeDistributed" -> List.of(timeDistributed(tf, layer, x, weights));
            case "Activation" -> {
                noWeights(layer, weights);
                yield List.of(new Value(activation(tf, KerasActivation.name(layer, "activation", "linear"), x),
                        x.shape()));
            }
            case "RepeatVector" -> {
                noWeights(layer, weights);
                int n = layer.intConfig("n");
                Operand<T> expanded = tf.expandDims(cast(x), tf.constant(1));
                yield List.of(new Value(tf.tile(expanded, tf.constant(new int[] {1, n, 1})),
                        new long[] {n, x.shape()[0]}));
            }
            case "Flatten" -> {
                noWeights(layer, weights);
                long size = Arrays.stream(x.shape()).reduce(1, Math::multiplyExact);
                yield List.of(new Value(tf.reshape(cast(x), tf.constant(new long[] {-1, size})), new long[] {size}));
            }
            case "Reshape" -> List.of(reshape(tf, layer, x, weights));
            case "Conv1D" -> List.of(conv1d(tf, layer, x, weights));
            case "MaxPooling1D", "AveragePooling1D" -> List.of(pool1d(tf, layer, kind, x, weights));
            case "GlobalAveragePooling1D", "GlobalMaxPooling1D" -> {
                noWeights(layer, weights);
                requireRank(layer, x, 2);
                Operand<TInt32> steps = tf.constant(1);
                Operand<T> pooled = kind.equals("GlobalMaxPooling1D") ? tf.max(cast(x), steps)
                        : tf.math.mean(cast(x), steps);
                yield List.of(new Value(pooled, new long[] {x.last()}));
            }
            case "BatchNormalization" -> List.of(batchNormalization(tf, layer, x, weights));
            case "Concatenate" -> List.of(concatenate(tf, layer, in, weights));
            case "Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum" ->
                    List.of(merge(tf, layer, kind, in, weights));
            default -> {
                if (!IDENTITY.contains(kind)) {
                    throw new IllegalStateException("layer class " + kind + " is listed as supported but not built");
                }
                noWeights(layer, weights);
                yield List.of(x);
            }
        };
    }

    private static boolean isRecurrent(String kind) {
        return kind.equals("LSTM") || kind.equals("GRU") || kind.equals("SimpleRNN") || kind.equals("Bidirectional");
    }

    /** Whether {@code layer} is recurrent or feeds one, through any path of the model's layer graph. */
    private boolean feedsRecurrent(KerasLayer layer) {
        java.util.Deque<KerasLayer> pending = new java.util.ArrayDeque<>(List.of(layer));
        Set<String> seen = new HashSet<>();
        while (!pending.isEmpty()) {
            KerasLayer next = pending.pop();
            if (!seen.add(next.name())) {
                continue;
            }
            if (isRecurrent(ALIASES.getOrDefault(next.className(), next.className()))) {
                return true;
            }
            file.config().layers().stream()
                    .filter(l -> l.inbound().stream().anyMatch(id -> id.layer().equals(next.name())))
                    .forEach(pending::push);
        }
        return false;
    }

    // ---- recurrent layers ----

    /**
     * LSTM, GRU or SimpleRNN over [batch, steps, features]: returns its output (the sequence or the last
     * state) and, with return_state, its final states, as Keras does.
     */
    private List<Value> recurrent(Ops tf, KerasLayer layer, String kind, Value x, List<KerasWeight> weights,
                                  boolean topLevel) {
        requireRank(layer, x, 2);
        int units = layer.intConfig("units");
        long features = x.last();
        int steps = Math.toIntExact(x.shape()[0]);
        boolean useBias = layer.boolConfig("use_bias", true);
        boolean resetAfter = kind.equals("GRU") && layer.boolConfig("reset_after", file.kerasMajor() >= 3);
        int gates = switch (kind) {
            case "LSTM" -> 4;
            case "GRU" -> 3;
            default -> 1;
        };
        List<long[]> expected = new ArrayList<>(List.of(new long[] {features, (long) gates * units},
                new long[] {units, (long) gates * units}));
        if (useBias) {
            expected.add(resetAfter ? new long[] {2, (long) gates * units} : new long[] {(long) gates * units});
        }
        checkWeights(layer, weights, expected, kind + "(units=" + units + ", use_bias=" + useBias
                + (kind.equals("GRU") ? ", reset_after=" + resetAfter : "") + ") on " + features + " features");
        String activation = KerasActivation.name(layer, "activation", "tanh");
        String recurrentActivation = kind.equals("SimpleRNN") ? "linear"
                : KerasActivation.name(layer, "recurrent_activation", file.kerasMajor() >= 3 ? "sigmoid"
                : "hard_sigmoid");
        Operand<T> kernel = constant(tf, weights.get(0));
        Operand<T> recurrentKernel = constant(tf, weights.get(1));
        Operand<T> bias = useBias ? constant(tf, weights.get(2)) : null;

        List<Operand<T>> inputs = unstack(tf, tf.linalg.transpose(cast(x), tf.constant(new int[] {1, 0, 2})), steps);
        if (layer.boolConfig("go_backwards", false)) {
            inputs = new ArrayList<>(inputs);
            java.util.Collections.reverse(inputs);
        }
        Operand<T> zeros = tf.fill(tf.concat(List.of(batch, tf.constant(new int[] {units})), tf.constant(0)),
                KerasActivation.scalar(tf, kernel, 0));
        Operand<T> h0 = topLevel ? tf.withName("h0").placeholderWithDefault(zeros, Shape.of(-1, units)) : zeros;
        Operand<T> c0 = kind.equals("LSTM") && topLevel
                ? tf.withName("c0").placeholderWithDefault(zeros, Shape.of(-1, units)) : zeros;
        Operand<T> h = h0;
        Operand<T> c = c0;
        List<Operand<T>> hs = new ArrayList<>();
        List<Operand<T>> cs = new ArrayList<>();
        Operand<T> stacked = kind.equals("LSTM") ? tf.concat(List.of(kernel, recurrentKernel), tf.constant(0)) : null;
        for (Operand<T> step : inputs) {
            switch (kind) {
                case "LSTM" -> {
                    Operand<T> z = tf.linalg.matMul(tf.concat(List.of(step, h), tf.constant(1)), stacked);
                    if (bias != null) {
                        z = tf.nn.biasAdd(z, bias);
                    }
                    List<Output<T>> g = tf.split(tf.constant(1), z, 4L).output();
                    Operand<T> i = activation(tf, recurrentActivation, g.get(0));
                    Operand<T> f = activation(tf, recurrentActivation, g.get(1));
                    Operand<T> candidate = activation(tf, activation, g.get(2));
                    Operand<T> o = activation(tf, recurrentActivation, g.get(3));
                    c = tf.math.add(tf.math.mul(f, c), tf.math.mul(i, candidate));
                    h = tf.math.mul(o, activation(tf, activation, c));
                    cs.add(c);
                }
                case "GRU" -> h = gruStep(tf, step, h, kernel, recurrentKernel, bias, resetAfter, activation,
                        recurrentActivation);
                default -> {
                    Operand<T> z = tf.math.add(tf.linalg.matMul(step, kernel), tf.linalg.matMul(h, recurrentKernel));
                    h = activation(tf, activation, bias == null ? z : tf.nn.biasAdd(z, bias));
                }
            }
            hs.add(h);
        }
        Operand<T> sequence = tf.withName("sequence").stack(hs, Stack.axis(1L));
        Operand<T> last = tf.withName("h").identity(h);
        Operand<T> lastCell = kind.equals("LSTM") ? tf.withName("c").identity(c) : null;
        if (topLevel) {
            carried.add(new KerasGraph.CarriedState(layer.name(), name(h0), name(last), units));
            if (kind.equals("LSTM")) {
                Operand<T> cellSequence = tf.withName("cell_sequence").stack(cs, Stack.axis(1L));
                carried.add(new KerasGraph.CarriedState(layer.name(), name(c0), name(lastCell), units));
                lstmLayers.add(new KerasGraph.LstmStates(layer.name(), lstmLayers.size(), units, name(last),
                        name(lastCell), name(sequence), name(cellSequence)));
            }
        }
        List<Value> out = new ArrayList<>();
        out.add(layer.boolConfig("return_sequences", false) ? new Value(sequence, new long[] {steps, units})
                : new Value(last, new long[] {units}));
        if (layer.boolConfig("return_state", false)) {
            out.add(new Value(last, new long[] {units}));
            if (lastCell != null) {
                out.add(new Value(lastCell, new long[] {units}));
            }
        }
        return out;
    }

    /**
     * One GRU step as Keras computes it: gates z, r, candidate; with reset_after the reset gate scales
     * the recurrent projection (bias [2, 3 units]: input and recurrent), without it the state before it.
     */
    private Operand<T> gruStep(Ops tf, Operand<T> x, Operand<T> h, Operand<T> kernel, Operand<T> recurrentKernel,
                               Operand<T> bias, boolean resetAfter, String activation, String recurrentActivation) {
        Operand<T> inputBias = null;
        Operand<T> recurrentBias = null;
        if (bias != null && resetAfter) {
            List<Output<T>> biases = tf.unstack(bias, 2L, Unstack.axis(0L)).output();
            inputBias = biases.get(0);
            recurrentBias = biases.get(1);
        } else if (bias != null) {
            inputBias = bias;
        }
        Operand<T> projected = tf.linalg.matMul(x, kernel);
        if (inputBias != null) {
            projected = tf.nn.biasAdd(projected, inputBias);
        }
        List<Output<T>> xs = tf.split(tf.constant(1), projected, 3L).output();
        List<Output<T>> kernels = tf.split(tf.constant(1), recurrentKernel, 3L).output();
        Operand<T> z;
        Operand<T> r;
        Operand<T> candidate;
        if (resetAfter) {
            Operand<T> inner = tf.linalg.matMul(h, recurrentKernel);
            if (recurrentBias != null) {
                inner = tf.nn.biasAdd(inner, recurrentBias);
            }
            List<Output<T>> hs = tf.split(tf.constant(1), inner, 3L).output();
            z = activation(tf, recurrentActivation, tf.math.add(xs.get(0), hs.get(0)));
            r = activation(tf, recurrentActivation, tf.math.add(xs.get(1), hs.get(1)));
            candidate = activation(tf, activation, tf.math.add(xs.get(2), tf.math.mul(r, hs.get(2))));
        } else {
            z = activation(tf, recurrentActivation, tf.math.add(xs.get(0), tf.linalg.matMul(h, kernels.get(0))));
            r = activation(tf, recurrentActivation, tf.math.add(xs.get(1), tf.linalg.matMul(h, kernels.get(1))));
            candidate = activation(tf, activation, tf.math.add(xs.get(2),
                    tf.linalg.matMul(tf.math.mul(r, h), kernels.get(2))));
        }
        // h' = z h + (1 - z) candidate
        return tf.math.add(tf.math.mul(z, h), tf.math.mul(tf.math.sub(KerasActivation.scalar(tf, z, 1), z),
                candidate));
    }

    /** Bidirectional: the forward layer, the backward layer (reversed back when it returns sequences), merged. */
    private List<Value> bidirectional(Ops tf, KerasLayer layer, Value x, List<KerasWeight> weights) {
        KerasLayer forward = inner(layer, layer.config().path("layer"));
        KerasLayer backward;
        if (layer.config().hasNonNull("backward_layer")) {
            backward = inner(layer, layer.config().get("backward_layer"));
        } else {
            com.fasterxml.jackson.databind.node.ObjectNode flipped = forward.config().deepCopy();
            flipped.put("go_backwards", !forward.boolConfig("go_backwards", false));
            backward = new KerasLayer(forward.name() + "_backward", forward.className(), flipped, List.of());
        }
        for (KerasLayer direction : List.of(forward, backward)) {
            if (!Set.of("LSTM", "GRU", "SimpleRNN").contains(direction.className())) {
                throw new KerasFileException("Keras file " + file.path() + ": layer " + layer.label() + " wraps a "
                        + direction.className() + "; lstm-spark builds Bidirectional over LSTM, GRU or SimpleRNN");
            }
        }
        if (weights.size() % 2 != 0) {
            throw mismatch(layer, weights, "two recurrent layers' weights, as many for each direction");
        }
        int half = weights.size() / 2;
        List<Value> fw = recurrent(tf.withSubScope("forward"), forward, forward.className(), x,
                weights.subList(0, half), false);
        List<Value> bw = recurrent(tf.withSubScope("backward"), backward, backward.className(), x,
                weights.subList(half, weights.size()), false);
        Value fwOut = fw.get(0);
        Value bwOut = bw.get(0);
        Operand<T> backwardOutput = cast(bwOut);
        if (bwOut.rank() == 2) {
            backwardOutput = tf.reverse(backwardOutput, tf.constant(new int[] {1}));
        }
        String mode = layer.textConfig("merge_mode", "concat");
        Value merged = switch (mode) {
            case "concat" -> new Value(tf.concat(List.of(cast(fwOut), backwardOutput), tf.constant(-1)),
                    withLast(fwOut.shape(), fwOut.last() + bwOut.last()));
            case "sum" -> new Value(tf.math.add(cast(fwOut), backwardOutput), fwOut.shape());
            case "mul" -> new Value(tf.math.mul(cast(fwOut), backwardOutput), fwOut.shape());
            case "ave" -> new Value(tf.math.mul(tf.math.add(cast(fwOut), backwardOutput),
                    KerasActivation.scalar(tf, backwardOutput, 0.5)), fwOut.shape());
            default -> throw new KerasFileException("Keras file " + file.path() + ": layer " + layer.label()
                    + " has merge_mode " + mode + "; lstm-spark builds concat, sum, mul and ave");
        };
        List<Value> out = new ArrayList<>();
        out.add(merged);
        out.addAll(fw.subList(1, fw.size()));
        out.addAll(bw.subList(1, bw.size()));
        return out;
    }

    private KerasLayer inner(KerasLayer wrapper, com.fasterxml.jackson.databind.JsonNode json) {
        com.fasterxml.jackson.databind.JsonNode config = json.path("config");
        return new KerasLayer(config.path("name").asText(wrapper.name() + "_inner"), json.path("class_name").asText(),
                config, List.of());
    }

    // ---- other layers ----

    private Value dense(Ops tf, KerasLayer layer, Value x, List<KerasWeight> weights) {
        int units = layer.intConfig("units");
        boolean useBias = layer.boolConfig("use_bias", true);
        List<long[]> expected = new ArrayList<>(List.of(new long[] {x.last(), units}));
        if (useBias) {
            expected.add(new long[] {units});
        }
        checkWeights(layer, weights, expected, "Dense(units=" + units + ", use_bias=" + useBias + ") on "
                + x.last() + " inputs");
        Operand<T> flat = x.rank() == 1 ? cast(x) : tf.reshape(cast(x), tf.constant(new long[] {-1, x.last()}));
        Operand<T> y = tf.linalg.matMul(flat, constant(tf, weights.get(0)));
        if (useBias) {
            y = tf.nn.biasAdd(y, constant(tf, weights.get(1)));
        }
        long[] shape = withLast(x.shape(), units);
        if (x.rank() > 1) {
            y = tf.reshape(y, tf.constant(batchShape(shape)));
        }
        return new Value(activation(tf, KerasActivation.name(layer, "activation", "linear"), y), shape);
    }

    private Value timeDistributed(Ops tf, KerasLayer layer, Value x, List<KerasWeight> weights) {
        KerasLayer inner = inner(layer, layer.config().path("layer"));
        String kind = ALIASES.getOrDefault(inner.className(), inner.className());
        if (x.rank() < 2) {
            throw new KerasFileException("Keras file " + file.path() + ": layer " + layer.label() + " takes "
                    + shapeText(x.shape()) + "; TimeDistributed needs [steps, ...]");
        }
        if (kind.equals("Dense")) {
            return dense(tf, new KerasLayer(layer.name(), "Dense", inner.config(), List.of()), x, weights);
        }
        if (kind.equals("Activation") || IDENTITY.contains(kind)) {
            noWeights(layer, weights);
            return kind.equals("Activation")
                    ? new Value(activation(tf, KerasActivation.name(inner, "activation", "linear"), x), x.shape()) : x;
        }
        throw new KerasFileException("Keras file " + file.path() + ": layer " + layer.label() + " wraps a "
                + inner.className() + "; lstm-spark builds TimeDistributed over Dense, Activation and Dropout. Save "
                + "the model with model.export(dir) and point model.path at that");
    }

    private Value reshape(Ops tf, KerasLayer layer, Value x, List<KerasWeight> weights) {
        noWeights(layer, weights);
        com.fasterxml.jackson.databind.JsonNode target = layer.config().path("target_shape");
        long[] shape = new long[target.size()];
        long size = Arrays.stream(x.shape()).reduce(1, Math::multiplyExact);
        long known = 1;
        int unknown = -1;
        for (int i = 0; i < shape.length; i++) {
            shape[i] = target.get(i).asLong();
            if (shape[i] == -1) {
                unknown = i;
            } else {
                known *= shape[i];
            }
        }
        if (unknown >= 0) {
            shape[unknown] = size / known;
        }
        if (Arrays.stream(shape).reduce(1, Math::multiplyExact) != size) {
            throw new KerasFileException("Keras file " + file.path() + ": layer " + layer.label() + " reshapes "
                    + shapeText(x.shape()) + " to " + target + ", which has another number of values");
        }
        return new Value(tf.reshape(cast(x), tf.constant(batchShape(shape))), shape);
    }

    private Value conv1d(Ops tf, KerasLayer layer, Value x, List<KerasWeight> weights) {
        requireRank(layer, x, 2);
        requireChannelsLast(layer);
        int filters = layer.intConfig("filters");
        int size = layer.firstInt("kernel_size", 1);
        int stride = layer.firstInt("strides", 1);
        int dilation = layer.firstInt("dilation_rate", 1);
        if (layer.firstInt("groups", 1) != 1) {
            throw new KerasFileException("Keras file " + file.path() + ": layer " + layer.label()
                    + " has groups > 1, which lstm-spark does not build");
        }
        boolean useBias = layer.boolConfig("use_bias", true);
        List<long[]> expected = new ArrayList<>(List.of(new long[] {size, x.last(), filters}));
        if (useBias) {
            expected.add(new long[] {filters});
        }
        checkWeights(layer, weights, expected, "Conv1D(filters=" + filters + ", kernel_size=" + size + ") on "
                + x.last() + " channels");
        String padding = layer.textConfig("padding", "valid");
        long steps = x.shape()[0];
        Operand<T> in = cast(x);
        if (padding.equals("causal")) {
            in = tf.pad(in, tf.constant(new int[][] {{0, 0}, {dilation * (size - 1), 0}, {0, 0}}),
                    KerasActivation.scalar(tf, in, 0));
            steps += (long) dilation * (size - 1);
        }
        // [batch, 1, steps, channels] through Conv2D with a [1, size, channels, filters] kernel.
        Operand<T> image = tf.expandDims(in, tf.constant(1));
        Operand<T> kernel = tf.expandDims(constant(tf, weights.get(0)), tf.constant(0));
        Operand<T> y = tf.nn.conv2d(image, kernel, List.of(1L, 1L, (long) stride, 1L),
                padding.equals("same") ? "SAME" : "VALID",
                org.tensorflow.op.nn.Conv2d.dilations(List.of(1L, 1L, (long) dilation, 1L)));
        y = tf.squeeze(y, org.tensorflow.op.core.Squeeze.axis(List.of(1L)));
        if (useBias) {
            y = tf.nn.biasAdd(y, constant(tf, weights.get(1)));
        }
        long span = (long) dilation * (size - 1) + 1;
        long outSteps = padding.equals("same") ? (steps + stride - 1) / stride : (steps - span) / stride + 1;
        return new Value(activation(tf, KerasActivation.name(layer, "activation", "linear"), y),
                new long[] {outSteps, filters});
    }

    private Value pool1d(Ops tf, KerasLayer layer, String kind, Value x, List<KerasWeight> weights) {
        noWeights(layer, weights);
        requireRank(layer, x, 2);
        requireChannelsLast(layer);
        int size = layer.firstInt("pool_size", 2);
        int stride = layer.firstInt("strides", size);
        String padding = layer.textConfig("padding", "valid").equals("same") ? "SAME" : "VALID";
        Operand<T> image = tf.expandDims(cast(x), tf.constant(1));
        Operand<T> y = kind.equals("MaxPooling1D")
                ? tf.nn.maxPool(image, tf.constant(new int[] {1, 1, size, 1}), tf.constant(new int[] {1, 1, stride, 1}),
                padding)
                : tf.nn.avgPool(image, List.of(1L, 1L, (long) size, 1L), List.of(1L, 1L, (long) stride, 1L), padding);
        y = tf.squeeze(y, org.tensorflow.op.core.Squeeze.axis(List.of(1L)));
        long steps = x.shape()[0];
        long outSteps = padding.equals("SAME") ? (steps + stride - 1) / stride : (steps - size) / stride + 1;
        return new Value(y, new long[] {outSteps, x.last()});
    }

    /** Inference: (x - moving_mean) / sqrt(moving_variance + epsilon) * gamma + beta, on the last axis. */
    private Value batchNormalization(Ops tf, KerasLayer layer, Value x, List<KerasWeight> weights) {
        com.fasterxml.jackson.databind.JsonNode axis = layer.config().path("axis");
        int axisValue = axis.isArray() ? (axis.size() == 1 ? axis.get(0).asInt() : Integer.MIN_VALUE) : axis.asInt(-1);
        if (axisValue != -1 && axisValue != x.rank()) {
            throw new KerasFileException("Keras file " + file.path() + ": layer " + layer.label() + " normalises axis "
                    + axis + "; lstm-spark builds BatchNormalization over the last axis");
        }
        boolean scale = layer.boolConfig("scale", true);
        boolean center = layer.boolConfig("center", true);
        long n = x.last();
        List<long[]> expected = new ArrayList<>();
        for (int i = 0; i < (scale ? 1 : 0) + (center ? 1 : 0) + 2; i++) {
            expected.add(new long[] {n});
        }
        checkWeights(layer, weights, expected, "BatchNormalization(scale=" + scale + ", center=" + center + ") on "
                + n + " features");
        int next = 0;
        KerasWeight gamma = scale ? weights.get(next++) : null;
        KerasWeight beta = center ? weights.get(next++) : null;
        KerasWeight mean = weights.get(next++);
        KerasWeight variance = weights.get(next);
        double epsilon = layer.config().path("epsilon").asDouble(1e-3);
        Operand<T> inverse = tf.math.rsqrt(tf.math.add(constant(tf, variance), KerasActivation.scalar(tf, cast(x),
                epsilon)));
        Operand<T> y = tf.math.mul(tf.math.sub(cast(x), constant(tf, mean)), inverse);
        if (gamma != null) {
            y = tf.math.mul(y, constant(tf, gamma));
        }
        if (beta != null) {
            y = tf.math.add(y, constant(tf, beta));
        }
        return new Value(y, x.shape());
    }

    private Value concatenate(Ops tf, KerasLayer layer, List<Value> in, List<KerasWeight> weights) {
        noWeights(layer, weights);
        int rank = in.get(0).rank();
        int axis = layer.config().path("axis").asInt(-1);
        int featureAxis = axis < 0 ? rank + axis : axis - 1; // the config counts the batch axis
        if (featureAxis < 0 || featureAxis >= rank || in.stream().anyMatch(v -> v.rank() != rank)) {
            throw new KerasFileException("Keras file " + file.path() + ": layer " + layer.label() + " concatenates "
                    + in.stream().map(v -> shapeText(v.shape())).toList() + " on axis " + axis
                    + ", which those shapes do not allow");
        }
        long[] shape = in.get(0).shape();
        shape[featureAxis] = in.stream().mapToLong(v -> v.shape()[featureAxis]).sum();
        return new Value(tf.concat(in.stream().map(this::cast).toList(), tf.constant(featureAxis + 1)), shape);
    }

    private Value merge(Ops tf, KerasLayer layer, String kind, List<Value> in, List<KerasWeight> weights) {
        noWeights(layer, weights);
        for (Value value : in) {
            if (!Arrays.equals(value.shape(), in.get(0).shape())) {
                throw new KerasFileException("Keras file " + file.path() + ": layer " + layer.label() + " merges "
                        + in.stream().map(v -> shapeText(v.shape())).toList() + "; lstm-spark builds " + kind
                        + " over tensors of one shape");
            }
        }
        if (kind.equals("Subtract") && in.size() != 2) {
            throw new KerasFileException("Keras file " + file.path() + ": layer " + layer.label()
                    + " subtracts " + in.size() + " tensors; Subtract takes two");
        }
        Operand<T> y = cast(in.get(0));
        for (Value value : in.subList(1, in.size())) {
            Operand<T> other = cast(value);
            y = switch (kind) {
                case "Add", "Average" -> tf.math.add(y, other);
                case "Subtract" -> tf.math.sub(y, other);
                case "Multiply" -> tf.math.mul(y, other);
                case "Maximum" -> tf.math.maximum(y, other);
                default -> tf.math.minimum(y, other);
            };
        }
        if (kind.equals("Average")) {
            y = tf.math.div(y, KerasActivation.scalar(tf, y, in.size()));
        }
        return new Value(y, in.get(0).shape());
    }

    // ---- weights and helpers ----

    private List<KerasWeight> weights(KerasLayer layer) {
        usedWeights.add(layer.name());
        return file.weightsOf(layer.name());
    }

    private void noWeights(KerasLayer layer, List<KerasWeight> weights) {
        checkWeights(layer, weights, List.of(), "a " + layer.className() + ", which has no weights");
    }

    /** Refuses weights whose count or shapes differ from what the layer's config implies, naming both. */
    private void checkWeights(KerasLayer layer, List<KerasWeight> weights, List<long[]> expected, String config) {
        boolean same = weights.size() == expected.size();
        for (int i = 0; same && i < expected.size(); i++) {
            same = weights.get(i).hasShape(expected.get(i));
        }
        if (!same) {
            throw mismatch(layer, weights, config + ", weights of shapes "
                    + expected.stream().map(KerasGraphBuilder::shapeText).toList());
        }
    }

    private KerasFileException mismatch(KerasLayer layer, List<KerasWeight> weights, String expected) {
        return new KerasFileException("Keras file " + file.path() + ": the config and the weights of layer "
                + layer.label() + " do not match: its config makes it " + expected + ", the file holds "
                + (weights.isEmpty() ? "no weights for it" : weights.stream().map(w -> w.name() + " "
                + w.shapeText()).toList()) + ". The config and weights do not belong together; save the model "
                + "again with model.save(path)");
    }

    private void requireRank(KerasLayer layer, Value x, int rank) {
        if (x.rank() != rank) {
            throw new KerasFileException("Keras file " + file.path() + ": layer " + layer.label() + " takes "
                    + shapeText(x.shape()) + " per window where a " + layer.className() + " takes rank " + (rank + 1)
                    + " tensors [batch, steps, features]");
        }
    }

    private void requireChannelsLast(KerasLayer layer) {
        if (layer.textConfig("data_format", "channels_last").equals("channels_first")) {
            throw new KerasFileException("Keras file " + file.path() + ": layer " + layer.label()
                    + " is channels_first; lstm-spark builds channels_last (steps, then channels)");
        }
    }

    private Operand<T> activation(Ops tf, String name, Value x) {
        return activation(tf, name, cast(x));
    }

    private Operand<T> activation(Ops tf, String name, Operand<T> x) {
        return KerasActivation.apply(tf, name, x, file.kerasMajor());
    }

    @SuppressWarnings("unchecked")
    private Operand<T> cast(Value value) {
        return (Operand<T>) value.op();
    }

    @SuppressWarnings("unchecked")
    private Operand<T> constant(Ops tf, KerasWeight weight) {
        Shape shape = Shape.of(weight.shape());
        double[] values = weight.values();
        if (type == TFloat64.class) {
            return (Operand<T>) tf.constant(shape, DataBuffers.of(values, true, false));
        }
        float[] floats = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            floats[i] = (float) values[i];
        }
        return (Operand<T>) tf.constant(shape, DataBuffers.of(floats, true, false));
    }

    @SuppressWarnings("unchecked")
    private List<Operand<T>> unstack(Ops tf, Operand<T> x, int count) {
        return tf.unstack(x, (long) count, Unstack.axis(0L)).output().stream().map(o -> (Operand<T>) o).toList();
    }

    private String name(Operand<?> operand) {
        Output<?> output = operand.asOutput();
        return output.op().name() + ":" + output.index();
    }

    private static long[] withLast(long[] shape, long last) {
        long[] copy = shape.clone();
        copy[copy.length - 1] = last;
        return copy;
    }

    private static long[] batchShape(long[] shape) {
        long[] full = new long[shape.length + 1];
        full[0] = -1;
        System.arraycopy(shape, 0, full, 1, shape.length);
        return full;
    }

    static String shapeText(long[] shape) {
        return Arrays.stream(shape).mapToObj(d -> d < 0 ? "None" : Long.toString(d))
                .collect(Collectors.joining(", ", "[", "]"));
    }
}
