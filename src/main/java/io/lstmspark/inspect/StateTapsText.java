package io.lstmspark.inspect;

import io.lstmspark.model.keras.OtherRecurrentLayer;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/** {@code inspect}'s state-tap section for people: the Keras LSTM layers, the outputs that tap them, the self-check. */
final class StateTapsText {

    private static final String TITLE = "State taps (lstm:<layer>.<part> outputs): ";
    private static final List<String> SOURCE_ORDER = List.of("activation", "recurrent_activation", "config", "weights");

    private StateTapsText() {
    }

    static void write(StateTapsDescription taps, PrintWriter out) {
        out.println();
        switch (taps.status()) {
            case StateTapsDescription.DISCOVERED -> discovered(taps, out);
            case StateTapsDescription.NOT_LOADED -> {
                out.println(TITLE + "not looked for: " + taps.reason() + ":");
                taps.riskyOps().forEach(op -> out.println("  " + op));
            }
            case StateTapsDescription.SKIPPED -> out.println(TITLE + "not looked for (" + taps.reason() + ")");
            default -> out.println(TITLE + "not available: " + taps.reason());
        }
    }

    private static void discovered(StateTapsDescription taps, PrintWriter out) {
        out.println("Keras LSTM layers, whose states lstm:<layer>.<part> outputs tap (the model was loaded):");
        out.println("  read from: " + taps.configSource());
        if (taps.layers().isEmpty()) {
            out.println("  none");
        }
        taps.layers().forEach(layer -> layer(layer, out));
        if (!taps.otherRecurrentLayers().isEmpty()) {
            out.println("Other recurrent layers:");
            for (OtherRecurrentLayer other : taps.otherRecurrentLayers()) {
                out.printf("  %s  %s: not an LSTM, state taps refuse it%n", other.name(), other.kind());
            }
        }
        if (taps.head() != null) {
            out.println("After the last LSTM (what the self-check reproduces): " + (taps.head().isEmpty()
                    ? "no layer (the output is its final hidden state)"
                    : taps.head().stream().map(s -> s.name() + " (" + s.kind()
                    + (s.kind().equals("identity") ? "" : ", " + s.activation()) + ")")
                    .collect(Collectors.joining(" -> "))));
        } else if (!taps.layers().isEmpty()) {
            out.println("After the last LSTM: not reproducible: " + taps.headProblem());
        }
        StateTapsDescription.SelfCheck check = taps.selfCheck();
        out.printf("Self-check of the taps%s: %s%n", check.windowLength() == null ? ""
                        : " (random windows [" + check.windowLength() + ", " + check.features() + "])",
                check.status().replace('_', ' '));
        out.println("  " + check.detail());
    }

    private static void layer(StateTapsDescription.Layer layer, PrintWriter out) {
        out.printf("  %s (lstm:%d): %d units, %d input feature%s per step, return_sequences %s, use_bias %s%n",
                layer.name(), layer.position(), layer.units(), layer.features(), layer.features() == 1 ? "" : "s",
                layer.returnSequences() == null ? "not recorded" : layer.returnSequences(), layer.useBias());
        List<String> keys = new ArrayList<>(SOURCE_ORDER);
        keys.retainAll(layer.sources().keySet());
        layer.sources().keySet().stream().filter(k -> !SOURCE_ORDER.contains(k)).forEach(keys::add);
        for (String key : keys) {
            row(out, key, layer.sources().get(key));
        }
        if (layer.outputs() != null) {
            List<String> refs = layer.outputs().entrySet().stream()
                    .map(e -> e.getKey() + " = \"" + e.getValue() + "\"").toList();
            row(out, "outputs", String.join(", ", refs.subList(0, 2)));
            row(out, "", String.join(", ", refs.subList(2, refs.size())));
        } else {
            row(out, "cannot be tapped", layer.problem() != null ? layer.problem()
                    : layer.activation() == null
                    ? "the model records no activation and the self-check did not settle it"
                    : "the self-check failed, so the job refuses these taps");
        }
    }

    private static void row(PrintWriter out, String key, String value) {
        out.printf("    %-21s %s%n", key, value);
    }
}
