package io.lstmspark.task;

import io.lstmspark.model.LocalModelCopy;
import io.lstmspark.model.ModelException;
import io.lstmspark.model.ModelKey;
import io.lstmspark.model.ModelSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkEnv;
import org.apache.spark.SparkFiles;
import org.apache.spark.deploy.SparkHadoopUtil;

/**
 * Finds, in this JVM, the model that {@code model.path} names. The path travels to executors as given
 * and each JVM resolves it. A URI ({@code hdfs://}, {@code s3a://}, {@code file:///}) is copied to this
 * host's local disk once per model fingerprint ({@link LocalModelCopy}). A plain path is used as given
 * when it exists (an absolute path on a file system every node reads, or a relative path in the working
 * directory, where executors find what {@code --archives} unpacked), otherwise it is looked for among the
 * files Spark shipped to this JVM ({@link SparkFiles}: where the driver finds {@code --archives model.zip#NAME}).
 */
public final class ModelLocation {

    private ModelLocation() {
    }

    /** An executor's model: a URI's copy must hash to the fingerprint the driver checked. */
    public static ModelKey onThisJvm(ModelKey key) {
        ModelSource source = key.source();
        ModelSource found = LocalModelCopy.isUri(source.path())
                ? copied(source, Optional.of(key.fingerprint())) : onThisJvm(source);
        return found == source ? key : new ModelKey(found, key.threads(), key.fingerprint());
    }

    public static ModelSource onThisJvm(ModelSource source) {
        if (LocalModelCopy.isUri(source.path())) {
            return copied(source, Optional.empty());
        }
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

    private static ModelSource copied(ModelSource source, Optional<String> fingerprint) {
        LocalModelCopy.Copy copy = LocalModelCopy.of(source.path(), ModelLocation::hadoopConf, fingerprint);
        return new ModelSource(copy.path().toString(), source.tags(), source.openSteps());
    }

    /** The Hadoop configuration of this JVM's Spark (spark.hadoop.* settings included). */
    private static Configuration hadoopConf() {
        return SparkHadoopUtil.get().newConfiguration(SparkEnv.get().conf());
    }

    private static String jvm() {
        String executor = SparkEnv.get().executorId();
        return "driver".equals(executor) ? "the driver" : "executor " + executor;
    }
}
