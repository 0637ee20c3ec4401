package io.lstmspark.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/** A test model's expected.json: windows, and what Keras/TensorFlow computed for them. */
public record RecordedStates(JsonNode json) {

    public static RecordedStates read(Path file) {
        try {
            return new RecordedStates(new ObjectMapper().readTree(file.toFile()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The windows [n][length][features]. */
    public double[][][] inputs() {
        return cube(json.path("inputs"));
    }

    /** A recorded state of a layer: h_seq, c_seq [n][length][units]. */
    public double[][][] sequence(String layer, String key) {
        return cube(json.path("lstm_states").path(layer).path(key));
    }

    /** A recorded final state of a layer: h, c [n][units]. */
    public double[][] last(String layer, String key) {
        return matrix(json.path("lstm_states").path(layer).path(key));
    }

    public static double[][][] cube(JsonNode node) {
        double[][][] cube = new double[node.size()][][];
        for (int i = 0; i < cube.length; i++) {
            cube[i] = matrix(node.get(i));
        }
        return cube;
    }

    public static double[][] matrix(JsonNode node) {
        double[][] matrix = new double[node.size()][];
        for (int i = 0; i < matrix.length; i++) {
            matrix[i] = new double[node.get(i).size()];
            for (int j = 0; j < matrix[i].length; j++) {
                matrix[i][j] = node.get(i).get(j).asDouble();
            }
        }
        return matrix;
    }
}
