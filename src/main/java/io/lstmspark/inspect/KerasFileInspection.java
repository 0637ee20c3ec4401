package io.lstmspark.inspect;

import io.lstmspark.model.kerasfile.KerasFile;
import io.lstmspark.model.kerasfile.KerasGraph;
import io.lstmspark.model.kerasfile.KerasGraphBuilder;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.tensorflow.Graph;

/**
 * {@code inspect} on a Keras .h5 or .keras file: the file's format and Keras version, its layers as
 * lstm-spark builds them (output shapes, activations), the outputs by key, and the {@code lstm:}
 * entries, ready to paste into a job's {@code outputs}. Building the graph runs every check the job runs
 * on the driver, so a file inspect describes is one the job takes.
 */
final class KerasFileInspection {

    private KerasFileInspection() {
    }

    /**
     * @param shape output shape with -1 for the batch
     */
    record Output(String key, String tensor, long[] shape) {
    }

    record Lstm(String layer, String ref, int units, String settings) {
    }

    record Description(String path, String format, String kerasVersion, String model, String dtype,
                       String inputKey, long[] inputShape, List<KerasGraph.BuiltLayer> layers,
                       List<Output> outputs, List<Lstm> lstmLayers, String streamMode) {
    }

    /** @param openSteps the steps per window for an input that leaves them open (--window-length); 0: none */
    static Description describe(Path path, int openSteps) {
        KerasFile file = KerasFile.read(path);
        try (Graph graph = new Graph()) {
            KerasGraph built = KerasGraphBuilder.build(file, graph, openSteps);
            List<Output> outputs = new ArrayList<>();
            for (Map.Entry<String, String> output : built.outputs().entrySet()) {
                outputs.add(new Output(output.getKey(), output.getValue(),
                        graph.outputOrThrow(output.getValue()).shape().asArray()));
            }
            List<Lstm> lstms = built.lstmLayers().stream().map(l -> new Lstm(l.layer(), "lstm:" + l.position(),
                    l.units(), built.layers().stream().filter(b -> b.name().equals(l.layer())).findFirst()
                    .map(KerasGraph.BuiltLayer::settings).orElse(""))).toList();
            return new Description(path.toString(), file.format().label(), file.kerasVersion(),
                    file.config().modelClass() + " '" + file.config().modelName() + "'",
                    built.float64() ? "float64" : "float32", built.inputKey(), built.inputShape(), built.layers(),
                    outputs, lstms, built.streamProblem().map(p -> "not possible: " + p)
                    .orElse("states carried by the job (no model.state-inputs needed)"));
        }
    }

    static void write(Description d, PrintWriter out) {
        out.println("Keras file " + d.path());
        out.println("  format      " + d.format() + ", written by Keras " + d.kerasVersion() + ", " + d.model()
                + ", " + d.dtype());
        out.println("  input       " + d.inputKey() + " " + shape(d.inputShape()) + "  (window.length "
                + d.inputShape()[1] + ", " + d.inputShape()[2] + " features per step)");
        out.println();
        out.println("Layers, as lstm-spark builds them (output shapes without the batch):");
        int width = d.layers().stream().mapToInt(l -> l.name().length()).max().orElse(4);
        int classWidth = d.layers().stream().mapToInt(l -> l.className().length()).max().orElse(4);
        for (KerasGraph.BuiltLayer layer : d.layers()) {
            out.println("  " + pad(layer.name(), width) + "  " + pad(layer.className(), classWidth) + "  "
                    + layer.outputShapes().stream().map(KerasFileInspection::shape).collect(Collectors.joining(" "))
                    + (layer.settings().isEmpty() ? "" : "  " + layer.settings()));
        }
        out.println();
        out.println("Outputs (signature serving_default; model.signature needs no setting):");
        for (Output output : d.outputs()) {
            out.println("  " + output.key() + "  " + shape(output.shape()));
        }
        if (!d.lstmLayers().isEmpty()) {
            out.println();
            out.println("LSTM layers, whose states lstm:<layer>.<part> outputs name:");
            for (Lstm lstm : d.lstmLayers()) {
                out.println("  " + lstm.layer() + " (" + lstm.ref() + "): " + lstm.settings());
            }
        }
        out.println();
        out.println("Stream mode: " + d.streamMode());
        out.println();
        out.println("To paste into the job's configuration:");
        out.println("  model.path = \"" + d.path() + "\"");
        out.println("  outputs { " + d.outputs().stream().filter(o -> o.key().startsWith("output_"))
                .map(o -> "y" + o.key().substring("output_".length()) + " = " + o.key())
                .collect(Collectors.joining(", ")) + " }");
        for (Lstm lstm : d.lstmLayers()) {
            String ref = "lstm:" + lstm.layer();
            String column = lstm.layer().replaceAll("[^A-Za-z0-9_]", "_");
            out.println("  outputs { " + column + "_h = \"" + ref + ".h\", " + column + "_c = \"" + ref + ".c\", "
                    + column + "_sequence = \"" + ref + ".sequence\", " + column + "_cell_sequence = \"" + ref
                    + ".cell_sequence\" }");
        }
        out.flush();
    }

    private static String shape(long[] shape) {
        return Arrays.stream(shape).mapToObj(d -> d < 0 ? "?" : Long.toString(d))
                .collect(Collectors.joining(", ", "[", "]"));
    }

    private static String pad(String text, int width) {
        return text + " ".repeat(Math.max(0, width - text.length()));
    }
}
