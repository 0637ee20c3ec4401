package io.lstmspark.model.keras;

import io.lstmspark.model.FloatTensors;
import io.lstmspark.model.LoadedModel;
import io.lstmspark.model.ModelCall;
import io.lstmspark.model.WindowInput;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.tensorflow.Result;
import org.tensorflow.Signature;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;

/**
 * The self-check of state taps: when the model's output is a known function of its last LSTM layer
 * (LSTM → [Dropout] → Dense ... as the model records them), the taps of every LSTM layer plus that
 * head, all computed by TensorFlow, must reproduce the model's own signature output on the same
 * windows, to {@value #TOLERANCE} x max(1, |output|). The windows are seeded standard-normal draws:
 * non-zero in every feature, so every weight takes part.
 *
 * @param status        passed, failed, or not checked (with the reason in {@code detail})
 * @param windows       windows compared
 * @param maxDifference largest |reproduced - model| / max(1, |model|) over all values
 * @param output        the signature output compared
 * @param taps          the taps compared, with the head that reproduces the output (empty when not checked)
 */
public record TapCheck(Status status, String detail, int windows, double maxDifference, String output,
                       Optional<StateTaps> taps) {

    public static final double TOLERANCE = 1e-4;
    static final int WINDOWS = 16;
    private static final long SEED = 20240611L;

    public enum Status { PASSED, FAILED, NOT_CHECKED }

    static TapCheck notChecked(String why) {
        return new TapCheck(Status.NOT_CHECKED, why, 0, Double.NaN, "", Optional.empty());
    }

    /**
     * Checks {@code layers} (every LSTM layer of the model, activations settled) against the model's
     * output in {@code signature}, feeding windows the way the job feeds them.
     */
    static TapCheck run(LoadedModel model, String signature, WindowInput input, int length,
                        int features, List<LstmLayer> layers, KerasLstmLayers discovered) {
        if (discovered.head().isEmpty()) {
            return notChecked("the model's output is not a known function of its last LSTM: "
                    + discovered.headProblem().orElse(""));
        }
        for (LstmLayer layer : layers) {
            if (layer.problem().isPresent()) {
                return notChecked("layer '" + layer.name() + "' cannot be reproduced: " + layer.problem().get());
            }
        }
        String chain = chainProblem(layers, features);
        if (chain != null) {
            return notChecked(chain);
        }
        Signature sig = model.signatures().get(signature);
        if (sig == null || sig.getOutputs().size() != 1) {
            return notChecked("signature '" + signature + "' has " + (sig == null ? "no" : sig.getOutputs().size())
                    + " outputs; the check compares a single output");
        }
        String output = sig.getOutputs().values().iterator().next().name;
        String outputKey = sig.getOutputs().keySet().iterator().next();
        StateTaps taps = new StateTaps(input.tensor(), length, features,
                layers.stream().map(StateTaps.TapLayer::of).toList(),
                StateTaps.Head.of(output, discovered.head().get()));
        model.extend(taps);
        return compare(model, input, output, taps, "signature '" + signature + "' output '" + outputKey + "'");
    }

    /** Why the layers do not chain (layer k reads layer k-1's sequence, layer 0 the windows), or null. */
    static String chainProblem(List<LstmLayer> layers, int features) {
        int width = features;
        String from = "the windows (" + features + " features)";
        for (LstmLayer layer : layers) {
            if (layer.features() != width) {
                return "LSTM layer '" + layer.name() + "' takes " + layer.features() + " inputs per step but "
                        + from + " give " + width + ": something other than Dropout comes between them";
            }
            width = layer.units();
            from = "LSTM layer '" + layer.name() + "' (" + layer.units() + " units)";
        }
        return null;
    }

    private static TapCheck compare(LoadedModel model, WindowInput input, String output,
                                    StateTaps taps, String outputLabel) {
        int windowCount = input.fixedBatch() == ModelCall.ANY_BATCH ? WINDOWS : input.fixedBatch();
        long[] shape = new long[input.windowShape().length + 1];
        shape[0] = windowCount;
        System.arraycopy(input.windowShape(), 0, shape, 1, input.windowShape().length);
        Random random = new Random(SEED);
        int size = Math.toIntExact(Arrays.stream(shape).reduce(1, Math::multiplyExact));
        double[] values = new double[size];
        Arrays.setAll(values, i -> random.nextGaussian());
        try (Tensor windows = FloatTensors.of(input.type(), Shape.of(shape), values);
             Result result = model.session().runner().feed(input.tensor(), windows)
                     .fetch(output).fetch(taps.headOutput()).run()) {
            Tensor expected = result.get(0);
            Tensor actual = result.get(1);
            if (!expected.shape().equals(actual.shape())) {
                return new TapCheck(Status.FAILED, "the reproduced output has shape " + actual.shape()
                        + ", the model's " + expected.shape(), windowCount, Double.NaN, outputLabel, Optional.of(taps));
            }
            double[] e = FloatTensors.values(expected);
            double[] a = FloatTensors.values(actual);
            double max = 0;
            for (int i = 0; i < e.length; i++) {
                max = Math.max(max, Math.abs(e[i] - a[i]) / Math.max(1, Math.abs(e[i])));
            }
            boolean passed = max <= TOLERANCE;
            return new TapCheck(passed ? Status.PASSED : Status.FAILED,
                    (passed ? "the taps reproduce " : "the taps do NOT reproduce ") + outputLabel + " on " + windowCount
                            + " random windows: largest relative difference " + String.format("%.2e", max)
                            + (passed ? " <= " : " > ") + TOLERANCE, windowCount, max, outputLabel, Optional.of(taps));
        }
    }

    /** For the run report: status and detail in one line. */
    @Override
    public String toString() {
        return status + ": " + detail;
    }
}
