package io.lstmspark.model.keras;

import io.lstmspark.model.LoadedModel;
import io.lstmspark.model.ModelException;
import io.lstmspark.model.ModelInput;
import io.lstmspark.model.ModelRequest;
import io.lstmspark.model.TensorRef;
import io.lstmspark.model.WindowInput;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tensorflow.Signature;

/**
 * Plans the state taps a request asks for ({@code lstm:<layer>.<part>} outputs), on the driver: finds
 * the layers, refuses what cannot be tapped, settles activations the model does not record, runs the
 * self-check, and returns the taps to add to the request. A tap whose self-check fails is refused.
 */
public final class StateTapPlanner {

    private static final Logger LOG = LoggerFactory.getLogger(StateTapPlanner.class);

    /** Candidates tried, in order, for layers whose activations the model does not record. */
    private static final List<Activation> CANDIDATES = List.of(Activation.TANH, Activation.RELU, Activation.SIGMOID,
            Activation.LINEAR);

    private StateTapPlanner() {
    }

    /**
     * The taps, the layers they compute (layer 0 up to the deepest requested one) and the self-check.
     *
     * @param configSource where the layers' configurations were read
     */
    public record Plan(StateTaps taps, List<LstmLayer> layers, TapCheck check, String configSource) {
    }

    /**
     * Empty when the request asks for no LSTM state.
     *
     * @param input          the request's model input, as the job found it
     * @param outputFromTaps when the request also asks for the model output the self-check reproduced
     *                       (and the check passed), the taps compute it too, through the model's head,
     *                       so that the call runs the LSTM once; the caller passes false when it feeds
     *                       initial states, which the model's own output does not see
     */
    public static Optional<Plan> plan(LoadedModel model, ModelRequest request, ModelInput input, int windowLength,
                                      int features, boolean outputFromTaps) {
        List<TensorRef.LstmState> refs = request.outputs().values().stream()
                .filter(TensorRef.LstmState.class::isInstance).map(TensorRef.LstmState.class::cast).toList();
        if (refs.isEmpty()) {
            return Optional.empty();
        }
        KerasLstmLayers discovered = KerasLstmLayers.discover(model, request.signature());
        int deepest = 0;
        for (TensorRef.LstmState ref : refs) {
            LstmLayer layer = discovered.find(ref);
            deepest = Math.max(deepest, layer.position());
        }
        String path = model.source().path();
        for (LstmLayer layer : discovered.layers().subList(0, deepest + 1)) {
            if (layer.problem().isPresent()) {
                throw new ModelException("model " + path + ": cannot tap LSTM layer '" + layer.name() + "'"
                        + (layer.position() < deepest ? ", which feeds the tapped layers" : "") + ": "
                        + layer.problem().get());
            }
        }
        String chain = TapCheck.chainProblem(discovered.layers().subList(0, deepest + 1), features);
        if (chain != null) {
            throw new ModelException("model " + path + ": cannot tap its LSTM layers: " + chain);
        }
        WindowInput windows = input.windows(windowLength, features);
        Checked settled = settle(model, request.signature(), windows, windowLength, features, discovered);
        TapCheck check = settled.check();
        if (settled.layers().stream().anyMatch(l -> l.activation().isEmpty())) {
            throw new ModelException("model " + path + " records no activation for LSTM layers "
                    + settled.layers().stream().filter(l -> l.activation().isEmpty()).map(LstmLayer::name).toList()
                    + ", and the self-check could not settle it: " + check.detail());
        }
        if (check.status() == TapCheck.Status.FAILED) {
            throw new ModelException("model " + path + ": the LSTM state taps fail their self-check: " + check.detail()
                    + ". Their states would not be the model's; the layers were read as "
                    + settled.layers().stream().map(l -> l.name() + " " + l.sources()).toList());
        }
        if (check.status() == TapCheck.Status.NOT_CHECKED) {
            LOG.warn("LSTM state taps of model {} are not self-checked: {}", path, check.detail());
        } else {
            LOG.info("LSTM state taps of model {}: {}", path, check.detail());
        }
        Optional<StateTaps> withHead = check.taps().filter(checked -> outputFromTaps
                && check.status() == TapCheck.Status.PASSED && asksFor(model, request, checked.head().reproduces()));
        if (withHead.isPresent()) {
            LOG.info("Model {}: output {} is computed from the state taps through the layers after the last LSTM, "
                    + "as the self-check computed it, so the LSTM runs once per window (model.output-from-taps)",
                    path, check.output());
            return Optional.of(new Plan(withHead.get(), settled.layers(), check, discovered.configSource()));
        }
        List<LstmLayer> tapped = settled.layers().subList(0, deepest + 1);
        StateTaps taps = new StateTaps(windows.tensor(), windowLength, features,
                tapped.stream().map(StateTaps.TapLayer::of).toList());
        return Optional.of(new Plan(taps, tapped, check, discovered.configSource()));
    }

