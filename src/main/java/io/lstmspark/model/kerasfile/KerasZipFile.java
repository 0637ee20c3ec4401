package io.lstmspark.model.kerasfile;

import io.jhdf.HdfFile;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * A .keras zip (Keras 3, Keras 2.13-2.15): config.json, metadata.json, and model.weights.h5 with the
 * weights under generic paths by layer class and order.
 */
final class KerasZipFile {

    static final String CONFIG = "config.json";
    private static final String METADATA = "metadata.json";
    private static final String WEIGHTS = "model.weights.h5";

    private KerasZipFile() {
    }

    /** Reads the zip's config, Keras version and weights; refuses a zip without config or weights. */
    static KerasFile read(Path path) throws IOException {
        try (ZipFile zip = new ZipFile(path.toFile())) {
            KerasModelConfig config = KerasModelConfig.parse(KerasFile.parse(new String(entry(zip, CONFIG, path),
                    StandardCharsets.UTF_8), path + "!" + CONFIG), path + "!" + CONFIG);
            String version = "unknown";
            if (zip.getEntry(METADATA) != null) {
                version = KerasFile.parse(new String(entry(zip, METADATA, path), StandardCharsets.UTF_8),
                        path + "!" + METADATA).path("keras_version").asText("unknown");
            }
            Map<String, List<KerasWeight>> weights;
            if (zip.getEntry(WEIGHTS) == null) {
                throw new KerasFileException(path + " is a .keras zip without " + WEIGHTS
                        + ": it holds no weights");
            }
            try (HdfFile hdf = HdfFile.fromBytes(entry(zip, WEIGHTS, path))) {
                weights = genericWeights(hdf, config, path);
            }
            return new KerasFile(path, KerasFileFormat.KERAS_ZIP, version, config, weights);
        }
    }

    private static byte[] entry(ZipFile zip, String name, Path path) throws IOException {
        ZipEntry entry = zip.getEntry(name);
        if (entry == null) {
            throw new KerasFileException(path + " is a zip without " + name + ": not a .keras model file");
        }
        try (InputStream in = zip.getInputStream(entry)) {
            return in.readAllBytes();
        }
    }

    /**
     * model.weights.h5 of a .keras zip: Keras stores each layer of {@code model.layers} under
     * {@code layers/<class in snake case>}, numbered {@code _1}, {@code _2} for the second and third of a
     * class, whatever the layer's name; its variables in {@code vars/0, 1, ...}, a recurrent layer's in
     * {@code cell/vars}, a wrapper's in {@code forward_layer}, {@code backward_layer} or {@code layer}.
     */
    private static Map<String, List<KerasWeight>> genericWeights(HdfFile hdf, KerasModelConfig config, Path path) {
        Map<String, List<KerasWeight>> byLayer = new LinkedHashMap<>();
        Node layersNode = hdf.getChildren().get("layers");
        Map<String, Integer> used = new HashMap<>();
        for (KerasLayer layer : config.layers()) {
            if (layer.className().equals("InputLayer")) {
                continue;
            }
            String base = snakeCase(layer.className());
            int seen = used.merge(base, 1, Integer::sum) - 1;
            String key = seen == 0 ? base : base + "_" + seen;
            List<KerasWeight> weights = new ArrayList<>();
            if (layersNode instanceof Group layers && Hdf5Nodes.child(layers, key, path) instanceof Group group) {
                collectVars(group, "layers/" + key, weights, path);
            }
            byLayer.put(layer.name(), weights);
        }
        return byLayer;
    }

    /** A group's own vars in index order, then its sub-objects' (forward before backward). */
    private static void collectVars(Group group, String where, List<KerasWeight> into, Path path) {
        group.getChildren().keySet().forEach(name -> Hdf5Nodes.child(group, name, path));
        if (group.getChildren().get("vars") instanceof Group vars) {
            vars.getChildren().keySet().forEach(name -> Hdf5Nodes.child(vars, name, path));
            List<Dataset> datasets = vars.getChildren().values().stream()
                    .filter(Dataset.class::isInstance).map(Dataset.class::cast)
                    .sorted(Comparator.comparingInt(d -> Integer.parseInt(d.getName())))
                    .toList();
            for (Dataset dataset : datasets) {
                into.add(Hdf5Nodes.weight(dataset, where + "/vars/" + dataset.getName()));
            }
        }
        List<String> children = new ArrayList<>(group.getChildren().keySet());
        children.remove("vars");
        children.sort(Comparator.comparingInt((String name) -> switch (name) {
            case "forward_layer" -> 0;
            case "backward_layer" -> 1;
            default -> 2;
        }).thenComparing(Comparator.naturalOrder()));
        for (String child : children) {
            if (group.getChildren().get(child) instanceof Group sub) {
                collectVars(sub, where + "/" + child, into, path);
            }
        }
    }

    /** Keras' naming.to_snake_case: LSTM -> lstm, SimpleRNN -> simple_rnn, Conv1D -> conv1d. */
    static String snakeCase(String className) {
        String name = className.replaceAll("(.)([A-Z][a-z]+)", "$1_$2");
        return name.replaceAll("([a-z])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
    }

}
