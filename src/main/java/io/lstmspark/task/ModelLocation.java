package io.lstmspark.task;

import io.lstmspark.model.ModelException;
import io.lstmspark.model.ModelKey;
import io.lstmspark.model.ModelSource;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.SparkEnv;
import org.apache.spark.SparkFiles;

/**
 * Finds, in this JVM, the model that {@code model.path} names. The path travels to executors as given
 * and each JVM resolves it: as given when it exists (an absolute path on a file system every node
 * reads, or a relative path in the working directory, where executors find what {@code --archives}
 * unpacked), otherwise among the files Spark shipped to this JVM ({@link SparkFiles}: where the driver
 * finds {@code --archives model.zip#NAME}).
 */
public final class ModelLocation {

    private ModelLocation() {
    }

    public static ModelKey onThisJvm(ModelKey key) {
        ModelSource found = onThisJvm(key.source());
        return found == key.source() ? key : new ModelKey(found, key.threads(), key.fingerprint());
    }

    public static ModelSource onThisJvm(ModelSource source) {
        Path given = source.localPath();
        if (Files.exists(given)) {
            return source;
        }
        Path workingDirectory = Path.of("").toAbsolutePath();
        String where = "its working directory " + workingDirectory;
        if (!given.isAbsolute()) {
            Path shippedFiles = Path.of(SparkFiles.getRootDirectory()).toAbsolutePath().normalize();
            Path shipped = shippedFiles.resolve(given);
            if (Files.exists(shipped)) {
                return new ModelSource(shipped.toString(), source.tags(), source.openSteps());
            }
            where += shippedFiles.equals(workingDirectory) ? " (where Spark unpacks --archives)"
                    : " nor among the files shipped with --archives or --files (" + shippedFiles + ")";
        }
        throw new ModelException("model.path " + source.path() + " does not exist on " + jvm() + ": not in " + where
                + ". Give a path that the driver and every executor can read, or ship the model with"
                + " --archives model.zip#" + given.getFileName() + " and model.path=" + given.getFileName());
    }

    private static String jvm() {
        String executor = SparkEnv.get().executorId();
        return "driver".equals(executor) ? "the driver" : "executor " + executor;
    }
}
