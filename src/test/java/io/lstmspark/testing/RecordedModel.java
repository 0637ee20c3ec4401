package io.lstmspark.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * A model folder ({@code saved_model/} + {@code expected.json}) with the outputs TensorFlow itself
 * computed for recorded input windows: {@code inputs} [n][length][features], {@code outputs} by
 * signature output key, and optionally {@code tensors} by graph tensor name (op:N).
 */
public record RecordedModel(String name, Path directory, String signature, double[][][] inputs,
                            Map<String, JsonNode> outputs, Map<String, JsonNode> tensors) {

    /**
     * Model folders directly under each root, in name order: a saved_model with TensorFlow's outputs in an
     * expected.json beside it (other fixture folders hold an expected.json of their own shape).
     */
    public static List<Path> under(Path... roots) {
        List<Path> models = new ArrayList<>();
        for (Path root : roots) {
            try (Stream<Path> children = Files.list(root)) {
                children.filter(p -> Files.isRegularFile(p.resolve("expected.json"))
                        && Files.isDirectory(p.resolve("saved_model"))).sorted().forEach(models::add);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot list models under " + root, e);
            }
        }
        return models;
    }

    public static RecordedModel read(Path directory) {
        JsonNode json;
        try {
            json = new ObjectMapper().readTree(directory.resolve("expected.json").toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        JsonNode windows = json.get("inputs");
        double[][][] inputs = new double[windows.size()][][];
        for (int w = 0; w < inputs.length; w++) {
            JsonNode steps = windows.get(w);
            inputs[w] = new double[steps.size()][];
            for (int t = 0; t < steps.size(); t++) {
                inputs[w][t] = new double[steps.get(t).size()];
                for (int f = 0; f < inputs[w][t].length; f++) {
                    inputs[w][t][f] = steps.get(t).get(f).asDouble();
                }
            }
        }
        return new RecordedModel(json.get("model").asText(), directory, json.get("signature").asText(), inputs,
                fields(json.get("outputs")), fields(json.get("tensors")));
    }

    private static Map<String, JsonNode> fields(JsonNode object) {
        Map<String, JsonNode> fields = new LinkedHashMap<>();
        if (object != null) {
            for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                fields.put(field.getKey(), field.getValue());
            }
        }
        return fields;
    }

    public Path savedModel() {
        return directory.resolve("saved_model");
    }

    public int windows() {
        return inputs.length;
    }

    public int length() {
        return inputs[0].length;
    }

    public int features() {
        return inputs[0][0].length;
    }

    public List<String> featureColumns() {
        List<String> columns = new ArrayList<>();
        for (int f = 0; f < features(); f++) {
            columns.add("f" + f);
        }
        return columns;
    }

    /** Output column → reference (signature output key or op:N) for every recorded output and tensor. */
    public Map<String, String> outputColumns() {
        Map<String, String> columns = new LinkedHashMap<>();
        outputs.keySet().forEach(key -> columns.put(column("o", key), key));
        tensors.keySet().forEach(tensor -> columns.put(column("t", tensor), tensor));
        return columns;
    }

    /** The recorded values of a column's output for window {@code w}, flattened in row-major order. */
    public double[] expected(String column, int w) {
        String ref = outputColumns().get(column);
        JsonNode values = outputs.containsKey(ref) ? outputs.get(ref) : tensors.get(ref);
        List<Double> flat = new ArrayList<>();
        flatten(values.get(w), flat);
        return flat.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static void flatten(JsonNode node, List<Double> into) {
        if (node.isArray()) {
            node.forEach(child -> flatten(child, into));
        } else {
            into.add(node.asDouble());
        }
    }

    private static String column(String prefix, String ref) {
        return prefix + "_" + ref.replaceAll("[^A-Za-z0-9]", "_");
    }

    /**
     * Writes the recorded windows as Parquet: window {@code w} becomes series "w{w}" of exactly
     * {@code length} steps one minute apart, so the job cuts exactly that window from it.
     */
    public String writeInput(Path dir) {
        StructType schema = new StructType().add("id", DataTypes.StringType).add("ts", DataTypes.TimestampType);
        for (String feature : featureColumns()) {
            schema = schema.add(feature, DataTypes.DoubleType);
        }
        List<Row> rows = new ArrayList<>();
        for (int w = 0; w < windows(); w++) {
            for (int t = 0; t < length(); t++) {
                Object[] values = new Object[2 + features()];
                values[0] = "w" + w;
                values[1] = TestData.minute(t);
                for (int f = 0; f < features(); f++) {
                    values[2 + f] = inputs[w][t][f];
                }
                rows.add(RowFactory.create(values));
            }
        }
        return TestData.writeParquet(dir, rows, schema);
    }
}
