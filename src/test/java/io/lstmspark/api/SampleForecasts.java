package io.lstmspark.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lstmspark.testing.LstmOracle;
import io.lstmspark.testing.Rows;
import io.lstmspark.testing.SampleWeights;
import io.lstmspark.testing.SeriesTable;
import io.lstmspark.testing.TestSpark;
import io.lstmspark.testing.Tolerance;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.Row;

/** What README's examples compute on sample-data/, checked against the plain-Java LSTM oracle. */
final class SampleForecasts {

    static final List<String> FEATURES = List.of("temperature", "humidity", "load", "vibration");
    static final int LENGTH = 24;
    static final int STRIDE = 6;
    /** The examples' filter: steps from this time on. */
    static final String FROM = "2026-01-12";

    private SampleForecasts() {
    }

    /** Every window of the filtered sample steps at the examples' stride, each forecast equal to the oracle's. */
    static void assertForecastsOfTheFilteredSample(List<Row> rows) {
        SeriesTable input = SeriesTable.collect(TestSpark.session().read().parquet("sample-data/sensors")
                .filter("ts >= '" + FROM + "'"), "sensor_id", "ts", FEATURES);
        SampleWeights weights = SampleWeights.read(Path.of("sample-data/model-weights"));
        long expectedWindows = input.series().values().stream()
                .mapToLong(steps -> steps.size() < LENGTH ? 0 : (steps.size() - LENGTH) / STRIDE + 1).sum();
        assertEquals(expectedWindows, rows.size(), "every window of the filtered steps");
        assertTrue(rows.size() > 0);
        for (Row row : rows) {
            Object series = row.getAs("series_id");
            int start = input.indexOf(series, row.getAs("window_start"));
            assertEquals(0, start % STRIDE, "windows start every stride steps of " + series);
            LstmOracle.States states = LstmOracle.run(weights.lstm(), input.window(series, start, LENGTH));
            Tolerance.assertAllClose(LstmOracle.dense(states.lastH(), weights.denseKernel(), weights.denseBias()),
                    Rows.floats(row, "forecast"), 1e-5, series + " @ " + row.getAs("window_start") + " forecast");
        }
    }

    /** The lines between {@code // README:begin} and {@code // README:end} of a source file, without their indent. */
    static String markedRegion(Path source) throws Exception {
        Matcher region = Pattern.compile("(?s)// README:begin\\n(.*?)\\n\\s*// README:end").matcher(
                Files.readString(source));
        assertTrue(region.find(), source + " marks the README's example");
        return region.group(1).stripIndent();
    }

    /** The README's code block that follows the line naming {@code source}. */
    static String readmeBlock(Path source) throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        int at = readme.indexOf("<!-- example: " + source + " -->");
        assertTrue(at >= 0, "README shows the example of " + source);
        Matcher block = Pattern.compile("(?s)```\\w+\\n(.*?)\\n```").matcher(readme);
        assertTrue(block.find(at), "a code block follows the example's marker");
        return block.group(1).stripIndent();
    }
}
