package io.lstmspark.model.keras;

import io.lstmspark.model.GraphExtension;
import io.lstmspark.model.ModelRequest;
import io.lstmspark.model.TensorRef;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.tensorflow.Graph;

/**
 * LSTM state taps: the recurrence of a chain of Keras LSTM layers, added to the loaded model's graph
 * so that TensorFlow computes every layer's states in the same session run as the model, batched like
 * any other output. Layer k reads the sequence of layer k-1; the first reads the windows fed to
 * {@code inputTensor}. Each layer has initial-state inputs {@code h0} and {@code c0} ([batch, units]),
 * zeros unless fed, for callers that carry state across chunks of a series.
 *
 * <p>With a {@link Head}, the taps also compute a model output from the last layer's final hidden
 * state, through the layers the model applies after it: what the self-check compares with the model,
 * and what the job fetches instead of the model's own output when it fetches states as well, so that
 * the LSTM runs once per window rather than twice.
 *
 * <p>A plain value: the driver ships it to executors inside the model call, and every JVM builds the
 * same ops under the same names ({@link #scope()} is a digest of this value).
 *
 * @param inputTensor the model input the windows are fed to ({@code op:N})
 * @param length      steps per window (the recurrence is unrolled over them)
 * @param features    features per step of the model input
 * @param head        the layers after the last tapped layer, or {@link Head#NONE}
 */
public record StateTaps(String inputTensor, int length, int features, List<TapLayer> layers, Head head)
        implements GraphExtension {

    public StateTaps {
        layers = List.copyOf(layers);
    }

    StateTaps(String inputTensor, int length, int features, List<TapLayer> layers) {
        this(inputTensor, length, features, layers, Head.NONE);
    }

    /**
     * The layers between the last LSTM and a model output, as ops on the last hidden state.
     *
     * @param reproduces the model tensor ({@code op:N}) they compute, or empty for no head
     */
    public record Head(String reproduces, List<HeadStep> steps) implements Serializable {

        static final Head NONE = new Head("", List.of());

        public Head {
            steps = List.copyOf(steps);
        }

        static Head of(String reproduces, List<HeadLayer> layers) {
            return new Head(reproduces, layers.stream().map(HeadStep::of).toList());
        }

        public boolean present() {
            return !reproduces.isEmpty();
        }
    }

    /**
     * One layer of a head: y = activation(y kernel + bias) for Dense, activation(y) otherwise.
     *
     * @param kernelOp the kernel variable op (Dense), or empty
     * @param biasOp   the bias variable op (Dense with a bias), or empty
     */
    public record HeadStep(HeadLayer.Kind kind, String kernelOp, String biasOp, Activation activation)
            implements Serializable {

        static HeadStep of(HeadLayer layer) {
            return new HeadStep(layer.kind(), layer.kernel().map(LayerVariable::handleOp).orElse(""),
                    layer.bias().map(LayerVariable::handleOp).orElse(""), layer.activation());
        }
    }

    /**
     * One layer's recurrence: weights read from the model's variable ops, activations as the model has them.
     *
     * @param biasOp the bias variable op, or empty when the layer has no bias
     */
    public record TapLayer(String name, int position, int features, int units, String kernelOp,
                           String recurrentKernelOp, String biasOp, Activation activation,
                           Activation recurrentActivation) implements Serializable {

        static TapLayer of(LstmLayer layer) {
            return new TapLayer(layer.name(), layer.position(), layer.features(), layer.units(),
                    layer.kernel().handleOp(), layer.recurrentKernel().handleOp(),
                    layer.bias().map(LayerVariable::handleOp).orElse(""), layer.activation().orElseThrow(),
                    layer.recurrentActivation().orElseThrow());
        }
    }

    /** The name scope of the ops: a digest of this value, so that different taps never share names. */
    public String scope() {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(toString().getBytes(StandardCharsets.UTF_8));
            return "lstm_spark_tap_" + HexFormat.of().formatHex(digest, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /**
     * The tensor of one part of a layer's states: h, c [batch, units]; sequence, cell_sequence [batch, length, units].
     */
    public String tensor(TapLayer layer, TensorRef.LstmState.Part part) {
        return layerScope(layer) + "/" + part.label() + ":0";
    }

    /** The head's output tensor: the model output {@link Head#reproduces()} names, computed from the taps. */
    public String headOutput() {
        return scope() + "/head/output:0";
    }

    /** The initial hidden state input of a layer ([batch, units]; zeros unless fed). */
    public String initialHidden(TapLayer layer) {
        return layerScope(layer) + "/h0:0";
    }

    /** The initial cell state input of a layer ([batch, units]; zeros unless fed). */
    public String initialCell(TapLayer layer) {
        return layerScope(layer) + "/c0:0";
    }

    /**
     * Every layer's state as carried from one chunk of a series to the next: (h0, last h) and
     * (c0, last c) per layer, so stacked layers each continue their own state.
     */
    public List<ModelRequest.StatePair> carriedStates() {
        List<ModelRequest.StatePair> states = new java.util.ArrayList<>();
        for (TapLayer layer : layers) {
            states.add(new ModelRequest.StatePair(TensorRef.parse(initialHidden(layer)),
                    TensorRef.parse(tensor(layer, TensorRef.LstmState.Part.H))));
            states.add(new ModelRequest.StatePair(TensorRef.parse(initialCell(layer)),
                    TensorRef.parse(tensor(layer, TensorRef.LstmState.Part.C))));
        }
        return states;
    }

    String layerScope(TapLayer layer) {
        return scope() + "/layer_" + layer.position();
    }

    /** The tapped layer a reference names (by Keras name or by position), if this chain holds it. */
    public Optional<TapLayer> layer(TensorRef.LstmState ref) {
        return layers.stream()
                .filter(l -> ref.position().isPresent() ? l.position() == ref.position().getAsInt()
                        : l.name().equals(ref.layer()))
                .findFirst();
    }

    @Override
    public void addTo(Graph graph) {
        TapGraph.build(graph, this);
    }

    @Override
    public Optional<String> tensorFor(TensorRef ref) {
        return ref instanceof TensorRef.LstmState state
                ? layer(state).map(layer -> tensor(layer, state.part())) : Optional.empty();
    }

    @Override
    public Optional<String> replacementFor(String modelTensor) {
        return head.present() && head.reproduces().equals(modelTensor) ? Optional.of(headOutput()) : Optional.empty();
    }
}
