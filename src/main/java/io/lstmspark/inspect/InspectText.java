package io.lstmspark.inspect;

import java.io.PrintWriter;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** {@code inspect}'s output for people: sections, aligned columns, and what to put in the job's configuration. */
final class InspectText {

    private InspectText() {
    }

    static void write(ModelDescription model, PrintWriter out) {
        out.printf("Model %s (%s)%n", model.path(), model.format().replace('_', ' '));
        if (!model.tagSets().isEmpty()) {
            out.printf("Meta graph tag sets: %s; shown: %s (model.tags)%n", model.tagSets(), model.tags());
        }

        out.println();
        if (model.signatures().isEmpty()) {
            out.println("Signatures: none. Name the input and outputs as graph tensors op:N (model.input, outputs).");
        } else {
            out.println("Signatures (model.signature; keys for model.input and outputs):");
            for (ModelDescription.SignatureInfo signature : model.signatures()) {
                out.printf("  %s%s%n", signature.key(),
                        signature.method().isEmpty() ? "" : "  [" + signature.method() + "]");
                List<ModelDescription.TensorInfo> all = new java.util.ArrayList<>(signature.inputs());
                all.addAll(signature.outputs());
                signature.inputs().forEach(t -> tensor(out, "    input  ", t, all));
                signature.outputs().forEach(t -> tensor(out, "    output ", t, all));
            }
        }

        out.println();
        out.println("Placeholders (graph tensors a model.input op:N can name):");
        if (model.placeholders().isEmpty()) {
            out.println("  none");
        }
        tensors(out, "  ", model.placeholders());

        if (model.stateTaps() != null) {
            StateTapsText.write(model.stateTaps(), out);
        }
        if (model.lstmLayers() != null) {
            lstmWeights(model.lstmLayers(), model.stateTaps() != null && model.stateTaps().discovered(), out);
        }

        if (model.ops() != null) {
            out.println();
            out.printf("Top-level operations matching '%s' (outputs as op:N for model.input and outputs): %d%n",
                    model.opsPattern(), model.ops().size());
            for (ModelDescription.OpInfo op : model.ops()) {
                out.printf("  %s  [%s]%n", op.name(), op.type());
                tensors(out, "    ", op.outputs());
            }
        }
        out.flush();
    }

    /** @param besideKeras the Keras layers were read and hold no LSTM, so these are not layers taps compute */
    private static void lstmWeights(List<LstmVariables.Layer> layers, boolean besideKeras, PrintWriter out) {
        out.println();
        out.println("LSTM layers found from their weights (kernel [F, 4H], recurrent_kernel [H, 4H], bias [4H])"
                + (besideKeras && !layers.isEmpty() ? ", which are not Keras LSTM layers state taps compute" : "")
                + ":");
        if (layers.isEmpty()) {
            out.println("  none");
        }
        for (LstmVariables.Layer layer : layers) {
            out.printf("  %s: %d units, input size %d, %s%n", layer.scope(), layer.units(), layer.features(),
                    layer.layout().equals(LstmVariables.KERAS)
                            ? "Keras layout (gates i, f, c, o)"
                            : "TF1 LSTMCell layout (kernel over [x, h], gates i, j, f, o)");
            for (Map.Entry<String, long[]> weight : layer.weights().entrySet()) {
                out.printf("    %-50s %s%n", weight.getKey(), Arrays.toString(weight.getValue()));
            }
        }
    }

    private static void tensors(PrintWriter out, String indent, List<ModelDescription.TensorInfo> tensors) {
        tensors.forEach(t -> tensor(out, indent, t, tensors));
    }

    /** One tensor per line: key, graph name, dtype, shape; columns as wide as among {@code aligned}. */
    private static void tensor(PrintWriter out, String indent, ModelDescription.TensorInfo tensor,
                               List<ModelDescription.TensorInfo> aligned) {
        int keyWidth = aligned.stream().mapToInt(t -> t.key() == null ? 0 : t.key().length()).max().orElse(0);
        int nameWidth = aligned.stream().mapToInt(t -> t.tensor().length()).max().orElse(0);
        String key = keyWidth == 0 ? "" : String.format("%-" + keyWidth + "s  ", tensor.key());
        out.printf("%s%s%-" + nameWidth + "s  %s %s%n", indent, key, tensor.tensor(), tensor.dtype(),
                tensor.shape() == null ? "(unknown rank)" : Arrays.toString(tensor.shape()));
    }
}
