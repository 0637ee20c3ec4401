package io.lstmspark.inspect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lstmspark.LstmSparkException;
import io.lstmspark.model.LoadedModel;
import io.lstmspark.sample.LstmWeights;
import io.lstmspark.sample.SampleModel;
import io.lstmspark.testing.CommandRun;
import io.lstmspark.testing.SharedModels;
import io.lstmspark.testing.TestModels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.proto.MetaGraphDef;
import org.tensorflow.proto.SavedModel;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.proto.TensorInfo;

/**
 * {@code lstm-spark inspect}: what a model exposes, as text for people and JSON for machines: from its
 * files, and, loaded, its Keras LSTM layers and the self-check of their state taps.
 */
class InspectCommandTest {

    private static final Path SHARED = SharedModels.folder();
    private static final Path FIXTURES = Path.of("src/test/resources/fixtures");

    @TempDir
    Path dir;

    private static CommandRun inspect(Object... args) {
        Object[] all = new Object[args.length + 1];
        all[0] = "inspect";
        System.arraycopy(args, 0, all, 1, args.length);
        return CommandRun.of(all);
    }

    private static JsonNode json(Object... args) throws Exception {
        CommandRun outcome = inspect(args);
        assertEquals(0, outcome.exitCode(), outcome.err());
        return new ObjectMapper().readTree(outcome.out());
    }

    private static void assertMentions(String text, String... parts) {
        for (String part : parts) {
            assertTrue(text.contains(part), "'" + part + "' in:\n" + text);
        }
    }

    @Test
    void textShowsTheSignatureAndBothKerasLayersOfAStackedLstmWithTheirTapOutputsAndAPassedSelfCheck() {
        CommandRun outcome = inspect(SHARED.resolve("brent_stacked_lstm/saved_model"));
        assertEquals(0, outcome.exitCode(), outcome.err());
        assertMentions(outcome.out(), "[[serve]]", "serving_default",
                "input  input_8   serving_default_input_8:0  float32 [-1, 3, 1]",
                "output dense_23  StatefulPartitionedCall:0  float32 [-1, 1]",
                "read from: keras_metadata.pb",
                "lstm_7 (lstm:0): 64 units, 1 input feature per step, return_sequences true, use_bias true",
                "lstm_8 (lstm:1): 64 units, 64 input features per step, return_sequences false, use_bias true",
                "activation            tanh (keras_metadata.pb, layer 'lstm_8')",
                "recurrent_activation  sigmoid (keras_metadata.pb, layer 'lstm_8')",
                "h = \"lstm:lstm_8.h\", c = \"lstm:lstm_8.c\"",
                "sequence = \"lstm:lstm_7.sequence\", cell_sequence = \"lstm:lstm_7.cell_sequence\"",
                "dense_21 (dense, relu) -> dropout_1 (identity) -> dense_22 (dense, relu) -> dense_23 (dense, linear)",
                "Self-check of the taps (random windows [3, 1]): passed", "output 'dense_23'");
        assertFalse(outcome.out().contains("found from their weights"),
                "the Keras layers are the one listing:\n" + outcome.out());
        assertFalse(outcome.out().contains("Adam"), "optimizer slots are not layers:\n" + outcome.out());
    }

    @Test
    void jsonGivesTheKerasLayersWithTheirSourcesTapOutputsAndTheSelfCheck() throws Exception {
        JsonNode taps = json(SHARED.resolve("brent_stacked_lstm/saved_model"), "--json").get("state_taps");
        assertEquals("discovered", taps.get("status").asText());
        assertEquals("serving_default", taps.get("signature").asText());
        JsonNode second = taps.get("layers").get(1);
        assertEquals("lstm_8", second.get("name").asText());
        assertEquals(1, second.get("position").asInt());
        assertEquals(64, second.get("units").asInt());
        assertEquals(64, second.get("features").asInt());
        assertEquals("tanh", second.get("activation").asText());
        assertEquals("sigmoid", second.get("recurrent_activation").asText());
        assertFalse(second.get("return_sequences").asBoolean());
        assertTrue(taps.get("layers").get(0).get("return_sequences").asBoolean());
        assertTrue(second.get("use_bias").asBoolean());
        assertTrue(second.get("sources").get("activation").asText().contains("keras_metadata.pb"));
        assertEquals("lstm:lstm_8.h", second.get("outputs").get("h").asText());
        assertEquals("lstm:lstm_8.cell_sequence", second.get("outputs").get("cell_sequence").asText());
        assertEquals("dense_23", taps.get("head").get(3).get("name").asText());
        JsonNode check = taps.get("self_check");
        assertEquals("passed", check.get("status").asText(), check.toString());
        assertEquals(3, check.get("window_length").asInt());
        assertEquals(1, check.get("features").asInt());
        assertTrue(check.get("max_difference").asDouble() <= 1e-4, check.toString());
    }

