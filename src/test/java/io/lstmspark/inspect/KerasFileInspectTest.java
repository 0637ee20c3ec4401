package io.lstmspark.inspect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lstmspark.LstmSparkException;
import io.lstmspark.testing.CommandRun;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code inspect} on Keras files: format, Keras version, layers, outputs and lstm: entries; refusals as errors. */
class KerasFileInspectTest {

    private static final Path SHARED = Path.of("src/test/resources/keras-files");
    private static final Path FIXTURES = Path.of("src/test/resources/keras-files-fixtures");

    private static CommandRun inspect(String... args) {
        Object[] all = new Object[args.length + 1];
        all[0] = "inspect";
        System.arraycopy(args, 0, all, 1, args.length);
        return CommandRun.of(all);
    }

    @Test
    void aKeras2Hdf5FileIsDescribedWithItsLayersAndLstmEntriesReadyToPaste() {
        CommandRun outcome = inspect(SHARED.resolve("tupizz__FIAP_Oil_prices_Predictor/lstm_model.h5").toString());
        assertEquals(0, outcome.exitCode(), outcome.err());
        String text = outcome.out();
        assertTrue(text.contains("format      Keras HDF5, written by Keras 2.15.0, Sequential 'sequential', float32"),
                text);
        assertTrue(text.contains("input       input_1 [?, 3, 1]  (window.length 3, 1 features per step)"), text);
        assertTrue(text.contains("lstm     LSTM        [64]  units=64 activation=tanh recurrent_activation=sigmoid"),
                text);
        assertTrue(text.contains("dense_1  Dense       [32]  units=32 activation=relu"), text);
        assertTrue(text.contains("lstm (lstm:0): units=64"), text);
        assertTrue(text.contains("outputs { y0 = output_0 }"), text);
        assertTrue(text.contains("outputs { lstm_h = \"lstm:lstm.h\", lstm_c = \"lstm:lstm.c\""), text);
    }

    @Test
    void jsonListsOutputsByPositionAndLayerNameAndWhetherStreamModeCarriesState() throws Exception {
        CommandRun outcome = inspect(FIXTURES.resolve("functional_dag.keras").toString(), "--json");
        assertEquals(0, outcome.exitCode(), outcome.err());
        JsonNode json = new ObjectMapper().readTree(outcome.out());
        assertEquals(".keras zip", json.path("format").asText());
        assertEquals("3.15.1", json.path("keras_version").asText());
        List<String> keys = new ArrayList<>();
        json.path("outputs").forEach(o -> keys.add(o.path("key").asText()));
        assertEquals(List.of("output_0", "output_1", "output_2", "forecast", "steps_out", "aux"), keys);
        assertEquals("[-1,3,1]", json.path("outputs").get(1).path("shape").toString());
        List<String> lstms = new ArrayList<>();
        json.path("lstm_layers").forEach(l -> lstms.add(l.path("layer").asText() + "=" + l.path("ref").asText()));
        assertEquals(List.of("enc_a=lstm:0", "enc_b=lstm:1", "skip=lstm:2", "decoder=lstm:3"), lstms);
        assertTrue(json.path("stream_mode").asText()
                        .startsWith("not possible: layers sum (Add), repeat (RepeatVector) see a window as a whole"),
                json.path("stream_mode").asText());
    }

    @Test
    void aFileTheJobWouldRefuseIsAnErrorWithTheSameMessage() {
        CommandRun outcome = inspect(FIXTURES.resolve("custom_layer.keras").toString());
        assertEquals(LstmSparkException.EXIT_CODE, outcome.exitCode());
        assertTrue(outcome.err().contains("'doubled' (Lambda)"), outcome.err());
    }
}
