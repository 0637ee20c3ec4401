package io.lstmspark.model.keras;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import com.google.protobuf.UnknownFieldSet;
import io.lstmspark.model.ModelException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.tensorflow.proto.SavedObjectGraphOuterClass.SavedObject;
import org.tensorflow.proto.SavedObjectGraphOuterClass.SavedObjectGraph;

/**
 * The Keras 2 configuration saved with a model, one JSON object per saved Keras object (the model,
 * its layers, their cells): from {@code keras_metadata.pb} (TF 2.4+), or from the object graph's
 * user-object metadata in saved_model.pb (TF 2.1–2.3). Keras 3 exports carry neither.
 */
final class KerasMetadata {

    static final String FILE = "keras_metadata.pb";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One saved Keras object: its node in the object graph, its identifier and its JSON. */
    record KerasObject(int node, String identifier, JsonNode json) {
        String className() {
            return json.path("class_name").asText("");
        }

        String name() {
            return json.path("name").asText(json.path("config").path("name").asText(""));
        }

        JsonNode config() {
            return json.path("config");
        }
    }

    private final List<KerasObject> objects;
    private final String source;

    private KerasMetadata(List<KerasObject> objects, String source) {
        this.objects = objects;
        this.source = source;
    }

    static KerasMetadata read(Path savedModelDir, SavedObjectGraph graph) {
        Path file = savedModelDir.resolve(FILE);
        if (Files.isRegularFile(file)) {
            return new KerasMetadata(fromFile(file, graph), FILE);
        }
        List<KerasObject> objects = new ArrayList<>();
        for (int node = 0; node < graph.getNodesCount(); node++) {
            SavedObject object = graph.getNodes(node);
            if (object.hasUserObject() && !object.getUserObject().getMetadata().isEmpty()) {
                objects.add(new KerasObject(node, object.getUserObject().getIdentifier(),
                        parse(object.getUserObject().getMetadata(), "saved_model.pb node " + node)));
            }
        }
        return new KerasMetadata(objects, "saved_model.pb object graph metadata");
    }

    /**
     * keras_metadata.pb: field 1 repeats one message per object with the node path (field 3, e.g.
     * {@code root.layer_with_weights-0}), the identifier (4) and the JSON (5). No Java class is published
     * for it, so it is read with protobuf's generic reader.
     */
    private static List<KerasObject> fromFile(Path file, SavedObjectGraph graph) {
        List<KerasObject> objects = new ArrayList<>();
        try {
            UnknownFieldSet metadata = UnknownFieldSet.parseFrom(Files.readAllBytes(file));
            for (ByteString entry : metadata.getField(1).getLengthDelimitedList()) {
                UnknownFieldSet object = UnknownFieldSet.parseFrom(entry);
                String path = text(object, 3);
                Optional<Integer> node = nodeAt(graph, path);
                if (node.isPresent()) {
                    objects.add(new KerasObject(node.get(), text(object, 4),
                            parse(text(object, 5), file + " " + path)));
                }
            }
        } catch (IOException e) {
            throw new ModelException("cannot read " + file + " (" + e.getMessage() + "): the Keras metadata of the "
                    + "model is damaged; copy the SavedModel directory again", e);
        }
        return objects;
    }

    private static String text(UnknownFieldSet message, int field) {
        List<ByteString> values = message.getField(field).getLengthDelimitedList();
        return values.isEmpty() ? "" : values.get(0).toStringUtf8();
    }

    /** The object graph node of a Keras node path ({@code root}, {@code root.layer-0.cell}, ...). */
    private static Optional<Integer> nodeAt(SavedObjectGraph graph, String path) {
        String[] parts = path.split("\\.");
        if (parts.length == 0 || !parts[0].equals("root")) {
            return Optional.empty();
        }
        Optional<Integer> node = Optional.of(0);
        for (int i = 1; i < parts.length && node.isPresent(); i++) {
            node = ModelVariables.child(graph, node.get(), parts[i]);
        }
        return node;
    }

    private static JsonNode parse(String json, String where) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new ModelException("the Keras metadata at " + where + " is not valid JSON (" + e.getMessage()
                    + "): the model's layer configuration cannot be read", e);
        }
    }

    boolean isEmpty() {
        return objects.isEmpty();
    }

    String source() {
        return source;
    }

    /** The model object (the object graph's root). */
    Optional<KerasObject> model() {
        return objects.stream().filter(o -> o.node() == 0).findFirst();
    }

    /** The saved object of the layer called {@code name}, a direct child of the model. */
    Optional<KerasObject> layer(String name, SavedObjectGraph graph) {
        return objects.stream()
                .filter(o -> o.name().equals(name) && o.node() != 0)
                .filter(o -> graph.getNodes(0).getChildrenList().stream().anyMatch(c -> c.getNodeId() == o.node()))
                .findFirst();
    }
}