    @Test
    void keras3ExportsActivationIsReadFromTheFunctionBodyAndTheSelfCheckPasses() {
        CommandRun outcome = inspect(SHARED.resolve("forecaster_keras3/saved_model"));
        assertEquals(0, outcome.exitCode(), outcome.err());
        assertMentions(outcome.out(), "read from: no saved layer configuration (Keras 3 export)",
                "lstm (lstm:0): 64 units, 8 input features per step, return_sequences not recorded",
                "activation            tanh (function body ", "h = \"lstm:lstm.h\"",
                "Self-check of the taps (random windows [48, 8]): passed");
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
        assertEquals("serve_keras_tensor:0",
                model.get("signatures").get(0).get("inputs").get(0).get("tensor").asText());
        JsonNode taps = model.get("state_taps");
        assertEquals(1, taps.get("layers").size(), "Keras 3's duplicate variable handles are one layer");
        JsonNode lstm = taps.get("layers").get(0);
        assertEquals("lstm", lstm.get("name").asText());
        assertEquals(64, lstm.get("units").asInt());
        assertEquals(8, lstm.get("features").asInt());
        assertEquals("tanh", lstm.get("activation").asText());
        assertTrue(lstm.get("sources").get("activation").asText().startsWith("tanh (function body"), lstm.toString());
        assertTrue(lstm.get("return_sequences").isNull(), "Keras 3 exports do not record return_sequences");
        assertEquals("passed", taps.get("self_check").get("status").asText());
        assertFalse(model.has("lstm_layers"), "the Keras layers are the one listing");
        assertFalse(model.has("ops"), "operations only with --ops");
    }

    @Test
    void aGruIsNamedAsNotAnLstmAndNothingIsChecked() throws Exception {
        Path gru = Path.of("src/test/resources/keras3-fixtures/gru/saved_model");
        CommandRun outcome = inspect(gru);
        assertEquals(0, outcome.exitCode(), outcome.err());
        assertMentions(outcome.out(), "Keras LSTM layers", "  none",
                "gru  GRU (inferred from weight shapes [3, 12], [4, 12]): not an LSTM, state taps refuse it",
                "Self-check of the taps: not checked");
        JsonNode taps = json(gru, "--json").get("state_taps");
        assertEquals(0, taps.get("layers").size());
        assertEquals("gru", taps.get("other_recurrent_layers").get(0).get("name").asText());
        assertTrue(taps.get("other_recurrent_layers").get(0).get("kind").asText().startsWith("GRU"));
        assertEquals("not_checked", taps.get("self_check").get("status").asText());
    }

    @Test
    void filesOnlyDoesNotLoadTheModelAndListsLstmLayersFromTheirWeights() throws Exception {
        Path brent = SHARED.resolve("brent_stacked_lstm/saved_model");
        CommandRun outcome = inspect(brent, "--files-only");
        assertEquals(0, outcome.exitCode(), outcome.err());
        assertMentions(outcome.out(), "not looked for (--files-only: the model was not loaded)",
                "lstm_7/lstm_cell: 64 units, input size 1", "lstm_8/lstm_cell: 64 units, input size 64");
        assertFalse(outcome.out().contains("Self-check"), outcome.out());
        JsonNode model = json(brent, "--files-only", "--json");
        assertEquals("skipped", model.get("state_taps").get("status").asText());
        assertEquals(2, model.get("lstm_layers").size());
    }

    @Test
    void aModelWhoseInputDeclaresNoWindowLengthIsCheckedWithWindowLength() throws Exception {
        Path model = withOpenWindowLength(SHARED.resolve("msft_close_lstm/saved_model"), "input_6");
        CommandRun outcome = inspect(model);
        assertEquals(0, outcome.exitCode(), outcome.err());
        assertMentions(outcome.out(), "[-1, -1, 1]", "Self-check of the taps: not checked",
                "declares shape [-1, -1, 1], no window length: pass --window-length N");
        JsonNode check = json(model, "--window-length", "5", "--json").get("state_taps").get("self_check");
        assertEquals("passed", check.get("status").asText(), check.toString());
        assertEquals(5, check.get("window_length").asInt());
    }

    @Test
    void unknownSignatureListsTheModelsSignatures() {
        CommandRun outcome = inspect(SHARED.resolve("msft_close_lstm/saved_model"), "--signature", "predict");
        assertEquals(LstmSparkException.EXIT_CODE, outcome.exitCode());
        assertMentions(outcome.err(), "no signature 'predict'", "[serving_default]", "--signature");
    }

