package io.lstmspark.model;

import java.io.Serializable;
import java.nio.file.Path;
import java.util.List;

/**
 * Where a model is and how to open it. The path is kept as given: on a cluster a relative path
 * resolves against each executor's working directory (where {@code --archives} unpacks models).
 *
 * @param path      model directory (SavedModel) or file (frozen GraphDef, Keras .h5 or .keras)
 * @param tags      SavedModel tag set to load, usually {@code serve}
 * @param openSteps for a Keras file whose input leaves the number of steps open: the steps per window to
 *                  build it for (window.length); 0 when not given
 */
public record ModelSource(String path, List<String> tags, int openSteps) implements Serializable {
    public ModelSource {
        tags = List.copyOf(tags);
    }

    public ModelSource(String path, List<String> tags) {
        this(path, tags, 0);
    }

    public Path localPath() {
        return Path.of(path);
    }

    public ModelFormat format() {
        return ModelFormat.detect(localPath());
    }
}
