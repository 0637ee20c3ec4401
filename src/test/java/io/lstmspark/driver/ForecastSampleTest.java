package io.lstmspark.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.lstmspark.report.Counts;
import io.lstmspark.report.RunReport;
import io.lstmspark.testing.Jobs;
import io.lstmspark.testing.LstmOracle;
import io.lstmspark.testing.SampleWeights;
import io.lstmspark.testing.SeriesTable;
import io.lstmspark.testing.TestSpark;
import io.lstmspark.testing.Tolerance;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bundled forecast job (conf/forecast.conf on sample-data/): 12 hours of load per sensor, recursively, checked
 * against the plain-Java LSTM oracle run on the sample model's .npy weights, the load fed back and the other
 * features read independently from the rows after the cutoff.
 */
class ForecastSampleTest {

    private static final List<String> FEATURES = List.of("temperature", "humidity", "load", "vibration");
    private static final int LENGTH = 24;
    private static final int HORIZON = 12;
    private static final int LOAD = 2;
    private static final Timestamp CUTOFF = Timestamp.valueOf("2026-01-14 00:00:00");

    @TempDir
    static Path out;

    @Test
    void everySensorsTwelveHoursEqualTheOracleFedItsOwnLoad() {
        String output = out.resolve("forecast").toString();
        RunReport report = Jobs.run("conf/forecast.conf", "output.path=" + output);
        List<Row> rows = TestSpark.session().read().parquet(output).orderBy("series_id", "step").collectAsList();
        SeriesTable input = SeriesTable.collect(TestSpark.session().read().parquet("sample-data/sensors"),
                "sensor_id", "ts", FEATURES);
        SampleWeights weights = SampleWeights.read(Path.of("sample-data/model-weights"));

        Counts counts = report.counts();
        assertEquals(196, counts.windowsWritten(), "the 4 sensors shorter than a window are skipped");
        assertEquals(Map.of("series_shorter_than_window", 4L), counts.skipped());
        assertEquals(196 * HORIZON, rows.size());
        for (int r = 0; r < rows.size(); r += HORIZON) {
            Object series = rows.get(r).getAs("series_id");
            int end = input.indexOf(series, CUTOFF);
            double[][] window = input.window(series, end - LENGTH + 1, LENGTH);
            for (int k = 1; k <= HORIZON; k++) {
                Row row = rows.get(r + k - 1);
                assertEquals(k, (int) row.getAs("step"));
                assertEquals(CUTOFF, row.getAs("window_end"));
                assertEquals(new Timestamp(CUTOFF.getTime() + 3_600_000L * k), row.getAs("forecast_ts"));
                double forecast = LstmOracle.dense(LstmOracle.run(weights.lstm(), window).lastH(),
                        weights.denseKernel(), weights.denseBias())[0];
                Tolerance.assertClose(forecast, (float) row.getAs("forecast"), 1e-4, series + " step " + k);
                double[] next = input.window(series, end + k, 1)[0].clone();
                next[LOAD] = (float) forecast;
                window = Arrays.copyOfRange(window, 1, LENGTH + 1);
                window[LENGTH - 1] = next;
            }
        }
    }
}