    /** Whether an output of the request is {@code modelTensor}, by signature key or by name. */
    private static boolean asksFor(LoadedModel model, ModelRequest request, String modelTensor) {
        Signature signature = model.signatures().get(request.signature());
        return request.outputs().values().stream().anyMatch(ref -> {
            if (ref instanceof TensorRef.GraphTensor tensor) {
                return tensor.name().equals(modelTensor);
            }
            return ref instanceof TensorRef.SignatureKey key && signature != null
                    && signature.getOutputs().containsKey(key.key())
                    && signature.getOutputs().get(key.key()).name.equals(modelTensor);
        });
    }

    /**
     * Every LSTM layer of a model with its activations settled where the model records none, and the
     * self-check of their taps against the model's output: what {@code inspect} reports.
     */
    public record Checked(KerasLstmLayers discovered, List<LstmLayer> layers, TapCheck check) {
    }

    /**
     * Runs discovery and the self-check on windows of {@code windowLength} x {@code features}, without a job.
     *
     * @param input the signature's input, as {@link ModelInput#find} finds it for a request that names none
     */
    public static Checked check(LoadedModel model, String signature, ModelInput input, int windowLength,
                                int features) {
        KerasLstmLayers discovered = KerasLstmLayers.discover(model, signature);
        return settle(model, signature, input.windows(windowLength, features), windowLength, features, discovered);
    }

    /**
     * Checks the layers as recorded; when the model records no activation, the first candidate that
     * reproduces the model's output settles it (layers stay unsettled if none does or none can be checked).
     */
    private static Checked settle(LoadedModel model, String signature, WindowInput input, int length,
                                  int features, KerasLstmLayers discovered) {
        List<LstmLayer> layers = discovered.layers();
        boolean unknown = layers.stream().anyMatch(l -> l.activation().isEmpty() || l.recurrentActivation().isEmpty());
        if (!unknown) {
            return new Checked(discovered, layers,
                    TapCheck.run(model, signature, input, length, features, layers, discovered));
        }
        List<String> tried = new ArrayList<>();
        for (Activation candidate : CANDIDATES) {
            List<LstmLayer> assumed = layers.stream()
                    .map(l -> l.activation().isPresent() && l.recurrentActivation().isPresent() ? l
                            : l.withActivations(candidate, Activation.SIGMOID, "settled by self-validation: the "
                            + "model records none, and this one reproduces its output"))
                    .toList();
            TapCheck check = TapCheck.run(model, signature, input, length, features, assumed, discovered);
            if (check.status() == TapCheck.Status.NOT_CHECKED) {
                return new Checked(discovered, layers, check);
            }
            if (check.status() == TapCheck.Status.PASSED) {
                return new Checked(discovered, assumed, check);
            }
            tried.add(candidate + ": " + check.detail());
        }
        return new Checked(discovered, layers, new TapCheck(TapCheck.Status.FAILED, "no candidate activation "
                + "(sigmoid gates with " + CANDIDATES + ") reproduces the model's output: " + tried,
                TapCheck.WINDOWS, Double.NaN, "", Optional.empty()));
    }
}
