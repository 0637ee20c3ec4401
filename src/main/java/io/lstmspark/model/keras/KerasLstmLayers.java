package io.lstmspark.model.keras;

import io.lstmspark.model.LoadedModel;
import io.lstmspark.model.ModelException;
import io.lstmspark.model.TensorRef;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.tensorflow.Signature;
import org.tensorflow.proto.MetaGraphDef;

/**
 * The Keras LSTM layers of a SavedModel, found in the model's own files, with where every fact came
 * from: Keras 2 saves record each layer's configuration (keras_metadata.pb, or the object graph for
 * TF 2.1–2.3); Keras 3 exports record none, so layers are inferred from their weights (kernel [F,4H],
 * recurrent_kernel [H,4H], bias [4H]) in the order the signature's function uses them, and
 * activations are read from the function bodies. Weights are the VarHandleOps the loader restored.
 */
public final class KerasLstmLayers {

    static final Set<String> IDENTITY_AT_INFERENCE = Set.of("Dropout", "SpatialDropout1D", "GaussianDropout",
            "GaussianNoise", "AlphaDropout");
    static final Set<String> OTHER_RECURRENT = Set.of("GRU", "SimpleRNN", "RNN", "Bidirectional",
            "CuDNNLSTM", "CuDNNGRU", "ConvLSTM1D", "ConvLSTM2D", "ConvLSTM3D", "TimeDistributed");

    private final String modelPath;
    private final String configSource;
    private final List<LstmLayer> layers;
    private final List<OtherRecurrentLayer> otherRecurrent;
    private final Map<String, String> otherLayers;
    private final List<HeadLayer> head;
    private final Optional<String> headProblem;

    KerasLstmLayers(String modelPath, String configSource, List<LstmLayer> layers,
                            List<OtherRecurrentLayer> otherRecurrent, Map<String, String> otherLayers,
                            List<HeadLayer> head, Optional<String> headProblem) {
        this.modelPath = modelPath;
        this.configSource = configSource;
        this.layers = List.copyOf(layers);
        this.otherRecurrent = List.copyOf(otherRecurrent);
        this.otherLayers = Map.copyOf(otherLayers);
        this.head = List.copyOf(head);
        this.headProblem = headProblem;
    }

    /** The LSTM layers of the model, using the {@code serving_default} signature (or the first) for Keras 3 exports. */
    public static KerasLstmLayers discover(LoadedModel model) {
        String signature = model.signatures().containsKey("serving_default") ? "serving_default"
                : model.signatures().keySet().stream().findFirst().orElse("serving_default");
        return discover(model, signature);
    }

    /** The LSTM layers of the model; {@code signature} is the one whose function is read when no config is saved. */
    public static KerasLstmLayers discover(LoadedModel model, String signature) {
        String path = model.source().path();
        MetaGraphDef meta = model.metaGraph().orElseThrow(() -> new ModelException("model " + path
                + " is a frozen GraphDef: LSTM state taps need a SavedModel, "
                + "whose variables hold the layers' weights"));
        ModelVariables variables = ModelVariables.read(meta);
        if (variables.isEmpty()) {
            throw new ModelException("model " + path + " has no variables restored through a TF2 object graph "
                    + "(a model without weights, or a TF1 graph), so it has no Keras LSTM layer whose weights a state "
                    + "tap could read: it has no LSTM layers to tap. Tap a Keras SavedModel (model.save or "
                    + "model.export), or name a graph tensor op:N");
        }
        KerasMetadata keras = KerasMetadata.read(model.source().localPath(), meta.getObjectGraphDef());
        if (keras.model().isPresent() && keras.model().get().config().has("layers")) {
            return new KerasConfigReader(path, keras, variables).read();
        }
        Signature sig = model.signatures().get(signature);
        if (sig == null || sig.getOutputs().isEmpty()) {
            throw new ModelException("model " + path + " records no Keras layer configuration and has no signature '"
                    + signature + "' whose function would show its layers; its signatures are "
                    + model.signatures().keySet() + ": set model.signature");
        }
        String output = sig.getOutputs().values().iterator().next().name;
        return new WeightShapeReader(path, variables, FunctionGraph.trace(meta, output)).read();
    }

    public List<LstmLayer> layers() {
        return layers;
    }

    public List<OtherRecurrentLayer> otherRecurrentLayers() {
        return otherRecurrent;
    }

    /** Where layer configurations came from: a Keras metadata source, or inference from weights. */
    public String configSource() {
        return configSource;
    }

    /** The layers between the last LSTM and the output, when the self-check can reproduce them. */
    public Optional<List<HeadLayer>> head() {
        return headProblem.isPresent() ? Optional.empty() : Optional.of(head);
    }

    /** Why the layers after the last LSTM cannot be reproduced, if they cannot. */
    public Optional<String> headProblem() {
        return headProblem;
    }

    /** The layer a state reference names, or a refusal that lists the LSTM layers the model has. */
    public LstmLayer find(TensorRef.LstmState ref) {
        if (ref.position().isPresent()) {
            int position = ref.position().getAsInt();
            if (position < layers.size()) {
                return layers.get(position);
            }
            throw refusal(ref, "it has " + layers.size() + " LSTM layer" + (layers.size() == 1 ? "" : "s")
                    + ", so lstm:" + position + " does not exist");
        }
        for (LstmLayer layer : layers) {
            if (layer.name().equals(ref.layer())) {
                return layer;
            }
        }
        for (OtherRecurrentLayer other : otherRecurrent) {
            if (other.name().equals(ref.layer())) {
                throw refusal(ref, "layer '" + other.name() + "' is a " + other.kind()
                        + ", not an LSTM: state taps reproduce plain Keras LSTM layers only");
            }
        }
        if (otherLayers.containsKey(ref.layer())) {
            throw refusal(ref, "layer '" + ref.layer() + "' is a " + otherLayers.get(ref.layer()) + ", not an LSTM");
        }
        throw refusal(ref, "it has no layer named '" + ref.layer() + "'");
    }

    private ModelException refusal(TensorRef.LstmState ref, String why) {
        String existing = layers.isEmpty()
                ? "it has no LSTM layers (layers read from " + configSource + ")"
                + (otherRecurrent.isEmpty() ? "" : "; its recurrent layers are " + otherRecurrent.stream()
                .map(o -> o.name() + " (" + o.kind() + ")").collect(Collectors.joining(", ")))
                : "its LSTM layers are " + layers.stream().map(LstmLayer::label).collect(Collectors.joining(", "));
        return new ModelException("model " + modelPath + ": cannot tap " + ref + ": " + why + "; " + existing);
    }

    static String weightsSource(LayerVariable kernel, LayerVariable recurrent, Optional<LayerVariable> bias) {
        return "variables " + kernel.name() + ", " + recurrent.name() + bias.map(b -> ", " + b.name()).orElse("")
                + " (checkpoint keys " + kernel.checkpointKey() + ", " + recurrent.checkpointKey()
                + bias.map(b -> ", " + b.checkpointKey()).orElse("") + ")";
    }
}
