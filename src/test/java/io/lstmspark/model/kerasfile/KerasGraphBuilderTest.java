package io.lstmspark.model.kerasfile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.lstmspark.model.ElementType;
import io.lstmspark.model.FloatTensors;
import io.lstmspark.testing.Tolerance;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;

/**
 * Keras files built as TensorFlow ops give the outputs and LSTM states TensorFlow computed for them
 * (recorded in each file's expected.json), to 1e-4 x max(1, |y|).
 */
class KerasGraphBuilderTest {

    private static final double TOLERANCE = 1e-4;

    static Stream<KerasFileExpectations> sharedFiles() {
        return KerasFileExpectations.shared().stream();
    }

    static Stream<KerasFileExpectations> fixtures() {
        return Stream.concat(Stream.of("stacked_lstm", "stacked_gru_rnn", "recurrent_kinds", "bidirectional",
                        "conv_pool", "functional_dag", "float64_lstm")
                        .flatMap(name -> KerasFileExpectations.fixture(name).stream()),
                // A Keras 2 functional config (inbound_nodes as lists) over the same weights as functional_dag.
                Stream.of(KerasFileExpectations.readFixture("functional_dag_keras2.h5")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sharedFiles")
    void publicFilesGiveTensorFlowsOutputsOnBothInputs(KerasFileExpectations expected) {
        for (String input : List.of("x1", "x2")) {
            List<double[]> outputs = run(expected, input, List.of("output_0")).get(0);
            Tolerance.assertAllClose(expected.outputs(input).get(0), outputs.get(0), TOLERANCE,
                    expected + " output on " + input);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource({"sharedFiles", "fixtures"})
    void everyLstmLayerGivesTensorFlowsStates(KerasFileExpectations expected) {
        JsonNode states = expected.json().path("lstm_states");
        KerasFile file = KerasFile.read(expected.file());
        try (Graph graph = new Graph()) {
            KerasGraph built = KerasGraphBuilder.build(file, graph, 0);
            assertEquals(states.size(), built.lstmLayers().size(), "LSTM layers of " + expected);
            for (KerasGraph.LstmStates layer : built.lstmLayers()) {
                JsonNode recorded = states.path(layer.layer());
                assertTrue(recorded.has("h"), expected + " has no recorded states for " + layer.layer());
                List<String> fetches = new ArrayList<>(List.of(layer.h(), layer.c(), layer.sequence()));
                if (recorded.has("c_seq")) {
                    fetches.add(layer.cellSequence());
                }
                List<double[]> got = runGraph(graph, built, expected.input("x1"), fetches);
                Tolerance.assertAllClose(KerasFileExpectations.flat(recorded.get("h")), got.get(0), TOLERANCE,
                        expected + " " + layer.layer() + ".h");
                Tolerance.assertAllClose(KerasFileExpectations.flat(recorded.get("c")), got.get(1), TOLERANCE,
                        expected + " " + layer.layer() + ".c");
                Tolerance.assertAllClose(KerasFileExpectations.flat(recorded.get("h_seq")), got.get(2), TOLERANCE,
                        expected + " " + layer.layer() + ".sequence");
                if (recorded.has("c_seq")) {
                    Tolerance.assertAllClose(KerasFileExpectations.flat(recorded.get("c_seq")), got.get(3),
                            TOLERANCE, expected + " " + layer.layer() + ".cell_sequence");
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void everyLayerKindGivesTensorFlowsOutputs(KerasFileExpectations expected) {
        List<double[]> recorded = expected.outputs("x1");
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < recorded.size(); i++) {
            keys.add("output_" + i);
        }
        List<double[]> got = run(expected, "x1", keys).get(0);
        for (int i = 0; i < recorded.size(); i++) {
            Tolerance.assertAllClose(recorded.get(i), got.get(i), TOLERANCE, expected + " output_" + i);
        }
    }

    @Test
    void theBenchmarksKerasFileGivesItsExportsOutputAndStates() {
        // forecaster.expected.json holds the output of models/forecaster_keras3, the same model as model.export.
        KerasFileExpectations expected = KerasFileExpectations.readFixture("forecaster.keras");
        KerasFile file = KerasFile.read(expected.file());
        try (Graph graph = new Graph()) {
            KerasGraph built = KerasGraphBuilder.build(file, graph, 0);
            KerasGraph.LstmStates lstm = built.lstmLayers().get(0);
            List<double[]> got = runGraph(graph, built, expected.input("x1"),
                    List.of(built.outputs().get("output_0"), lstm.h(), lstm.c()));
            Tolerance.assertAllClose(expected.outputs("x1").get(0), got.get(0), TOLERANCE, "forecast");
            JsonNode states = expected.json().path("lstm_states").path("lstm");
            Tolerance.assertAllClose(KerasFileExpectations.flat(states.get("h")), got.get(1), TOLERANCE, "h");
            Tolerance.assertAllClose(KerasFileExpectations.flat(states.get("c")), got.get(2), TOLERANCE, "c");
        }
    }

    @Test
    void outputsAreNamedByPositionAndByTheirLayer() {
        KerasFile file = KerasFile.read(KerasFileExpectations.FIXTURES.resolve("functional_dag.keras"));
        try (Graph graph = new Graph()) {
            Map<String, String> outputs = KerasGraphBuilder.build(file, graph, 0).outputs();
            assertEquals(List.of("output_0", "output_1", "output_2", "forecast", "steps_out", "aux"),
                    List.copyOf(outputs.keySet()));
            assertEquals(outputs.get("output_1"), outputs.get("steps_out"));
        }
    }

    @Test
    void float64FilesBuildFloat64Graphs() {
        KerasFile file = KerasFile.read(KerasFileExpectations.FIXTURES.resolve("float64_lstm.keras"));
        try (Graph graph = new Graph()) {
            assertTrue(KerasGraphBuilder.build(file, graph, 0).float64());
        }
        KerasFile float32 = KerasFile.read(KerasFileExpectations.FIXTURES.resolve("stacked_lstm.keras"));
        try (Graph graph = new Graph()) {
            assertFalse(KerasGraphBuilder.build(float32, graph, 0).float64());
        }
    }

    /** Builds the file and runs its graph on input {@code key}, fetching outputs by key. */
    private static List<List<double[]>> run(KerasFileExpectations expected, String key, List<String> outputKeys) {
        KerasFile file = KerasFile.read(expected.file());
        try (Graph graph = new Graph()) {
            KerasGraph built = KerasGraphBuilder.build(file, graph, 0);
            List<String> fetches = outputKeys.stream().map(k -> built.outputs().get(k)).toList();
            return List.of(runGraph(graph, built, expected.input(key), fetches));
        }
    }

    static List<double[]> runGraph(Graph graph, KerasGraph built, double[][][] windows, List<String> fetches) {
        ElementType type = built.float64() ? ElementType.FLOAT64 : ElementType.FLOAT32;
        double[] flat = Arrays.stream(windows).flatMap(Arrays::stream).flatMapToDouble(Arrays::stream).toArray();
        Shape shape = Shape.of(windows.length, windows[0].length, windows[0][0].length);
        try (Session session = new Session(graph);
             Tensor input = FloatTensors.of(type, shape, flat)) {
            Session.Runner runner = session.runner().feed(built.inputTensor(), input);
            fetches.forEach(runner::fetch);
            try (Result result = runner.run()) {
                List<double[]> values = new ArrayList<>();
                for (int i = 0; i < fetches.size(); i++) {
                    values.add(FloatTensors.values(result.get(i)));
                }
                return values;
            }
        }
    }
}
