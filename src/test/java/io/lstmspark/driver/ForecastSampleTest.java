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
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bundled forecast job (conf/forecast.conf on sample-data/): 12 hours of load per sensor, recursively, on
 * features scaled by sample-data/scaler.json, checked against the plain-Java LSTM oracle run on the sample model's
 * .npy weights: the windows scaled here, the model-unit load fed back, the other features read independently from
 * the rows after the cutoff, and the forecast scaled back into load units.
 */
class ForecastSampleTest {

    private static final List<String> FEATURES = List.of("temperature", "humidity", "load", "vibration");
    private static final int LENGTH = 24;
    private static final int HORIZON = 12;
    private static final int LOAD = 2;
    private static final Timestamp CUTOFF = Timestamp.valueOf("2026-01-14 00:00:00");
    /** sample-data/scaler.json, written out here: the test's own copy of the parameters. */
    private static final double[] MIN = {13.16, 40.02, 9.78, 0.0};
    private static final double[] MAX = {30.06, 69.45, 87.1, 3.83};

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
        Timestamp from = new Timestamp(CUTOFF.getTime() - 23 * 3_600_000L);
        long fullDays = input.series().values().stream().filter(steps -> steps.stream()
                .filter(s -> !((Timestamp) s.timestamp()).before(from) && !((Timestamp) s.timestamp()).after(CUTOFF))
                .count() >= LENGTH).count();
        assertEquals(196, fullDays, "the sample's sensors with 24 hourly steps up to the cutoff");
        assertEquals(196, counts.windowsWritten());
        long fromLastDay = input.series().values().stream().flatMap(List::stream)
                .filter(s -> !((Timestamp) s.timestamp()).before(from))
                .count();
        assertEquals(fromLastDay, report.forecastRead().rowsRead(),
                "only the last 24 hours before the cutoff, and the rows after it for the covariates, are read");
        assertEquals(196 * HORIZON, rows.size());
        for (int r = 0; r < rows.size(); r += HORIZON) {
            Object series = rows.get(r).getAs("series_id");
            int end = input.indexOf(series, CUTOFF);
            double[][] window = scaled(input.window(series, end - LENGTH + 1, LENGTH));
            for (int k = 1; k <= HORIZON; k++) {
                Row row = rows.get(r + k - 1);
                assertEquals(k, (int) row.getAs("step"));
                assertEquals(CUTOFF, row.getAs("window_end"));
                assertEquals(new Timestamp(CUTOFF.getTime() + 3_600_000L * k), row.getAs("forecast_ts"));
                double forecast = LstmOracle.dense(LstmOracle.run(weights.lstm(), window).lastH(),
                        weights.denseKernel(), weights.denseBias())[0];
                double load = forecast * (MAX[LOAD] - MIN[LOAD]) + MIN[LOAD];
                Tolerance.assertClose(load, (float) row.getAs("forecast"), 1e-4 * Math.max(1, Math.abs(load)),
                        series + " step " + k + " in load units");
                double[] next = scaled(input.window(series, end + k, 1))[0];
                next[LOAD] = (float) forecast;
                window = Arrays.copyOfRange(window, 1, LENGTH + 1);
                window[LENGTH - 1] = next;
            }
        }
    }

    private static double[][] scaled(double[][] steps) {
        double[][] scaled = new double[steps.length][];
        for (int t = 0; t < steps.length; t++) {
            scaled[t] = new double[steps[t].length];
            for (int f = 0; f < steps[t].length; f++) {
                scaled[t][f] = (steps[t][f] - MIN[f]) / (MAX[f] - MIN[f]);
            }
        }
        return scaled;
    }
}
