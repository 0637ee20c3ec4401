package io.lstmspark.model.kerasfile;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A Keras file with what TensorFlow computed for it ({@code <file>.expected.json} from
 * src/test/resources/keras-files, or {@code <name>.expected.json} from keras-files-fixtures).
 */
public record KerasFileExpectations(Path file, JsonNode json) {

    public static final Path SHARED = Path.of("src/test/resources/keras-files");
    public static final Path FIXTURES = Path.of("src/test/resources/keras-files-fixtures");

    /** The four public files. */
    public static List<KerasFileExpectations> shared() {
        return List.of(
                read(SHARED.resolve("Anany25__UCI_AirQuaity-Time-series-Analysis-/lstm_model.h5"), ".expected.json"),
                read(SHARED.resolve("tupizz__FIAP_Oil_prices_Predictor/lstm_model.h5"), ".expected.json"),
                read(SHARED.resolve("tupizz__FIAP_Oil_prices_Predictor/lstm_model.keras"), ".expected.json"),
                read(SHARED.resolve("Makelek00__power_demand_forecast/lstm_model_relu.keras"), ".expected.json"));
    }

    /** A fixture as .keras and as .h5, both with the one expected.json. */
    public static List<KerasFileExpectations> fixture(String name) {
        return List.of(readFixture(name + ".keras"), readFixture(name + ".h5"));
    }

    public static KerasFileExpectations readFixture(String fileName) {
        String name = fileName.substring(0, fileName.lastIndexOf('.'));
        return readWith(FIXTURES.resolve(fileName), FIXTURES.resolve(name + ".expected.json"));
    }

    private static KerasFileExpectations read(Path file, String suffix) {
        return readWith(file, file.resolveSibling(file.getFileName() + suffix));
    }

    private static KerasFileExpectations readWith(Path file, Path expected) {
        try {
            return new KerasFileExpectations(file, new ObjectMapper().readTree(expected.toFile()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Input {@code key} (x1, x2) as [batch][steps][features]. */
    public double[][][] input(String key) {
        JsonNode windows = json.path("inputs").path(key);
        double[][][] values = new double[windows.size()][][];
        for (int b = 0; b < values.length; b++) {
            values[b] = new double[windows.get(b).size()][];
            for (int t = 0; t < values[b].length; t++) {
                values[b][t] = flat(windows.get(b).get(t));
            }
        }
        return values;
    }

    /** The model outputs on input {@code key}, each flattened: shared files have one, fixtures output_0, ... */
    public List<double[]> outputs(String key) {
        List<double[]> outputs = new ArrayList<>();
        JsonNode node = json.path("outputs");
        if (node.has(key)) {
            outputs.add(flat(node.get(key)));
        } else {
            for (int i = 0; node.has("output_" + i); i++) {
                outputs.add(flat(node.get("output_" + i)));
            }
        }
        return outputs;
    }

    public static double[] flat(JsonNode node) {
        List<Double> values = new ArrayList<>();
        collect(node, values);
        return values.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static void collect(JsonNode node, List<Double> into) {
        if (node.isArray()) {
            node.forEach(child -> collect(child, into));
        } else {
            into.add(node.asDouble());
        }
    }

    /** A name unique among the test files, for work directories: folder and file name. */
    public String id() {
        return (file.getParent().getFileName() + "_" + file.getFileName()).replaceAll("[^A-Za-z0-9._-]", "_");
    }

    @Override
    public String toString() {
        return file.getFileName().toString();
    }
}
