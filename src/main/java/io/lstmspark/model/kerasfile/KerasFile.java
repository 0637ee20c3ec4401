package io.lstmspark.model.kerasfile;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jhdf.HdfFile;
import io.jhdf.api.Attribute;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import io.jhdf.exceptions.HdfException;
import java.io.IOException;
import java.io.InputStream;
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
 * A whole Keras model saved as one file: its layer config and each layer's weights, read from any of
 * the layouts Keras writes:
 * <ul>
 *   <li>HDF5 by Keras 2 (TF 2.0-2.15): {@code model_config} attribute; {@code model_weights/<layer>} groups
 *       list their datasets in a {@code weight_names} attribute ({@code lstm_2/lstm_cell_6/kernel:0}: names
 *       that need not follow the layer's);</li>
 *   <li>HDF5 by Keras 3 (legacy save): the same, names without {@code :0} and with the model's name first;</li>
 *   <li>.keras zips by Keras 3 and Keras 2.13-2.15: config.json, and model.weights.h5 with weights under
 *       generic paths by class and order ({@code layers/lstm_1/cell/vars/0}), whatever the layers are named.</li>
 * </ul>
 * Weights that hold NaN or infinity are refused here, naming the layer and the weight.
 */
public record KerasFile(Path path, KerasFileFormat format, String kerasVersion, KerasModelConfig config,
                        Map<String, List<KerasWeight>> weights) {

    static final String ZIP_CONFIG = "config.json";
    private static final String ZIP_METADATA = "metadata.json";
    private static final String ZIP_WEIGHTS = "model.weights.h5";
    private static final ObjectMapper JSON = new ObjectMapper();

    public KerasFile {
        weights = Map.copyOf(weights);
    }

    /** Reads the file at {@code path}, which {@link KerasFileFormat#detect} recognised. */
    public static KerasFile read(Path path) {
        KerasFileFormat format = KerasFileFormat.detect(path).orElseThrow(() -> new KerasFileException(
                path + " is neither a Keras HDF5 file nor a .keras zip"));
        try {
            KerasFile file = format == KerasFileFormat.HDF5 ? readHdf5(path) : readZip(path);
            file.checkFinite();
            return file;
        } catch (HdfException e) {
            throw new KerasFileException("cannot read Keras file " + path + " (" + format.label() + "): "
                    + e.getMessage(), e);
        } catch (IOException e) {
            throw new KerasFileException("cannot read Keras file " + path + " (" + format.label() + "): " + e, e);
        }
    }

    /** The major Keras version that wrote the file (2 or 3); 2 when the file does not say. */
    public int kerasMajor() {
        try {
            return Integer.parseInt(kerasVersion.split("\\.")[0]);
        } catch (NumberFormatException e) {
            return 2;
        }
    }

    /** The weights of {@code layer} in the order Keras lists them (kernel, recurrent kernel, bias, ...). */
    public List<KerasWeight> weightsOf(String layer) {
        return weights.getOrDefault(layer, List.of());
    }

    private static KerasFile readHdf5(Path path) {
        try (HdfFile hdf = new HdfFile(path)) {
            Object modelConfig = attribute(hdf, "model_config");
            if (modelConfig == null) {
                throw new KerasFileException(path + " is an HDF5 file without a model_config attribute: it holds "
                        + "weights only (model.save_weights) or is not a Keras model; save the whole model with "
                        + "model.save(path) or model.export(dir)");
            }
            KerasModelConfig config = KerasModelConfig.parse(parse(modelConfig.toString(), path + " model_config"),
                    path.toString());
            String version = text(attribute(hdf, "keras_version"), "unknown");
            Node weightsNode = hdf.getChildren().get("model_weights");
            if (!(weightsNode instanceof Group group)) {
                throw new KerasFileException(path + " has a model_config but no model_weights group: the file holds "
                        + "no weights");
            }
            return new KerasFile(path, KerasFileFormat.HDF5, version, config, layerWeights(group, path));
        }
    }

    /** model_weights: one group per layer ({@code layer_names}), its datasets listed in {@code weight_names}. */
    private static Map<String, List<KerasWeight>> layerWeights(Group modelWeights, Path path) {
        Map<String, List<KerasWeight>> byLayer = new LinkedHashMap<>();
        for (String layer : stringList(modelWeights, "layer_names")) {
            Node node = child(modelWeights, layer, path);
            if (!(node instanceof Group layerGroup)) {
                throw new KerasFileException(path + ": model_weights lists layer '" + layer + "' but has no group for"
                        + " it");
            }
            List<KerasWeight> weights = new ArrayList<>();
            for (String weightName : stringList(layerGroup, "weight_names")) {
                Node dataset = layerGroup;
                for (String part : weightName.split("/")) {
                    dataset = dataset instanceof Group group ? child(group, part, path) : null;
                }
                if (!(dataset instanceof Dataset d)) {
                    throw new KerasFileException(path + ": layer '" + layer + "' lists weight '" + weightName
                            + "' but model_weights/" + layer + " has no such dataset");
                }
                weights.add(weight(d, "model_weights/" + layer + "/" + weightName));
            }
            byLayer.put(layer, weights);
        }
        return byLayer;
    }

    /**
     * A member of a group, refusing links: an external link would make the job open another file on the
     * machine, and Keras never writes links.
     */
    private static Node child(Group group, String name, Path path) {
        Node node = group.getChildren().get(name);
        if (node != null && node.isLink()) {
            throw new KerasFileException(path + ": " + group.getPath() + name + " is a link to "
                    + ((io.jhdf.api.Link) node).getTargetPath() + "; Keras files hold their weights themselves, and "
                    + "lstm-spark follows no link out of a model file");
        }
        return node;
    }

    private static KerasFile readZip(Path path) throws IOException {
        try (ZipFile zip = new ZipFile(path.toFile())) {
            KerasModelConfig config = KerasModelConfig.parse(parse(new String(entry(zip, ZIP_CONFIG, path),
                    java.nio.charset.StandardCharsets.UTF_8), path + "!" + ZIP_CONFIG), path + "!" + ZIP_CONFIG);
            String version = "unknown";
            if (zip.getEntry(ZIP_METADATA) != null) {
                version = parse(new String(entry(zip, ZIP_METADATA, path), java.nio.charset.StandardCharsets.UTF_8),
                        path + "!" + ZIP_METADATA).path("keras_version").asText("unknown");
            }
            Map<String, List<KerasWeight>> weights;
            if (zip.getEntry(ZIP_WEIGHTS) == null) {
                throw new KerasFileException(path + " is a .keras zip without " + ZIP_WEIGHTS
                        + ": it holds no weights");
            }
            try (HdfFile hdf = HdfFile.fromBytes(entry(zip, ZIP_WEIGHTS, path))) {
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
            if (layersNode instanceof Group layers && child(layers, key, path) instanceof Group group) {
                collectVars(group, "layers/" + key, weights, path);
            }
            byLayer.put(layer.name(), weights);
        }
        return byLayer;
    }

    /** A group's own vars in index order, then its sub-objects' (forward before backward). */
    private static void collectVars(Group group, String where, List<KerasWeight> into, Path path) {
        group.getChildren().keySet().forEach(name -> child(group, name, path));
        if (group.getChildren().get("vars") instanceof Group vars) {
            vars.getChildren().keySet().forEach(name -> child(vars, name, path));
            List<Dataset> datasets = vars.getChildren().values().stream()
                    .filter(Dataset.class::isInstance).map(Dataset.class::cast)
                    .sorted(Comparator.comparingInt(d -> Integer.parseInt(d.getName())))
                    .toList();
            for (Dataset dataset : datasets) {
                into.add(weight(dataset, where + "/vars/" + dataset.getName()));
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

    private static KerasWeight weight(Dataset dataset, String name) {
        Class<?> type = dataset.getJavaType();
        long[] shape = dataset.getDimensionsAsLong();
        Object flat = dataset.isScalar() ? dataset.getData() : dataset.getDataFlat();
        double[] values;
        if (type == float.class || type == Float.class) {
            float[] floats = flat instanceof float[] f ? f : new float[] {(Float) flat};
            values = new double[floats.length];
            for (int i = 0; i < floats.length; i++) {
                values[i] = floats[i];
            }
            return new KerasWeight(name, shape, values, false);
        }
        if (type == double.class || type == Double.class) {
            values = flat instanceof double[] d ? d.clone() : new double[] {(Double) flat};
            return new KerasWeight(name, shape, values, true);
        }
        throw new KerasFileException("weight " + name + " is " + type.getSimpleName() + "; lstm-spark builds models"
                + " with float32 or float64 weights (a float16 or mixed-precision model: cast it to float32 and "
                + "save it again)");
    }

    private void checkFinite() {
        for (KerasLayer layer : config.layers()) {
            for (KerasWeight weight : weightsOf(layer.name())) {
                String bad = weight.firstNonFinite();
                if (bad != null) {
                    throw new KerasFileException("Keras file " + path + ": layer " + layer.label() + " weight "
                            + weight.name() + " " + weight.shapeText() + " holds " + bad + ": every output would be "
                            + "NaN or infinite; the model was saved after training diverged, use a checkpoint from "
                            + "before that");
                }
            }
        }
    }

    private static Object attribute(Node node, String name) {
        Attribute attribute = node.getAttributes().get(name);
        return attribute == null ? null : attribute.getData();
    }

    private static String text(Object value, String otherwise) {
        return value == null ? otherwise : value.toString();
    }

    /** A string-list attribute, which Keras splits into {@code name0}, {@code name1}, ... when it is large. */
    private static List<String> stringList(Node node, String name) {
        List<String> values = new ArrayList<>();
        Object whole = attribute(node, name);
        if (whole != null) {
            addStrings(whole, values);
            return values;
        }
        for (int chunk = 0; attribute(node, name + chunk) != null; chunk++) {
            addStrings(attribute(node, name + chunk), values);
        }
        return values;
    }

    private static void addStrings(Object value, List<String> into) {
        if (value instanceof Object[] array) {
            for (Object element : array) {
                into.add(element.toString());
            }
        } else {
            into.add(value.toString());
        }
    }

    private static JsonNode parse(String json, String where) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new KerasFileException("cannot parse " + where + " as JSON: " + e.getMessage(), e);
        }
    }
}
