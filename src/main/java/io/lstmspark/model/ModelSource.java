package io.lstmspark.model;

import java.io.Serializable;
import java.nio.file.Path;
import java.util.List;

/**
 * Where a model is and how to open it. The path is kept as given: on a cluster a relative path
 * resolves against each executor's working directory (where {@code --archives} unpacks models).
 *
 * @param path model directory (SavedModel) or file (frozen GraphDef)
 * @param tags SavedModel tag set to load, usually {@code serve}
 */
public record ModelSource(String path, List<String> tags) implements Serializable {
    public ModelSource {
        tags = List.copyOf(tags);
    }

    public Path localPath() {
        return Path.of(path);
    }

    public ModelFormat format() {
        return ModelFormat.detect(localPath());
    }
}
