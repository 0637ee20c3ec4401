package io.lstmspark.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Benchmark input: series of {@value #WINDOWS_PER_SERIES} stride-1 windows each, F float features per
 * step (sine waves with noise), written once per size as Parquet and reused.
 */
final class BenchData {

    static final int WINDOWS_PER_SERIES = 1000;

    private BenchData() {
    }

    static List<String> features(int count) {
        List<String> names = new ArrayList<>();
        for (int f = 0; f < count; f++) {
            names.add("f" + f);
        }
        return names;
    }

    /** A Parquet dataset with at least {@code windows} windows of {@code length} steps; reused if present. */
    static Path write(SparkSession spark, Path workDir, long windows, int length, int features) {
        int series = Math.toIntExact(Math.max(1, (windows + WINDOWS_PER_SERIES - 1) / WINDOWS_PER_SERIES));
        int steps = WINDOWS_PER_SERIES + length - 1;
        Path path = workDir.resolve("input-" + series + "x" + steps + "x" + features);
        if (Files.isDirectory(path)) {
            return path;
        }
        StructType schema = new StructType().add("series", DataTypes.IntegerType).add("ts", DataTypes.TimestampType);
        for (String name : features(features)) {
            schema = schema.add(name, DataTypes.FloatType);
        }
        StructType finalSchema = schema;
        spark.range(series).repartition(Math.max(1, series / 100)).flatMap(
                (org.apache.spark.api.java.function.FlatMapFunction<Long, Row>) id ->
                        rows(id.intValue(), steps, features).iterator(),
                org.apache.spark.sql.Encoders.row(finalSchema))
                .write().parquet(path.toString());
        return path;
    }

    private static List<Row> rows(int series, int steps, int features) {
        SplittableRandom random = new SplittableRandom(series);
        Instant start = Instant.parse("2026-01-01T00:00:00Z");
        List<Row> rows = new ArrayList<>(steps);
        for (int t = 0; t < steps; t++) {
            Object[] values = new Object[2 + features];
            values[0] = series;
            values[1] = Timestamp.from(start.plusSeconds(60L * t));
            for (int f = 0; f < features; f++) {
                values[2 + f] = (float) (Math.sin(0.05 * t * (f + 1) + series) + 0.1 * random.nextGaussian());
            }
            rows.add(RowFactory.create(values));
        }
        return rows;
    }
}
