package io.lstmspark.model.keras;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnknownFieldSet;
import io.lstmspark.model.LoadedModel;
import io.lstmspark.testing.SharedModels;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.proto.MetaGraphDef;
import org.tensorflow.proto.SavedModel;
import org.tensorflow.proto.SavedObjectGraphOuterClass.SavedObjectGraph;

/**
 * TF 2.1–2.3 saves have no keras_metadata.pb: the same JSON sits in the object graph's user-object
 * metadata. A TF 2.6 model rewritten to that layout gives the same layers, and its taps pass the self-check.
 */
class ObjectGraphMetadataTest {

    @TempDir
    Path dir;

    @Test
    void layerConfigIsReadFromTheObjectGraphWhenKerasMetadataIsAbsent() throws IOException {
        Path original = SharedModels.savedModel("msft_close_lstm");
        Path old = asTf23Layout(original, dir.resolve("tf23"));
        try (LoadedModel model = Taps.load(old); LoadedModel reference = Taps.load(original)) {
            KerasLstmLayers fromObjectGraph = KerasLstmLayers.discover(model);
            KerasLstmLayers fromMetadataFile = KerasLstmLayers.discover(reference);
            assertEquals("saved_model.pb object graph metadata", fromObjectGraph.configSource());
            assertEquals(KerasMetadata.FILE, fromMetadataFile.configSource());
            LstmLayer layer = fromObjectGraph.layers().get(0);
            LstmLayer expected = fromMetadataFile.layers().get(0);
            assertEquals(expected.name(), layer.name());
            assertEquals(expected.units(), layer.units());
            assertEquals(expected.activation(), layer.activation());
            assertEquals(expected.kernel(), layer.kernel());
            assertEquals(headFacts(fromMetadataFile), headFacts(fromObjectGraph));
            TapCheck check = Taps.run(model, new double[][][] {{{1}, {2}, {3}, {4}, {5}}}, "h=lstm:lstm_5.h")
                    .plan().check();
            assertEquals(TapCheck.Status.PASSED, check.status(), check.detail());
        }
    }

    private static java.util.List<String> headFacts(KerasLstmLayers layers) {
        return layers.head().orElseThrow().stream()
                .map(l -> l.name() + " " + l.kind() + " " + l.activation() + " " + l.kernel() + " " + l.bias())
                .toList();
    }

    /** Copies the SavedModel with every keras_metadata.pb entry moved into its node's user-object metadata. */
    private static Path asTf23Layout(Path from, Path to) throws IOException {
        SavedModel savedModel = SavedModel.parseFrom(Files.readAllBytes(from.resolve("saved_model.pb")));
        SavedObjectGraph.Builder objects = savedModel.getMetaGraphs(0).getObjectGraphDef().toBuilder();
        UnknownFieldSet metadata = UnknownFieldSet.parseFrom(Files.readAllBytes(from.resolve("keras_metadata.pb")));
        for (ByteString entry : metadata.getField(1).getLengthDelimitedList()) {
            UnknownFieldSet object = UnknownFieldSet.parseFrom(entry);
            // field 2: node id (0, the root, is left out as protobuf leaves out defaults); field 5: the JSON
            int node = object.getField(2).getVarintList().stream().findFirst().map(Long::intValue).orElse(0);
            String json = object.getField(5).getLengthDelimitedList().get(0).toStringUtf8();
            objects.getNodesBuilder(node).getUserObjectBuilder().setMetadata(json);
        }
        MetaGraphDef meta = savedModel.getMetaGraphs(0).toBuilder().setObjectGraphDef(objects).build();
        Files.createDirectories(to.resolve("variables"));
        try (OutputStream out = Files.newOutputStream(to.resolve("saved_model.pb"))) {
            savedModel.toBuilder().setMetaGraphs(0, meta).build().writeTo(out);
        }
        try (Stream<Path> files = Files.list(from.resolve("variables"))) {
            for (Path file : files.toList()) {
                Files.copy(file, to.resolve("variables").resolve(file.getFileName()));
            }
        }
        assertFalse(Files.exists(to.resolve(KerasMetadata.FILE)));
        return to;
    }
}
