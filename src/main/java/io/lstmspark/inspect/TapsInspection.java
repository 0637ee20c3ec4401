package io.lstmspark.inspect;

import io.lstmspark.model.LoadedModel;
import io.lstmspark.model.ModelException;
import io.lstmspark.model.ModelFormat;
import io.lstmspark.model.ModelInput;
import io.lstmspark.model.ModelRequest;
import io.lstmspark.model.ModelSafety;
import io.lstmspark.model.ModelSource;
import io.lstmspark.model.SessionThreads;
import io.lstmspark.model.TensorRef;
import io.lstmspark.model.keras.Activation;
import io.lstmspark.model.keras.HeadLayer;
import io.lstmspark.model.keras.KerasLstmLayers;
import io.lstmspark.model.keras.LstmLayer;
import io.lstmspark.model.keras.StateTapPlanner;
import io.lstmspark.model.keras.TapCheck;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;

/**
 * Loads a SavedModel (unless it holds risky ops) to report its Keras LSTM layers as state taps see
 * them, and runs the taps' self-check: the model runs on a few random windows.
 */
final class TapsInspection {

    private static final SessionThreads THREADS = new SessionThreads(1, -1);
    private static final String DEFAULT_SIGNATURE = "serving_default";

    private TapsInspection() {
    }

    /**
     * @param files        the model as its files describe it (tags and signatures)
     * @param signature    the signature to check against; empty: serving_default, else the first
     * @param windowLength steps per check window, for models whose input does not declare them
     */
    static StateTapsDescription inspect(Path path, ModelDescription files, Optional<String> signature,
                                        OptionalInt windowLength) {
        String key = signature(path, files, signature);
        if (ModelFormat.detect(path) == ModelFormat.FROZEN_GRAPH) {
            return StateTapsDescription.notAvailable("a frozen GraphDef keeps its weights as constants, not as the "
                    + "variables of Keras layers, so there are no LSTM layers to tap: name graph tensors op:N "
                    + "(--ops finds them)");
        }
        ModelSource source = new ModelSource(path.toString(), files.tags());
        List<ModelSafety.Finding> risky = ModelSafety.scan(source);
        if (!risky.isEmpty()) {
            return StateTapsDescription.notLoaded(risky);
        }
        try (LoadedModel model = LoadedModel.load(source, THREADS)) {
            return discovered(model, key, KerasLstmLayers.discover(model, key), windowLength);
        } catch (ModelException e) {
            return StateTapsDescription.notAvailable(e.getMessage());
        }
    }

    private static String signature(Path path, ModelDescription files, Optional<String> wanted) {
        List<String> keys = files.signatures().stream().map(ModelDescription.SignatureInfo::key).toList();
        if (wanted.isPresent() && !keys.contains(wanted.get())) {
            throw new ModelException("model " + path + " has no signature '" + wanted.get() + "' in meta graph "
                    + files.tags() + "; it has " + keys + ": pass one of these with --signature");
        }
        return wanted.orElse(keys.contains(DEFAULT_SIGNATURE) || keys.isEmpty() ? DEFAULT_SIGNATURE : keys.get(0));
    }

    private static StateTapsDescription discovered(LoadedModel model, String signature, KerasLstmLayers discovered,
                                                   OptionalInt windowLength) {
        List<LstmLayer> layers = discovered.layers();
        StateTapsDescription.SelfCheck selfCheck;
        if (layers.isEmpty()) {
            selfCheck = StateTapsDescription.SelfCheck.notChecked("no Keras LSTM layer was found");
        } else {
            Optional<ModelInput> input = soleInput(model, signature);
            // F of the check windows: the input's declared [?, T, F], else what the first LSTM layer takes.
            int features = input.map(ModelInput::declaredFeatures).orElse(OptionalInt.empty())
                    .orElse(layers.get(0).features());
            OptionalInt length = windowLength.isPresent() ? windowLength
                    : input.map(i -> i.declaredWindowLength(features)).orElse(OptionalInt.empty());
            if (length.isEmpty()) {
                selfCheck = StateTapsDescription.SelfCheck.notChecked(noWindowLength(model, signature));
            } else {
                try {
                    // Without a sole input, the lookup refuses the signature, saying why.
                    StateTapPlanner.Checked checked = StateTapPlanner.check(model, signature,
                            input.orElseGet(() -> lookUpInput(model, signature)), length.getAsInt(), features);
                    layers = checked.layers();
                    selfCheck = selfCheck(checked.check(), length.getAsInt(), features);
                } catch (ModelException e) {
                    selfCheck = StateTapsDescription.SelfCheck.notChecked(e.getMessage());
                }
            }
        }
        boolean tappable = !selfCheck.status().equals(StateTapsDescription.SelfCheck.FAILED);
        return new StateTapsDescription(StateTapsDescription.DISCOVERED, null, null, signature,
                discovered.configSource(), layers.stream().map(l -> layer(l, tappable)).toList(),
                discovered.otherRecurrentLayers(),
                discovered.head().map(h -> h.stream().map(TapsInspection::headStep).toList()).orElse(null),
                discovered.headProblem().orElse(null), selfCheck);
    }

