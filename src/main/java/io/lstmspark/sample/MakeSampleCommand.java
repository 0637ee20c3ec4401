package io.lstmspark.sample;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code make-sample}: writes the bundled sample data and model. Run once; the results are committed
 * under sample-data/. Seeded, so a rerun writes the same values.
 */
@Command(name = "make-sample", mixinStandardHelpOptions = true,
        description = "Writes the sample dataset (Parquet), the sample LSTM SavedModel and its weights (.npy).")
public final class MakeSampleCommand implements Callable<Integer> {

    @Option(names = "--out", defaultValue = "sample-data",
            description = "Target directory (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--series", defaultValue = "200", description = "Sensors (default: ${DEFAULT-VALUE}).")
    int series;

    @Option(names = "--steps", defaultValue = "240",
            description = "Hourly readings per sensor (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--short-series", defaultValue = "4",
            description = "Sensors with fewer readings than a window (default: ${DEFAULT-VALUE}).")
    int shortSeries;

    @Option(names = "--window", defaultValue = "24", description = "Model window length (default: ${DEFAULT-VALUE}).")
    int window;

    @Option(names = "--units", defaultValue = "16", description = "LSTM units (default: ${DEFAULT-VALUE}).")
    int units;

    @Option(names = "--seed", defaultValue = "20261126", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() throws IOException {
        LstmWeights weights = LstmWeights.random(SampleData.FEATURES.size(), units, seed);
        Path model = out.resolve("model");
        deleteRecursively(model);
        SampleModel.exportSavedModel(weights, window, model);
        weights.writeNpy(out.resolve("model-weights"));

        Path data = out.resolve("sensors");
        SparkSession spark = SparkSession.builder().master("local[1]").appName("lstm-spark make-sample").getOrCreate();
        try {
            spark.createDataFrame(SampleData.rows(series, steps, shortSeries, seed), SampleData.SCHEMA)
                    .coalesce(1).write().mode("overwrite").parquet(data.toString());
        } finally {
            spark.stop();
        }
        // Only the Parquet file matters to readers; checksums and markers would just clutter the repository.
        try (Stream<Path> files = Files.list(data)) {
            for (Path file : files.filter(f -> !f.getFileName().toString().endsWith(".parquet")).toList()) {
                Files.delete(file);
            }
        }
        System.out.printf("Wrote %s (%d sensors), %s and %s%n", data, series, model, out.resolve("model-weights"));
        return 0;
    }

    private static void deleteRecursively(Path path) throws IOException {
        if (!Files.exists(path)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(path)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
