package io.lstmspark.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lstmspark.LstmSparkException;
import io.lstmspark.report.Counts;
import io.lstmspark.report.RunReport;
import io.lstmspark.testing.Jobs;
import io.lstmspark.testing.Rows;
import io.lstmspark.testing.TestData;
import io.lstmspark.testing.TestModels;
import io.lstmspark.testing.TestSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * output.on-nan, with a model whose output is log(x): NaN for a negative step, -infinity for a zero one.
 * Which windows are not finite is worked out here from the input with Math.log, not from the job.
 */
class NonFiniteOutputsTest {

    private static final int LENGTH = 3;
    /** "ok" is finite throughout; "neg" has -1 at step 2, "zero" 0 at step 0. */
    private static final Map<String, double[]> SERIES = Map.of(
            "ok", new double[] {1, 2, 3, 4, 5},
            "neg", new double[] {1, 2, -1, 3, 4, 5},
            "zero", new double[] {0, 1, 2, 3});

    @TempDir
    static Path dir;

    private static String model;
    private static String input;
    private static int runs;

    @BeforeAll
    static void buildModelAndInput() {
        model = TestModels.logOfInput(dir, LENGTH).toString();
        input = parquet(SERIES);
    }

    private static String parquet(Map<String, double[]> series) {
        List<Row> rows = new ArrayList<>();
        series.forEach((id, x) -> {
            for (int t = 0; t < x.length; t++) {
                rows.add(RowFactory.create(id, TestData.minute(t), x[t], 0.0));
            }
        });
        return TestData.writeParquet(dir.resolve("in" + runs++), rows, TestData.SCHEMA);
    }

    private static String[] job(String in, String output, String... more) {
        List<String> args = new ArrayList<>(List.of("input.path=" + in, "input.series-id=id", "input.timestamp=ts",
                "input.features=x0", "model.path=" + model, "model.input=x", "outputs={mean = mean, logs = logs}",
                "output.path=" + dir.resolve(output)));
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }

    private static String failure(String... args) {
        Exception e = assertThrows(Exception.class, () -> Jobs.run(null, args));
        return LstmSparkException.find(e).orElseThrow(() -> new AssertionError("not a user error", e)).getMessage();
    }

    private static List<Row> read(String output, String orderBy, String... thenBy) {
        return TestSpark.session().read().parquet(dir.resolve(output).toString()).orderBy(orderBy, thenBy)
                .collectAsList();
    }

    private static List<Row> quarantined(String output) {
        return TestSpark.session().read().parquet(dir.resolve(output).resolve("_quarantine").toString())
                .orderBy("series_id", "window_end").collectAsList();
    }

    /** The oracle: "series@window_end minute" -> reason, for every sliding window whose log(x) is not finite. */
    private static Map<String, String> expectedFaults() {
        Map<String, String> faults = new TreeMap<>();
        SERIES.forEach((id, x) -> {
            for (int end = LENGTH - 1; end < x.length; end++) {
                for (int t = end - LENGTH + 1; t <= end; t++) {
                    double log = Math.log(x[t]);
                    if (!Double.isFinite(log)) {
                        faults.put(id + "@" + end, Double.isNaN(log) ? "output_nan" : "output_infinite");
                        break;
                    }
                }
            }
        });
        return faults;
    }

    @Test
    void aNanOutputFailsTheRunNamingSeriesWindowEndAndColumn() {
        String in = parquet(Map.of("ok", SERIES.get("ok"), "neg", new double[] {1, 2, -1}));
        String message = failure(job(in, "fail"));
        assertEquals("model output not finite for series neg, window_end " + TestData.minute(2)
                + ": outputs.logs is NaN at [2, 0] (the window's inputs are all finite). Set output.on-nan = "
                + "quarantine to set such windows aside, or output.on-nan = keep to write them.", message);
        assertFalse(Files.exists(dir.resolve("fail")), "a failed run publishes nothing");
    }