    /** The signature's input when it has exactly one, as the job finds it when model.input is unset. */
    private static Optional<ModelInput> soleInput(LoadedModel model, String signature) {
        Signature sig = model.signatures().get(signature);
        return sig == null || sig.getInputs().size() != 1 ? Optional.empty()
                : Optional.of(lookUpInput(model, signature));
    }

    private static ModelInput lookUpInput(LoadedModel model, String signature) {
        ModelRequest request = new ModelRequest(model.source(), signature, Optional.empty(),
                Map.of("h", new TensorRef.LstmState("0", TensorRef.LstmState.Part.H)));
        return ModelInput.find(model, request);
    }

    private static String noWindowLength(LoadedModel model, String signature) {
        Signature sig = model.signatures().get(signature);
        if (sig == null) {
            return "the model has no signature '" + signature + "' whose output the taps could be compared with";
        }
        if (sig.getInputs().size() != 1) {
            return "signature '" + signature + "' has " + sig.getInputs().size() + " inputs "
                    + sig.getInputs().keySet() + "; the self-check feeds windows to a single input";
        }
        Map.Entry<String, Signature.TensorDescription> input = sig.getInputs().entrySet().iterator().next();
        Shape shape = input.getValue().shape;
        return "signature '" + signature + "' input '" + input.getKey() + "' declares "
                + (shape.isUnknown() ? "no shape" : "shape " + Arrays.toString(shape.asArray()))
                + ", no window length: pass --window-length N (steps per window) to run the self-check";
    }

    private static StateTapsDescription.SelfCheck selfCheck(TapCheck check, int windowLength, int features) {
        if (check.status() == TapCheck.Status.NOT_CHECKED) {
            return StateTapsDescription.SelfCheck.notChecked(check.detail());
        }
        return new StateTapsDescription.SelfCheck(check.status().name().toLowerCase(Locale.ROOT), check.detail(),
                windowLength, features, check.windows(),
                Double.isNaN(check.maxDifference()) ? null : check.maxDifference());
    }

    private static StateTapsDescription.Layer layer(LstmLayer layer, boolean checkAllows) {
        boolean tappable = checkAllows && layer.problem().isEmpty() && layer.activation().isPresent()
                && layer.recurrentActivation().isPresent();
        Map<String, String> outputs = null;
        if (tappable) {
            outputs = new LinkedHashMap<>();
            for (TensorRef.LstmState.Part part : TensorRef.LstmState.Part.values()) {
                outputs.put(part.label(), new TensorRef.LstmState(layer.name(), part).toString());
            }
        }
        return new StateTapsDescription.Layer(layer.name(), layer.position(), layer.units(), layer.features(),
                layer.activation().map(Activation::kerasName).orElse(null),
                layer.recurrentActivation().map(Activation::kerasName).orElse(null),
                layer.returnSequences().orElse(null), layer.useBias(), layer.unitForgetBias().orElse(null),
                layer.problem().orElse(null), new TreeMap<>(layer.sources()), outputs);
    }

    private static StateTapsDescription.HeadStep headStep(HeadLayer layer) {
        return new StateTapsDescription.HeadStep(layer.name(), layer.kind().name().toLowerCase(Locale.ROOT),
                layer.activation().kerasName());
    }
}
