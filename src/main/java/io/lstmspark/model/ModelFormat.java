package io.lstmspark.model;

import io.lstmspark.model.kerasfile.KerasFileFormat;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** How a model is stored on disk. */
public enum ModelFormat {
    /** A SavedModel directory (saved_model.pb + variables/), TF1 or TF2. */
    SAVED_MODEL,
    /** A frozen GraphDef file: constants instead of variables, tensors addressed by name. */
    FROZEN_GRAPH,
    /** A Keras HDF5 file (model.save('x.h5'), Keras 2 or 3): lstm-spark builds the model from its config. */
    KERAS_HDF5,
    /** A .keras zip (Keras 3, Keras 2.13-2.15): lstm-spark builds the model from its config. */
    KERAS_ZIP;

    /** A single Keras file, whose model lstm-spark builds as TensorFlow ops itself. */
    public boolean isKerasFile() {
        return this == KERAS_HDF5 || this == KERAS_ZIP;
    }

    /** Tells the format from what lies at {@code path}; fails with the path when it is neither. */
    public static ModelFormat detect(Path path) {
        if (Files.isDirectory(path)) {
            if (Files.isRegularFile(path.resolve("saved_model.pb"))) {
                return SAVED_MODEL;
            }
            throw new ModelException("model.path " + path + " is a directory without saved_model.pb: "
                    + "point model.path at a SavedModel directory, a Keras .h5 or .keras file, or a frozen GraphDef "
                    + ".pb file");
        }
        if (Files.isRegularFile(path)) {
            // By content: Keras files named .keras that are HDF5 (and the reverse) exist.
            Optional<KerasFileFormat> keras = KerasFileFormat.detect(path);
            if (keras.isPresent()) {
                return keras.get() == KerasFileFormat.HDF5 ? KERAS_HDF5 : KERAS_ZIP;
            }
            if (!startsLikeGraphDef(path)) {
                throw notAModel(path);
            }
            return FROZEN_GRAPH;
        }
        throw new ModelException("model.path " + path + " does not exist (resolved against "
                + Path.of("").toAbsolutePath() + ")");
    }

    /**
     * Whether the file's first byte is the tag of a GraphDef field (node, library, version or versions),
     * as protobuf writes them in field order: text and other files fail here, before any parse.
     */
    private static boolean startsLikeGraphDef(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            int first = in.read();
            return first == 0x0a || first == 0x12 || first == 0x18 || first == 0x22;
        } catch (IOException e) {
            throw new ModelException("cannot read model.path " + file + ": " + e.getMessage(), e);
        }
    }

    static ModelException notAModel(Path path) {
        return new ModelException("not a model file: " + path + " (expected a SavedModel directory, a Keras .h5"
                + " or .keras file, or a frozen GraphDef .pb)");
    }
}