    @Test
    void quarantinedWindowsAreNotWrittenAndGoToQuarantineWithTheirReason() {
        RunReport report = Jobs.run(null, job(input, "quarantine", "output.on-nan=quarantine"));
        Map<String, String> expected = expectedFaults();
        assertEquals(4, expected.size(), "the oracle's own count: three windows hold -1, one holds 0");
        Counts c = report.counts();
        assertEquals(9, c.windowsCut());
        assertEquals(9 - expected.size(), c.windowsWritten());
        assertEquals(Map.of("output_nan", 3L, "output_infinite", 1L), c.windowsQuarantined());
        assertEquals(Map.of("logs", 4L), c.nanOutputs(), "mean stays finite");
        assertEquals(c.windowsCut(), c.windowsWritten() + 4, "windows cut = written + quarantined");

        List<Row> written = read("quarantine", "series_id", "window_end");
        assertEquals(c.windowsWritten(), written.size());
        for (Row row : written) {
            String id = row.getAs("series_id");
            int end = (int) ((((java.sql.Timestamp) row.getAs("window_end")).getTime()
                    - TestData.minute(0).getTime()) / 60_000);
            assertFalse(expected.containsKey(id + "@" + end), id + "@" + end + " should have been set aside");
            float[][] logs = Rows.floatMatrix(row, "logs");
            for (int k = 0; k < LENGTH; k++) {
                double x = SERIES.get(id)[end - LENGTH + 1 + k];
                assertEquals((float) Math.log(x), logs[k][0], 1e-6f, id + "@" + end + " step " + k);
            }
        }

        List<Row> records = quarantined("quarantine");
        assertEquals(c.quarantineRecords(), records.size());
        Map<String, String> recorded = new TreeMap<>();
        for (Row r : records) {
            assertEquals("window", r.getAs("kind"));
            long end = (java.sql.Timestamp.valueOf((String) r.getAs("window_end")).getTime()
                    - TestData.minute(0).getTime()) / 60_000;
            recorded.put(r.getAs("series_id") + "@" + end, r.getAs("reason"));
        }
        assertEquals(expected, recorded);
        Row zero = records.stream().filter(r -> r.getAs("series_id").equals("zero")).findFirst().orElseThrow();
        assertEquals("outputs.logs is infinite at [0, 0]", zero.getAs("detail"));
        assertEquals(keyText(TestData.minute(0)), zero.getAs("timestamp"), "a window record's timestamp: its start");
    }

    @Test
    void keptWindowsAreWrittenWithTheirNanAndCounted() throws java.io.IOException {
        RunReport report = Jobs.run(null, job(input, "keep", "output.on-nan=keep"));
        Counts c = report.counts();
        assertEquals(9, c.windowsWritten());
        assertEquals(Map.of(), c.windowsQuarantined());
        assertEquals(Map.of("logs", 4L), c.nanOutputs());
        assertFalse(Files.exists(dir.resolve("keep").resolve("_quarantine")));
        Row first = read("keep", "series_id", "window_end").stream().filter(r -> r.getAs("series_id").equals("neg"))
                .findFirst().orElseThrow();
        assertTrue(Float.isNaN(Rows.floatMatrix(first, "logs")[2][0]), "neg's first window has log(-1) at step 2");
        var json = RunReport.mapper().readTree(dir.resolve("keep").resolve(RunReport.FILE_NAME).toFile());
        assertEquals(4, json.path("counts").path("nan_outputs").path("logs").asLong(), json.path("counts").toString());
    }

    @Test
    void forecastModeQuarantinesALastWindowWhoseOutputIsNotFinite() {
        String in = parquet(Map.of("a", new double[] {1, 2, 3, 4}, "b", new double[] {5, 1, 2, -3}));
        String message = failure(job(in, "forecast-fail", "mode=forecast"));
        assertTrue(message.startsWith("model output not finite for series b, window_end " + TestData.minute(3)
                + ": outputs.logs is NaN at [2, 0]"), message);
        RunReport report = Jobs.run(null, job(in, "forecast", "mode=forecast", "output.on-nan=quarantine"));
        assertEquals(1, report.counts().windowsWritten());
        assertEquals(Map.of("output_nan", 1L), report.counts().windowsQuarantined());
        assertEquals("a", read("forecast", "series_id").get(0).getAs("series_id"));
        List<Row> records = quarantined("forecast");
        assertEquals(1, records.size());
        assertEquals("b", records.get(0).getAs("series_id"));
        assertEquals(keyText(TestData.minute(3)), records.get(0).getAs("window_end"));
    }

