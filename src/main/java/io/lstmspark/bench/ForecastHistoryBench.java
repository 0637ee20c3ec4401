package io.lstmspark.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The forecast-history pair: the sample model forecasting the same series from a short history and from
 * one 100 times longer, with forecast.frequency set, so that only the last window's steps are read. The
 * read-window-infer-write time and the rows read should barely grow with the history.
 */
final class ForecastHistoryBench {

    static final Path SAMPLE_MODEL = Path.of("sample-data/model");
    private static final List<String> FEATURES = List.of("temperature", "humidity", "load", "vibration");
    /** Steps per written file: files cover consecutive hours, as daily appends would. */
    private static final int STEPS_PER_FILE = 1000;

    private ForecastHistoryBench() {
    }

    /** Hourly steps of {@code series} series, written in time order with INT64 timestamps; reused if present. */
    static Path write(SparkSession spark, Path workDir, int series, int steps) {
        Path path = workDir.resolve("history-" + series + "x" + steps);
        if (Files.isDirectory(path)) {
            return path;
        }
        StructType schema = new StructType().add("sensor_id", DataTypes.StringType).add("ts", DataTypes.TimestampType);
        for (String feature : FEATURES) {
            schema = schema.add(feature, DataTypes.DoubleType);
        }
        String previous = spark.conf().get("spark.sql.parquet.outputTimestampType");
        spark.conf().set("spark.sql.parquet.outputTimestampType", "TIMESTAMP_MICROS");
        try {
            spark.range(0, steps, 1, Math.max(1, steps / STEPS_PER_FILE))
                    .flatMap((FlatMapFunction<Long, Row>) t -> hour(t, series).iterator(), Encoders.row(schema))
                    .write().parquet(path.toString());
        } finally {
            spark.conf().set("spark.sql.parquet.outputTimestampType", previous);
        }
        return path;
    }

    private static List<Row> hour(long t, int series) {
        Timestamp ts = Timestamp.from(Instant.parse("2024-01-01T00:00:00Z").plusSeconds(3600 * t));
        List<Row> rows = new ArrayList<>(series);
        for (int s = 0; s < series; s++) {
            SplittableRandom random = new SplittableRandom(t * 1_000_003L + s);
            Object[] values = new Object[2 + FEATURES.size()];
            values[0] = String.format(Locale.ROOT, "sensor-%04d", s);
            values[1] = ts;
            for (int f = 0; f < FEATURES.size(); f++) {
                values[2 + f] = Math.sin(2 * Math.PI * t / 24 + s + f) + 0.1 * random.nextGaussian();
            }
            rows.add(RowFactory.create(values));
        }
        return rows;
    }

    /** The forecast job over {@code input}, in a JVM of its own. */
    static JsonNode job(ChildJvm jobs, int slots, Path input, Path workDir, String name)
            throws IOException, InterruptedException {
        return jobs.run(List.of("bench-job", "--master=local[" + slots + "]", "input.path=" + input,
                "input.series-id=sensor_id", "input.timestamp=ts", "input.features=" + String.join(",", FEATURES),
                "model.path=" + SAMPLE_MODEL, "mode=forecast", "forecast.frequency=1h", "outputs.forecast=forecast",
                "output.mode=overwrite", "output.path=" + workDir.resolve("output-" + name)),
                "forecast job (" + name + ")");
    }

    /** The table row: both runs' read-window-infer-write time, their ratio and the rows read. */
    static String row(int series, int steps, JsonNode small, JsonNode large) {
        double smallSeconds = stageSeconds(small);
        double largeSeconds = stageSeconds(large);
        double time = largeSeconds / smallSeconds;
        double rows = large.get("input_rows").asDouble() / small.get("input_rows").asDouble();
        boolean met = time <= 1.2 && rows <= 2;
        return String.format(Locale.ROOT, "| (i) forecast, %d series of %,d vs %,d hourly steps, forecast.frequency "
                        + "= 1h: read-window-infer-write | %.2f s vs %.2f s (x%.2f); rows read %,d vs %,d (x%.2f); the "
                        + "cutoff and files to read found in %.2f s vs %.2f s | time <= x1.2, rows read <= x2 %s |%n",
                series, steps, steps * 100L, smallSeconds, largeSeconds, time, small.get("input_rows").asLong(),
                large.get("input_rows").asLong(), rows, small.at("/stage_millis/forecast_history").asDouble() / 1000,
                large.at("/stage_millis/forecast_history").asDouble() / 1000, met ? "(met)" : "(missed)");
    }

    private static double stageSeconds(JsonNode job) {
        return job.at("/stage_millis/read_window_infer_write").asDouble() / 1000;
    }
}
