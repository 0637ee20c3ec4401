package io.lstmspark.testing;

import java.nio.file.Path;

/**
 * The real public Keras models, under the folder the build names in the system property
 * {@code lstmspark.shared.models}: each a folder with its saved_model/ and the outputs TensorFlow recorded for it.
 */
public final class SharedModels {

    private static final String PROPERTY = "lstmspark.shared.models";

    private SharedModels() {
    }

    /** The folder of all the models, from the system property {@code lstmspark.shared.models}. */
    public static Path folder() {
        String folder = System.getProperty(PROPERTY);
        if (folder == null) {
            throw new IllegalStateException("system property " + PROPERTY
                    + " is not set; the Maven build (surefire/failsafe) sets it to the folder of the shared models");
        }
        return Path.of(folder);
    }

    /** The folder of the model {@code name}. */
    public static Path folder(String name) {
        return folder().resolve(name);
    }

    /** The SavedModel of the model {@code name}: its folder's saved_model/. */
    public static Path savedModel(String name) {
        return folder(name).resolve("saved_model");
    }
}