    /** Stream mode over chunks of 3: "s" has -5 in its second chunk and a short third chunk (padded with zeros). */
    private static String[] stream(String in, String output, String layout, String... more) {
        List<String> args = new ArrayList<>(List.of("input.path=" + in, "input.series-id=id", "input.timestamp=ts",
                "input.features=x0", "model.path=" + model, "model.input=x", "mode=stream", "stream.layout=" + layout,
                "model.state-inputs=[h0]", "model.state-outputs=[total]", "outputs={logs = logs, running = running}",
                "output.path=" + dir.resolve(output)));
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }

    @Test
    void streamModeFailsQuarantinesOrKeepsAChunkAndCarriesItsStateOn() {
        String in = parquet(Map.of("s", new double[] {1, 2, 3, 4, -5, 6, 7}, "t", new double[] {1, 1, 1}));
        String message = failure(stream(in, "stream-fail", "chunk"));
        assertTrue(message.startsWith("model output not finite for series s, chunk 1 (steps at " + TestData.minute(3)
                + " to " + TestData.minute(5) + "): outputs.logs is NaN at [1, 0]"), message);

        RunReport report = Jobs.run(null, stream(in, "stream-quarantine", "chunk", "output.on-nan=quarantine"));
        Counts c = report.counts();
        assertEquals(4, c.windowsCut(), "chunks: s has 3, t 1");
        assertEquals(3, c.windowsWritten());
        assertEquals(Map.of("output_nan", 1L), c.windowsQuarantined());
        assertEquals(Map.of("logs", 1L), c.nanOutputs(), "log(0) of the zeros padding s's short chunk is not counted");
        List<Row> chunks = read("stream-quarantine", "series_id", "chunk_index");
        assertEquals(List.of("s/0", "s/2", "t/0"), chunks.stream()
                .map(r -> r.getAs("series_id") + "/" + r.getAs("chunk_index")).toList());
        assertEquals(1 + 2 + 3 + 4 - 5 + 6 + 7, Rows.floatMatrix(chunks.get(1), "running")[0][0], 1e-5,
                "the state goes on through the chunk set aside");
        List<Row> records = quarantined("stream-quarantine");
        assertEquals(1, records.size());
        Row record = records.get(0);
        assertEquals(List.of("window", "output_nan", "s", keyText(TestData.minute(3)), keyText(TestData.minute(5)),
                "outputs.logs is NaN at [1, 0]"), List.of(record.getAs("kind"), record.getAs("reason"),
                record.getAs("series_id"), record.getAs("timestamp"), record.getAs("window_end"),
                record.getAs("detail")));

        RunReport kept = Jobs.run(null, stream(in, "stream-keep", "step", "output.on-nan=keep"));
        assertEquals(Map.of("logs", 1L), kept.counts().nanOutputs());
        List<Row> steps = read("stream-keep", "series_id", "step");
        assertEquals(10, steps.size(), "every step is written");
        assertTrue(Float.isNaN(Rows.floats(steps.get(4), "logs")[0]), "log(-5) at s's step 4");
        assertEquals(18, Rows.floats(steps.get(6), "running")[0], 1e-5);
        assertFalse(Files.exists(dir.resolve("stream-keep").resolve("_quarantine")));
    }

    /** A timestamp as quarantine records show it: Spark's text in the session time zone (UTC in tests). */
    private static String keyText(Timestamp timestamp) {
        return DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC)
                .format(timestamp.toInstant());
    }
}
