package io.lstmspark.driver;

import io.lstmspark.config.JobConfig;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.spark.sql.SparkSession;

/**
 * The driver's model check ({@link CheckedModel#check}) on a thread of its own, started before the input is
 * read and checked: in a fresh JVM, loading TensorFlow and the model and planning its state taps takes
 * seconds, and needs nothing from the input.
 */
final class ModelCheck {

    private final CompletableFuture<CheckedModel> result;

    private ModelCheck(CompletableFuture<CheckedModel> result) {
        this.result = result;
    }

    static ModelCheck start(SparkSession spark, JobConfig config) {
        return new ModelCheck(CompletableFuture.supplyAsync(() -> CheckedModel.check(spark, config), check -> {
            Thread thread = new Thread(check, "lstm-spark model check");
            thread.setDaemon(true);
            thread.start();
        }));
    }

    /** The checked model, once the check is done; its failure as the check threw it. */
    CheckedModel await() {
        try {
            return result.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            if (e.getCause() instanceof Error failure) {
                throw failure;
            }
            throw e;
        }
    }

    /**
     * Waits for the check when the input's has failed, so that no model is still loading when the job ends,
     * and adds the model's failure, if any, to the input's: one run names both.
     */
    void awaitAfter(Throwable inputFailure) {
        try {
            result.join();
        } catch (CompletionException e) {
            inputFailure.addSuppressed(e.getCause());
        }
    }
}
