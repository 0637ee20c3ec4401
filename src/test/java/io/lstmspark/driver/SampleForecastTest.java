package io.lstmspark.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lstmspark.report.RunReport;
import io.lstmspark.testing.Jobs;
import io.lstmspark.testing.LstmOracle;
import io.lstmspark.testing.Rows;
import io.lstmspark.testing.SampleWeights;
import io.lstmspark.testing.SeriesTable;
import io.lstmspark.testing.TestSpark;
import io.lstmspark.testing.Tolerance;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.util.List;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** conf/forecast.conf on the sample: last windows of scaled features, the forecast scaled back into load units. */
class SampleForecastTest {

    private static final List<String> FEATURES = List.of("temperature", "humidity", "load", "vibration");
    private static final int LENGTH = 24;
    /** sample-data/scaler.json, written out here: the test's own copy of the parameters. */
    private static final double[] MIN = {13.16, 40.02, 9.78, 0.0};
    private static final double[] MAX = {30.06, 69.45, 87.1, 3.83};

    @TempDir
    Path out;

    @Test
    void eachSensorsLastDayIsForecastOnScaledFeaturesAndScaledBackIntoLoad() {
        String output = out.resolve("forecast").toString();
        RunReport report = Jobs.run("conf/forecast.conf", "output.path=" + output);
        SeriesTable input = SeriesTable.collect(TestSpark.session().read().parquet("sample-data/sensors"),
                "sensor_id", "ts", FEATURES);
        Timestamp latest = input.series().values().stream().map(s -> (Timestamp) s.get(s.size() - 1).timestamp())
                .max(Timestamp::compareTo).orElseThrow();
        long inDay = input.series().values().stream().flatMap(List::stream)
                .filter(s -> !((Timestamp) s.timestamp()).before(new Timestamp(latest.getTime() - 23 * 3_600_000L)))
                .count();
        assertEquals(inDay, report.forecastRead().rowsRead(), "only the last 24 hours are read");
        assertEquals(latest.toString(), report.forecastRead().cutoff());

        SampleWeights weights = SampleWeights.read(Path.of("sample-data/model-weights"));
        List<Row> rows = TestSpark.session().read().parquet(output).collectAsList();
        assertTrue(rows.size() > 0);
        assertEquals(rows.size(), report.counts().windowsWritten());
        for (Row row : rows) {
            Object series = row.getAs("series_id");
            List<SeriesTable.Step> steps = input.steps(series);
            assertEquals(latest, row.getAs("window_end"), series + " ends at the latest hour");
            double[][] scaled = new double[LENGTH][FEATURES.size()];
            for (int t = 0; t < LENGTH; t++) {
                double[] raw = steps.get(steps.size() - LENGTH + t).values();
                for (int f = 0; f < raw.length; f++) {
                    scaled[t][f] = (raw[f] - MIN[f]) / (MAX[f] - MIN[f]);
                }
            }
            LstmOracle.States states = LstmOracle.run(weights.lstm(), scaled);
            double y = LstmOracle.dense(states.lastH(), weights.denseKernel(), weights.denseBias())[0];
            double load = y * (MAX[2] - MIN[2]) + MIN[2];
            Tolerance.assertClose(load, Rows.floats(row, "forecast")[0], 1e-4 * Math.max(1, Math.abs(load)),
                    series + " forecast in load units");
        }
    }
}
