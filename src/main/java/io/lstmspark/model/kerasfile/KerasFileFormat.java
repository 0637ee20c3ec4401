package io.lstmspark.model.kerasfile;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import java.util.zip.ZipFile;

/**
 * The two containers Keras saves a whole model in, told apart by content: users name HDF5 files
 * {@code .keras} and zips {@code .h5}, so the extension says nothing.
 */
public enum KerasFileFormat {
    /** {@code model.save('x.h5')}: HDF5 with a {@code model_config} attribute and {@code model_weights}. */
    HDF5("Keras HDF5"),
    /** {@code model.save('x.keras')}: a zip of config.json, metadata.json and model.weights.h5. */
    KERAS_ZIP(".keras zip");

    static final byte[] HDF5_SIGNATURE = {(byte) 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};
    private static final byte[] ZIP_SIGNATURE = {'P', 'K', 3, 4};

    private final String label;

    KerasFileFormat(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /** The format of {@code file} when it is a Keras file; empty for anything else (e.g. a GraphDef). */
    public static Optional<KerasFileFormat> detect(Path file) {
        byte[] head = new byte[8];
        int read;
        try (InputStream in = Files.newInputStream(file)) {
            read = in.readNBytes(head, 0, head.length);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        if (read == head.length && Arrays.equals(head, HDF5_SIGNATURE)) {
            return Optional.of(HDF5);
        }
        if (read >= ZIP_SIGNATURE.length && Arrays.equals(Arrays.copyOf(head, ZIP_SIGNATURE.length), ZIP_SIGNATURE)) {
            try (ZipFile zip = new ZipFile(file.toFile())) {
                return zip.getEntry(KerasZipFile.CONFIG) != null ? Optional.of(KERAS_ZIP) : Optional.empty();
            } catch (IOException e) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }
}