    @Test
    void modelWithAWriteFileOpIsNotLoadedAndTheOpIsNamed() throws Exception {
        Path model = TestModels.writesFile(dir);
        CommandRun outcome = inspect(model);
        assertEquals(0, outcome.exitCode(), outcome.err());
        assertMentions(outcome.out(), "State taps (lstm:<layer>.<part> outputs): not looked for:",
                "inspect did not load it", "WriteFile (not known to compute only) at graph node 'exfiltrate'",
                "LSTM layers found from their weights");
        JsonNode taps = json(model, "--json").get("state_taps");
        assertEquals("not_loaded", taps.get("status").asText());
        assertEquals("WriteFile", taps.get("risky_ops").get(0).get("op").asText());
        assertEquals("exfiltrate", taps.get("risky_ops").get(0).get("node").asText());
        assertFalse(Files.exists(dir.resolve("leak")), "the model did not run");
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
        assertEquals("not_available", model.get("state_taps").get("status").asText());
        assertTrue(model.get("state_taps").get("reason").asText().contains("frozen GraphDef"));
    }

    @Test
    void tf1LstmCellAndTheWhileLoopsExitStatesAreFound() {
        CommandRun outcome = inspect(FIXTURES.resolve("tf1_while_lstm/saved_model"), "--ops", "while/Exit");
        assertEquals(0, outcome.exitCode(), outcome.err());
        assertMentions(outcome.out(), "State taps (lstm:<layer>.<part> outputs): not available:",
                "no variables restored through a TF2 object graph",
                "rnn/lstm_cell: 4 units, input size 2, TF1 LSTMCell layout",
                "rnn/while/Exit_1:0  float32 [-1, 4]", "rnn/while/Exit_2:0  float32 [-1, 4]",
                "Top-level operations matching 'while/Exit'", ": 3");
    }

    @Test
    void everyMetaGraphsTagSetIsListedAndTagsChoosesTheOneShown() {
        Path model = FIXTURES.resolve("tf1_while_lstm/saved_model");
        assertMentions(inspect(model).out(), "Meta graph tag sets: [[serve], [train]]; shown: [serve]",
                "serving_default");
        CommandRun train = inspect(model, "--tags", "train");
        assertEquals(0, train.exitCode(), train.err());
        assertMentions(train.out(), "shown: [train]", "Signatures: none", "rnn/lstm_cell: 4 units");
    }

    /**
     * A copy of a SavedModel whose signature declares its input [?, ?, F]: the graph is unchanged, only
     * the length the signature announces is left open, as models saved with Input((None, F)) do.
     */
    private Path withOpenWindowLength(Path savedModel, String inputKey) throws IOException {
        Path copy = dir.resolve("open-length");
        try (Stream<Path> files = Files.walk(savedModel)) {
            for (Path file : files.toList()) {
                Files.copy(file, copy.resolve(savedModel.relativize(file).toString()));
            }
        }
        SavedModel proto = LoadedModel.readSavedModelProto(copy);
        MetaGraphDef.Builder meta = proto.getMetaGraphs(0).toBuilder();
        SignatureDef.Builder signature = meta.getSignatureDefOrThrow("serving_default").toBuilder();
        TensorInfo.Builder input = signature.getInputsOrThrow(inputKey).toBuilder();
        input.getTensorShapeBuilder().getDimBuilder(1).setSize(-1);
        meta.putSignatureDef("serving_default", signature.putInputs(inputKey, input.build()).build());
        Files.write(copy.resolve("saved_model.pb"), proto.toBuilder().setMetaGraphs(0, meta).build().toByteArray());
        return copy;
    }

    @Test
    void missingModelIsAOneLineErrorNamingThePathThenWhereTheTraceWent() {
        CommandRun outcome = inspect(dir.resolve("absent"));
        assertEquals(LstmSparkException.EXIT_CODE, outcome.exitCode());
        List<String> lines = outcome.err().strip().lines().toList();
        assertEquals(2, lines.size(), outcome.err());
        assertMentions(lines.get(0), "lstm-spark: error: ", dir.resolve("absent").toString(), "does not exist");
        assertTrue(lines.get(1).startsWith("lstm-spark: the full trace is in ")
                || lines.get(1).equals("lstm-spark: run with --verbose for the full trace"), lines.get(1));
    }

    @Test
    void unknownTagSetListsTheModelsTagSets() {
        CommandRun outcome = inspect(SHARED.resolve("msft_close_lstm/saved_model"), "--tags", "train");
        assertEquals(LstmSparkException.EXIT_CODE, outcome.exitCode());
        assertMentions(outcome.err(), "no meta graph tagged [train]", "[[serve]]", "--tags");
    }
}
