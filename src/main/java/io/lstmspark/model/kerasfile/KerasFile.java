package io.lstmspark.model.kerasfile;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jhdf.exceptions.HdfException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

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

    private static final ObjectMapper JSON = new ObjectMapper();

    public KerasFile {
        weights = Map.copyOf(weights);
    }

    /** Reads the file at {@code path}, which {@link KerasFileFormat#detect} recognised. */
    public static KerasFile read(Path path) {
        KerasFileFormat format = KerasFileFormat.detect(path).orElseThrow(() -> new KerasFileException(
                path + " is neither a Keras HDF5 file nor a .keras zip"));
        try {
            KerasFile file = format == KerasFileFormat.HDF5 ? Hdf5ModelFile.read(path) : KerasZipFile.read(path);
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

    static JsonNode parse(String json, String where) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new KerasFileException("cannot parse " + where + " as JSON: " + e.getMessage(), e);
        }
    }
}
