package io.lstmspark.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lstmspark.LstmSparkException;
import io.lstmspark.report.Counts;
import io.lstmspark.report.RunReport;
import io.lstmspark.testing.Jobs;
import io.lstmspark.testing.LstmOracle;
import io.lstmspark.testing.Rows;
import io.lstmspark.testing.SampleWeights;
import io.lstmspark.testing.TestData;
import io.lstmspark.testing.TestModels;
import io.lstmspark.testing.Tolerance;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Forecast mode: one window per series, the last complete one at or before the cutoff. */
class ForecastModeTest {

    private static final int LENGTH = 5;

    @TempDir
    static Path dir;

    private static String input;
    private static String model;
    private static SampleWeights weights;

    @BeforeAll
    static void writeInputAndModel() {
        // s0: 12 steps, s1: 5 steps (exactly one window), s2: 3 steps (too short)
        input = TestData.writeParquet(dir, TestData.rows(12, 5, 3), TestData.SCHEMA);
        model = TestModels.savedModel(dir, 2, 3, LENGTH, 11).toString();
        weights = SampleWeights.read(dir.resolve("weights"));
    }

    private static String[] job(String output, String... more) {
        List<String> args = new java.util.ArrayList<>(List.of("input.path=" + input, "input.series-id=id",
                "input.timestamp=ts", "input.features=x0,x1", "mode=forecast", "model.path=" + model,
                "outputs={forecast = forecast, h = hidden_state}", "output.path=" + dir.resolve(output)));
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }

    @Test
    void withoutCutoffEachSeriesGetsItsLatestWindow() {
        RunReport report = Jobs.run(null, job("latest"));
        Map<String, Row> rows = Rows.bySeries(dir.resolve("latest").toString(), "series_id");
        assertEquals(List.of("s0", "s1"), List.copyOf(rows.keySet()));
        assertEquals(TestData.minute(7), rows.get("s0").getAs("window_start"));
        assertEquals(TestData.minute(11), rows.get("s0").getAs("window_end"));
        assertEquals(TestData.minute(4), rows.get("s1").getAs("window_end"));
        assertEquals(Map.of("series_shorter_than_window", 1L), report.counts().skipped());
        assertMatchesOracle(rows.get("s0"), 0, 7);
        assertMatchesOracle(rows.get("s1"), 1, 0);
    }

    @Test
    void withCutoffWindowsEndAtOrBeforeIt() {
        RunReport report = Jobs.run(null, job("cutoff", "forecast.cutoff=2026-03-01 00:08:00"));
        Map<String, Row> rows = Rows.bySeries(dir.resolve("cutoff").toString(), "series_id");
        assertEquals(TestData.minute(8), rows.get("s0").getAs("window_end"));
        assertEquals(TestData.minute(4), rows.get("s1").getAs("window_end"));
        assertMatchesOracle(rows.get("s0"), 0, 4);
        assertEquals(2, report.counts().windowsWritten());
        assertEquals(3, report.counts().rowsAfterCutoff(), "s0's steps at minutes 9, 10 and 11");
        assertEquals(20, report.counts().inputRows(), "rows after the cutoff are input rows too");
    }

    @Test
    void cutoffBeforeASeriesHasAFullWindowSkipsThatSeries() {
        RunReport report = Jobs.run(null, job("early", "forecast.cutoff=2026-03-01 00:03:00"));
        assertEquals(0, report.counts().windowsWritten());
        assertEquals(Map.of("series_shorter_than_window", 3L), report.counts().skipped());
    }

    @Test
    void rowsAreCheckedBeforeTheCutoffAndTheRowsAfterItCounted() {
        List<Row> rows = new ArrayList<>(TestData.rows(12, 5, 3));
        rows.add(RowFactory.create("s1", null, 1.0, 1.0));
        String withNull = TestData.writeParquet(dir.resolve("with-null"), rows, TestData.SCHEMA);
        String[] args = job("checked", "forecast.cutoff=2026-03-01 00:08:00");
        args[0] = "input.path=" + withNull;

        Exception e = assertThrows(Exception.class, () -> Jobs.run(null, args));
        String message = LstmSparkException.find(e).orElseThrow(() -> new AssertionError("not a user error", e))
                .getMessage();
        assertTrue(message.contains("timestamp column 'ts' is null")
                && message.contains("series s1"), message);

        String[] quarantine = Arrays.copyOf(args, args.length + 1);
        quarantine[args.length] = "input.on-bad=quarantine";
        Counts c = Jobs.run(null, quarantine).counts();
        assertEquals(Map.of("null_timestamp", 1L), c.rowsRejected());
        assertEquals(3, c.rowsAfterCutoff(), "s0's steps at minutes 9, 10 and 11");
        // 12 + 5 + 3 steps and the row without timestamp; placed: s0's 9 steps up to the cutoff, s1's 5, s2's 3.
        assertEquals(21, c.inputRows());
        assertEquals(c.inputRows(), 9 + 5 + 3 + c.rowsRejected().get("null_timestamp") + c.rowsAfterCutoff());
        assertEquals(2, c.windowsWritten());
    }

    /** The row's outputs equal the oracle on steps [start, start + LENGTH) of series i. */
    private static void assertMatchesOracle(Row row, int series, int start) {
        double[][] x = new double[LENGTH][];
        for (int t = 0; t < LENGTH; t++) {
            int step = start + t;
            x[t] = new double[] {Math.sin(0.3 * step + series), Math.cos(0.2 * step) - series / 10.0};
        }
        LstmOracle.States states = LstmOracle.run(weights.lstm(), x);
        Tolerance.assertAllClose(states.lastH(), Rows.floats(row, "h"), 1e-5, "hidden state of s" + series);
        Tolerance.assertAllClose(LstmOracle.dense(states.lastH(), weights.denseKernel(), weights.denseBias()),
                Rows.floats(row, "forecast"), 1e-5, "forecast of s" + series);
    }
}
