package io.lstmspark.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lstmspark.report.RunReport;
import io.lstmspark.testing.Jobs;
import io.lstmspark.testing.Rows;
import io.lstmspark.testing.TestData;
import io.lstmspark.testing.TestModels;
import io.lstmspark.testing.TestSpark;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Forecast mode with forecast.frequency or forecast.lookback reads only the steps its last windows can
 * use, filtered at the Parquet scan, and forecasts as it does reading everything.
 */
class ForecastHistoryTest {

    private static final int LENGTH = 5;
    private static final int SERIES = 10;
    private static final int STEPS = 2000;

    @TempDir
    static Path dir;

    private static String input;
    private static String model;

    static Timestamp hour(int h) {
        return Timestamp.from(Instant.parse("2026-01-01T00:00:00Z").plusSeconds(3600L * h));
    }

    /** Ten hourly series, and "gappy", whose last window's steps lie far apart; one file of many small row groups. */
    @BeforeAll
    static void writeInput() {
        List<Row> rows = new ArrayList<>();
        for (int s = 0; s < SERIES; s++) {
            for (int t = 0; t < STEPS; t++) {
                rows.add(RowFactory.create("s" + s, hour(t), Math.sin(0.3 * t + s), Math.cos(0.2 * t) - s / 10.0));
            }
        }
        for (int t : new int[] {100, 400, 900, 1500, 1999}) {
            rows.add(RowFactory.create("gappy", hour(t), Math.sin(t), Math.cos(t)));
        }
        SparkSession spark = TestSpark.session();
        String type = spark.conf().get("spark.sql.parquet.outputTimestampType");
        // INT64 timestamps carry row-group statistics (INT96 ones do not), as pyarrow and most writers produce.
        spark.conf().set("spark.sql.parquet.outputTimestampType", "TIMESTAMP_MICROS");
        try {
            input = dir.resolve("input").toString();
            spark.createDataFrame(rows, TestData.SCHEMA).orderBy("ts").coalesce(1).write()
                    .option("parquet.block.size", 4096).parquet(input);
        } finally {
            spark.conf().set("spark.sql.parquet.outputTimestampType", type);
        }
        model = TestModels.savedModel(dir, 2, 3, LENGTH, 7).toString();
    }

    private static String[] job(String output, String... more) {
        List<String> args = new ArrayList<>(List.of("input.path=" + input, "input.series-id=id", "input.timestamp=ts",
                "input.features=x0,x1", "mode=forecast", "model.path=" + model, "outputs.forecast=forecast",
                "output.path=" + dir.resolve(output)));
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }

    @Test
    void aForecastWithFrequencyReadsOnlyTheLastWindowsStepsAndForecastsTheSame() {
        RunReport all = Jobs.run(null, job("all"));
        RunReport recent = Jobs.run(null, job("recent", "forecast.frequency=1h"));
        assertEquals(SERIES * STEPS + 5, all.counts().inputRows());
        assertEquals("none: every row is read", all.forecastRead().filter());
        // 5 hourly steps up to the latest hour: each regular series' last window, and gappy's last step.
        assertEquals(SERIES * LENGTH + 1, recent.counts().inputRows());
        assertEquals(recent.counts().inputRows(), recent.forecastRead().rowsRead());
        assertEquals(String.valueOf(hour(STEPS - 1)), recent.forecastRead().cutoff());
        assertEquals(String.valueOf(hour(STEPS - LENGTH)), recent.forecastRead().from());

        Map<String, Row> expected = Rows.bySeries(dir.resolve("all").toString(), "series_id");
        Map<String, Row> actual = Rows.bySeries(dir.resolve("recent").toString(), "series_id");
        for (int s = 0; s < SERIES; s++) {
            Row want = expected.get("s" + s);
            Row got = actual.get("s" + s);
            assertEquals(hour(STEPS - 1), got.getAs("window_end"));
            assertEquals(want.<Timestamp>getAs("window_start"), got.getAs("window_start"));
            assertEquals(java.util.Arrays.toString(Rows.floats(want, "forecast")),
                    java.util.Arrays.toString(Rows.floats(got, "forecast")), "s" + s);
        }
        assertTrue(expected.containsKey("gappy"), "read whole, gappy has a window");
        assertNull(actual.get("gappy"));
        assertEquals(Map.of("fewer_steps_than_window_within_forecast_lookback", 1L), recent.counts().skipped(),
                "gappy is not dropped silently: counted with a reason that names the lookback");
        assertEquals(Map.of(), all.counts().skipped());
    }

    @Test
    void filesWhoseTimestampsLieOutsideTheHistoryAreNotRead() {
        // Four files of consecutive 500-hour stretches, written as appends would be.
        String byTime = dir.resolve("by-time").toString();
        SparkSession spark = TestSpark.session();
        String type = spark.conf().get("spark.sql.parquet.outputTimestampType");
        spark.conf().set("spark.sql.parquet.outputTimestampType", "TIMESTAMP_MICROS");
        try {
            spark.read().parquet(input).repartitionByRange(4, org.apache.spark.sql.functions.col("ts")).write()
                    .parquet(byTime);
        } finally {
            spark.conf().set("spark.sql.parquet.outputTimestampType", type);
        }
        String[] args = job("by-time-out", "forecast.frequency=1h");
        args[0] = "input.path=" + byTime;
        RunReport report = Jobs.run(null, args);
        assertEquals("1 of 4", report.forecastRead().files());
        assertEquals("latest timestamp of the input (Parquet statistics)", report.forecastRead().cutoffSource());
        assertEquals(SERIES * LENGTH + 1, report.counts().inputRows());
        assertEquals(hour(STEPS - 1),
                Rows.bySeries(dir.resolve("by-time-out").toString(), "series_id").get("s0").getAs("window_end"));
    }

    @Test
    void aLookbackWideEnoughForGappySeriesGivesThemAForecast() {
        RunReport report = Jobs.run(null, job("wide", "forecast.lookback=1900h"));
        Map<String, Row> rows = Rows.bySeries(dir.resolve("wide").toString(), "series_id");
        assertEquals(hour(1999), rows.get("gappy").getAs("window_end"));
        assertEquals(hour(100), rows.get("gappy").getAs("window_start"));
        assertEquals(SERIES + 1, report.counts().windowsWritten());
    }

    @Test
    void rowGroupsOutsideTheHistoryAreNotRead() throws Exception {
        AtomicLong recordsRead = new AtomicLong();
        SparkListener listener = new SparkListener() {
            @Override
            public void onTaskEnd(SparkListenerTaskEnd taskEnd) {
                if (taskEnd.taskMetrics() != null) {
                    recordsRead.addAndGet(taskEnd.taskMetrics().inputMetrics().recordsRead());
                }
            }
        };
        SparkSession spark = TestSpark.session();
        spark.sparkContext().addSparkListener(listener);
        try {
            Jobs.run(null, job("cut", "forecast.frequency=1h", "forecast.cutoff=2026-02-01 00:00:00"));
            spark.sparkContext().listenerBus().waitUntilEmpty();
        } finally {
            spark.sparkContext().removeSparkListener(listener);
        }
        Map<String, Row> rows = Rows.bySeries(dir.resolve("cut").toString(), "series_id");
        assertEquals(Timestamp.valueOf("2026-02-01 00:00:00"), rows.get("s3").getAs("window_end"));
        // The scan decodes only the row groups whose ts statistics meet the range: a few of the file's hundreds.
        long total = SERIES * STEPS + 5;
        assertTrue(recordsRead.get() > 0 && recordsRead.get() < total / 10,
                "the scan read " + recordsRead.get() + " of " + total + " rows");
    }
}
