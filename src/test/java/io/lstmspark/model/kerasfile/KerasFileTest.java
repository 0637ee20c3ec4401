package io.lstmspark.model.kerasfile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Graph;

/** Keras files recognised by content, read in each layout, and refused with messages that name the fault. */
class KerasFileTest {

    private static final Path FIXTURES = KerasFileExpectations.FIXTURES;

    @Test
    void formatIsToldByContentNotByName(@TempDir Path dir) throws IOException {
        Path hdf5NamedKeras = Files.copy(FIXTURES.resolve("stacked_lstm.h5"), dir.resolve("model.keras"));
        Path zipNamedH5 = Files.copy(FIXTURES.resolve("stacked_lstm.keras"), dir.resolve("model.h5"));
        Path graphDef = Files.write(dir.resolve("frozen.pb"), new byte[] {10, 3, 'a', 'b', 'c'});
        assertEquals(Optional.of(KerasFileFormat.HDF5), KerasFileFormat.detect(hdf5NamedKeras));
        assertEquals(Optional.of(KerasFileFormat.KERAS_ZIP), KerasFileFormat.detect(zipNamedH5));
        assertEquals(Optional.empty(), KerasFileFormat.detect(graphDef));
        assertEquals(KerasFile.read(FIXTURES.resolve("stacked_lstm.h5")).weights().keySet(),
                KerasFile.read(hdf5NamedKeras).weights().keySet());
    }

    @Test
    void eachLayoutReadsTheWeightsOfTheLayersByTheirConfigNames() {
        // Keras 2 HDF5 (lstm_6/lstm_cell/kernel:0), Keras 2.15 zip and Keras 3 zip (layers/lstm_1/cell/vars/0).
        KerasFile keras2 = KerasFile.read(KerasFileExpectations.SHARED
                .resolve("Anany25__UCI_AirQuaity-Time-series-Analysis-/lstm_model.h5"));
        assertEquals("2.14.0", keras2.kerasVersion());
        assertEquals(List.of("model_weights/lstm_6/lstm_6/lstm_cell/kernel:0",
                        "model_weights/lstm_6/lstm_6/lstm_cell/recurrent_kernel:0",
                        "model_weights/lstm_6/lstm_6/lstm_cell/bias:0"),
                keras2.weightsOf("lstm_6").stream().map(KerasWeight::name).toList());
        KerasFile keras3 = KerasFile.read(KerasFileExpectations.SHARED
                .resolve("Makelek00__power_demand_forecast/lstm_model_relu.keras"));
        assertEquals(KerasFileFormat.KERAS_ZIP, keras3.format());
        assertEquals("3.9.2", keras3.kerasVersion());
        assertEquals(List.of("layers/lstm_1/cell/vars/0", "layers/lstm_1/cell/vars/1", "layers/lstm_1/cell/vars/2"),
                keras3.weightsOf("lstm_5").stream().map(KerasWeight::name).toList());
        assertTrue(keras3.weightsOf("lstm_5").get(1).hasShape(5, 20));
        KerasFile bidirectional = KerasFile.read(FIXTURES.resolve("bidirectional.keras"));
        assertEquals("layers/bidirectional_3/forward_layer/cell/vars/0",
                bidirectional.weightsOf("bi_ave").get(0).name());
        assertEquals("layers/bidirectional_3/backward_layer/cell/vars/0",
                bidirectional.weightsOf("bi_ave").get(3).name());
    }

    @Test
    void aLayerItCannotBuildIsRefusedByNameClassAndTheWayThrough() {
        KerasFile file = KerasFile.read(FIXTURES.resolve("custom_layer.keras"));
        String message;
        try (Graph graph = new Graph()) {
            message = assertThrows(KerasFileException.class,
                    () -> KerasGraphBuilder.build(file, graph, 0)).getMessage();
        }
        assertTrue(message.contains("custom_layer.keras"), message);
        assertTrue(message.contains("'doubled' (Lambda)"), message);
        assertTrue(message.contains("[InputLayer, LSTM, GRU, SimpleRNN, Bidirectional, Dense"), message);
        assertTrue(message.contains("model.export(dir)"), message);
    }

    @Test
    void nanWeightsAreRefusedNamingTheLayerAndTheWeight() {
        String message = assertThrows(KerasFileException.class,
                () -> KerasFile.read(FIXTURES.resolve("nan_weights.h5"))).getMessage();
        assertTrue(message.contains("nan_weights.h5"), message);
        assertTrue(message.contains("layer 'head' (Dense)"), message);
        assertTrue(message.contains("head/kernel"), message);
        assertTrue(message.contains("NaN at [1, 0] (1 of 3 values are not finite)"), message);
    }

    @Test
    void configAndWeightsThatDisagreeAreRefusedNamingBoth() {
        KerasFile file = KerasFile.read(FIXTURES.resolve("mismatch.keras"));
        String message;
        try (Graph graph = new Graph()) {
            message = assertThrows(KerasFileException.class,
                    () -> KerasGraphBuilder.build(file, graph, 0)).getMessage();
        }
        assertTrue(message.contains("layer 'lstm' (LSTM)"), message);
        assertTrue(message.contains("LSTM(units=7, use_bias=true) on 2 features, weights of shapes "
                + "[[2, 28], [7, 28], [28]]"), message);
        assertTrue(message.contains("layers/lstm/cell/vars/0 [2, 24]"), message);
    }

    @Test
    void aWeightThatLinksToAnotherFileIsRefusedWithoutOpeningIt() {
        String message = assertThrows(KerasFileException.class,
                () -> KerasFile.read(FIXTURES.resolve("linked_weights.h5"))).getMessage();
        assertTrue(message.contains("linked_weights.h5"), message);
        assertTrue(message.matches("(?s).*/model_weights/head/sequential_\\d+/head/kernel is a link to "
                + "/etc/other\\.h5:/data.*"), message);
        assertTrue(message.contains("follows no link out of a model file"), message);
    }

    @Test
    void aFileNamedH5ThatIsNoKerasFileIsRefused(@TempDir Path dir) throws IOException {
        Path text = Files.writeString(dir.resolve("notes.h5"), "not a model");
        String message = assertThrows(KerasFileException.class, () -> KerasFile.read(text)).getMessage();
        assertTrue(message.contains("notes.h5 is neither a Keras HDF5 file nor a .keras zip"), message);
    }
}
