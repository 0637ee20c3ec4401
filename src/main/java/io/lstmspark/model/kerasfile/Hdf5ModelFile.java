package io.lstmspark.model.kerasfile;

import io.jhdf.HdfFile;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Keras model in one HDF5 file (Keras 2's model.save('x.h5'), Keras 3's legacy save): the
 * {@code model_config} attribute and the {@code model_weights} group, one group per layer.
 */
final class Hdf5ModelFile {

    private Hdf5ModelFile() {
    }

    /** Reads the file's config and weights; refuses a file with weights only, or weights behind a link. */
    static KerasFile read(Path path) {
        try (HdfFile hdf = new HdfFile(path)) {
            Object modelConfig = Hdf5Nodes.attribute(hdf, "model_config");
            if (modelConfig == null) {
                throw new KerasFileException(path + " is an HDF5 file without a model_config attribute: it holds "
                        + "weights only (model.save_weights) or is not a Keras model; save the whole model with "
                        + "model.save(path) or model.export(dir)");
            }
            KerasModelConfig config = KerasModelConfig.parse(
                    KerasFile.parse(modelConfig.toString(), path + " model_config"), path.toString());
            String version = Hdf5Nodes.text(Hdf5Nodes.attribute(hdf, "keras_version"), "unknown");
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
        for (String layer : Hdf5Nodes.stringList(modelWeights, "layer_names")) {
            Node node = Hdf5Nodes.child(modelWeights, layer, path);
            if (!(node instanceof Group layerGroup)) {
                throw new KerasFileException(path + ": model_weights lists layer '" + layer + "' but has no group for"
                        + " it");
            }
            List<KerasWeight> weights = new ArrayList<>();
            for (String weightName : Hdf5Nodes.stringList(layerGroup, "weight_names")) {
                Node dataset = layerGroup;
                for (String part : weightName.split("/")) {
                    dataset = dataset instanceof Group group ? Hdf5Nodes.child(group, part, path) : null;
                }
                if (!(dataset instanceof Dataset d)) {
                    throw new KerasFileException(path + ": layer '" + layer + "' lists weight '" + weightName
                            + "' but model_weights/" + layer + " has no such dataset");
                }
                weights.add(Hdf5Nodes.weight(d, "model_weights/" + layer + "/" + weightName));
            }
            byLayer.put(layer, weights);
        }
        return byLayer;
    }
}
