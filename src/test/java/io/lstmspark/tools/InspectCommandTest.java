package io.lstmspark.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lstmspark.job.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code lstm-spark inspect}: what a model exposes, as text for people and JSON for machines. */
class InspectCommandTest {

    private static final Path SHARED = Path.of(System.getProperty("lstmspark.shared.models"));
    private static final Path FIXTURES = Path.of("src/test/resources/fixtures");

    @TempDir
    Path dir;

    private record Outcome(int exitCode, String out, String err) {
    }

    private static Outcome inspect(Object... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        List<String> all = new ArrayList<>(List.of("inspect"));
        for (Object arg : args) {
            all.add(arg.toString());
        }
        int exitCode = cli.execute(all.toArray(String[]::new));
        return new Outcome(exitCode, out.toString(), err.toString());
    }

    private static JsonNode json(Object... args) throws Exception {
        Outcome outcome = inspect(args);
        assertEquals(0, outcome.exitCode(), outcome.err());
        return new ObjectMapper().readTree(outcome.out());
    }

    private static void assertMentions(String text, String... parts) {
        for (String part : parts) {
            assertTrue(text.contains(part), "'" + part + "' in:\n" + text);
        }
    }

    @Test
    void textShowsTagsSignatureTensorsAndEachLstmLayerOfARealKerasModel() {
        Outcome outcome = inspect(SHARED.resolve("brent_stacked_lstm/saved_model"));
        assertEquals(0, outcome.exitCode(), outcome.err());
        assertMentions(outcome.out(), "[[serve]]", "serving_default",
                "input  input_8   serving_default_input_8:0  float32 [-1, 3, 1]",
                "output dense_23  StatefulPartitionedCall:0  float32 [-1, 1]",
                "lstm_7/lstm_cell: 64 units, input size 1", "lstm_8/lstm_cell: 64 units, input size 64");
        assertFalse(outcome.out().contains("Adam"), "optimizer slots are not layers:\n" + outcome.out());
    }

    @Test
    void jsonListsBothSignaturesAndTheLstmOfAKeras3Export() throws Exception {
        JsonNode model = json(SHARED.resolve("forecaster_keras3/saved_model"), "--json");
        assertEquals("saved_model", model.get("format").asText());
        assertEquals("[[\"serve\"]]", model.get("tag_sets").toString());
        assertEquals(2, model.get("signatures").size());
        for (JsonNode signature : model.get("signatures")) {
            JsonNode input = signature.get("inputs").get(0);
            assertEquals("keras_tensor", input.get("key").asText());
            assertEquals("[-1,48,8]", input.get("shape").toString());
            assertEquals("output_0", signature.get("outputs").get(0).get("key").asText());
        }
        assertEquals("serve_keras_tensor:0", model.get("signatures").get(0).get("inputs").get(0).get("tensor").asText());
        JsonNode lstm = model.get("lstm_layers").get(0);
        assertEquals(1, model.get("lstm_layers").size(), "Keras 3's duplicate variable handles are one layer");
        assertEquals(64, lstm.get("units").asInt());
        assertEquals(8, lstm.get("features").asInt());
        assertFalse(model.has("ops"), "operations only with --ops");
    }

    @Test
    void opsPatternGivesTheOpNOfEveryStepStateOfAFrozenGraph() throws Exception {
        Path frozen = dir.resolve("frozen.pb");
        SampleModel.exportFrozenGraph(LstmWeights.random(3, 7, 1), 10, frozen);
        JsonNode model = json(frozen, "--ops", "step_4/(h|c)$", "--json");

        assertEquals("frozen_graph", model.get("format").asText());
        assertEquals(0, model.get("signatures").size());
        assertEquals("sequences:0", model.get("placeholders").get(0).get("tensor").asText());
        assertEquals("[-1,10,3]", model.get("placeholders").get(0).get("shape").toString());
        JsonNode ops = model.get("ops");
        assertEquals(2, ops.size());
        assertEquals("lstm/step_4/c:0", ops.get(0).get("outputs").get(0).get("tensor").asText());
        assertEquals("lstm/step_4/h:0", ops.get(1).get("outputs").get(0).get("tensor").asText());
        assertEquals("[-1,7]", ops.get(1).get("outputs").get(0).get("shape").toString());
        assertEquals(7, model.get("lstm_layers").get(0).get("units").asInt());
    }

    @Test
    void tf1LstmCellAndTheWhileLoopsExitStatesAreFound() {
        Outcome outcome = inspect(FIXTURES.resolve("tf1_while_lstm/saved_model"), "--ops", "while/Exit");
        assertEquals(0, outcome.exitCode(), outcome.err());
        assertMentions(outcome.out(), "rnn/lstm_cell: 4 units, input size 2, TF1 LSTMCell layout",
                "rnn/while/Exit_1:0  float32 [-1, 4]", "rnn/while/Exit_2:0  float32 [-1, 4]",
                "Top-level operations matching 'while/Exit'", ": 3");
    }

    @Test
    void everyMetaGraphsTagSetIsListedAndTagsChoosesTheOneShown() {
        Path model = FIXTURES.resolve("tf1_while_lstm/saved_model");
        assertMentions(inspect(model).out(), "Meta graph tag sets: [[serve], [train]]; shown: [serve]",
                "serving_default");
        Outcome train = inspect(model, "--tags", "train");
        assertEquals(0, train.exitCode(), train.err());
        assertMentions(train.out(), "shown: [train]", "Signatures: none", "rnn/lstm_cell: 4 units");
    }

    @Test
    void missingModelIsAOneLineErrorNamingThePath() {
        Outcome outcome = inspect(dir.resolve("absent"));
        assertEquals(InspectCommand.USER_ERROR, outcome.exitCode());
        assertEquals(1, outcome.err().strip().lines().count(), outcome.err());
        assertMentions(outcome.err(), "lstm-spark: error: ", dir.resolve("absent").toString(), "does not exist");
    }

    @Test
    void unknownTagSetListsTheModelsTagSets() {
        Outcome outcome = inspect(SHARED.resolve("msft_close_lstm/saved_model"), "--tags", "train");
        assertEquals(InspectCommand.USER_ERROR, outcome.exitCode());
        assertMentions(outcome.err(), "no meta graph tagged [train]", "[[serve]]", "--tags");
    }
}
