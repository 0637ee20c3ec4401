package io.lstmspark.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lstmspark.LstmSparkException;
import io.lstmspark.report.RunReport;
import io.lstmspark.testing.Jobs;
import io.lstmspark.testing.TestData;
import io.lstmspark.testing.TestModels;
import io.lstmspark.testing.TestSpark;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each kind of bad input: under input.on-bad = fail the run stops with a message naming the culprit;
 * under quarantine the culprits are written to _quarantine with a reason and the counts reconcile.
 */
class BadInputTest {

    private static final int LENGTH = 3;

    @TempDir
    static Path dir;

    private static String model;
    private static int runs;

    @BeforeAll
    static void buildModel() {
        model = TestModels.savedModel(dir, 2, 3, LENGTH, 5).toString();
    }

    /** Six clean steps of series "s0" and "s1" (4 windows each at stride 1), then the given rows. */
    private static List<Row> cleanPlus(Row... extra) {
        List<Row> rows = new ArrayList<>(TestData.rows(6, 6));
        rows.addAll(List.of(extra));
        return rows;
    }

    private static String parquet(List<Row> rows) {
        return TestData.writeParquet(dir.resolve("in" + runs++), rows, TestData.SCHEMA);
    }

    private static String[] job(String input, String output, String... more) {
        List<String> args = new ArrayList<>(List.of("input.path=" + input, "input.series-id=id", "input.timestamp=ts",
                "input.features=x0,x1", "model.path=" + model, "outputs.h=hidden_state",
                "output.path=" + dir.resolve(output)));
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }

    private static String failureOf(String input) {
        Exception e = assertThrows(Exception.class, () -> Jobs.run(null, job(input, "fail" + runs++)));
        return LstmSparkException.find(e).orElseThrow(() -> new AssertionError("not a user error", e)).getMessage();
    }

    private static RunReport quarantine(String input, String output, String... more) {
        List<String> args = new ArrayList<>(List.of(job(input, output, more)));
        args.add("input.on-bad=quarantine");
        return Jobs.run(null, args.toArray(String[]::new));
    }

    private static List<Row> quarantined(String output) {
        return TestSpark.session().read().parquet(dir.resolve(output).resolve("_quarantine").toString())
                .orderBy("kind", "series_id", "timestamp").collectAsList();
    }

    private static long written(String output) {
        return TestSpark.session().read().parquet(dir.resolve(output).toString()).count();
    }

    /** input rows = placed + rejected; windows cut = written + quarantined; records = what _quarantine holds. */
    private static void assertReconciles(RunReport report, String output, long expectedInputRows) {
        RunReport.Counts c = report.counts();
        assertEquals(expectedInputRows, c.inputRows());
        long quarantinedWindows = c.windowsQuarantined().values().stream().mapToLong(Long::longValue).sum();
        assertEquals(c.windowsCut(), c.windowsWritten() + quarantinedWindows, "windows cut = written + quarantined");
        assertEquals(c.windowsWritten(), written(output), "written windows are in the output");
        assertEquals(c.quarantineRecords(), quarantined(output).size(), "every record set aside is in _quarantine");
    }

    @Test
    void nanFeatureFailsNamingSeriesTimestampAndColumn() {
        String message = failureOf(parquet(cleanPlus(RowFactory.create("s2", TestData.minute(0), Double.NaN, 1.0))));
        assertTrue(message.contains("series s2") && message.contains("feature 'x0' is NaN")
                && message.contains("nan_value") && message.contains("input.on-bad"), message);
    }

    @Test
    void nanInfiniteAndNullValuesAreQuarantinedWithTheWindowsThatContainThem() {
        List<Row> rows = cleanPlus();
        for (int t = 0; t < 6; t++) {
            Double x0 = t == 2 ? Double.valueOf(Double.NaN) : t == 3 ? Double.valueOf(Double.POSITIVE_INFINITY)
                    : t == 5 ? null : Double.valueOf(t);
            rows.add(RowFactory.create("s2", TestData.minute(t), x0, 0.5));
        }
        RunReport report = quarantine(parquet(rows), "values");
        assertReconciles(report, "values", 18);
        RunReport.Counts c = report.counts();
        assertEquals(Map.of("nan_value", 1L, "infinite_value", 1L, "null_value", 1L), c.rowsWithBadValues());
        // s2's windows start at 0..3 and each holds a bad step.
        assertEquals(12, c.windowsCut());
        assertEquals(8, c.windowsWritten());
        assertEquals(Map.of("window_has_nan_value", 3L, "window_has_infinite_value", 1L), c.windowsQuarantined());
        List<Row> records = quarantined("values");
        assertEquals(7, records.size());
        assertTrue(records.stream().anyMatch(r -> r.getAs("kind").equals("row") && r.getAs("reason").equals("null_value")
                && ((String) r.getAs("detail")).contains("'x0' is null")));
    }

    @Test
    void nullSeriesIdFailsOrIsQuarantined() {
        String input = parquet(cleanPlus(RowFactory.create(null, TestData.minute(3), 1.0, 1.0)));
        assertTrue(failureOf(input).contains("series id column 'id' is null"));
        RunReport report = quarantine(input, "null-id");
        assertReconciles(report, "null-id", 13);
        assertEquals(Map.of("null_series_id", 1L), report.counts().rowsRejected());
        assertEquals(8, report.counts().windowsWritten());
    }

    @Test
    void nullTimestampFailsOrIsQuarantined() {
        String input = parquet(cleanPlus(RowFactory.create("s1", null, 1.0, 1.0)));
        assertTrue(failureOf(input).contains("timestamp column 'ts' is null"));
        RunReport report = quarantine(input, "null-ts");
        assertEquals(Map.of("null_timestamp", 1L), report.counts().rowsRejected());
        assertReconciles(report, "null-ts", 13);
    }

    @Test
    void duplicateTimestampFailsOrKeepsTheFirstRow() {
        String input = parquet(cleanPlus(RowFactory.create("s1", TestData.minute(2), 9.0, 9.0)));
        String message = failureOf(input);
        assertTrue(message.contains("duplicate_timestamp") && message.contains("series s1"), message);
        RunReport report = quarantine(input, "duplicate");
        assertEquals(Map.of("duplicate_timestamp", 1L), report.counts().rowsRejected());
        assertEquals(8, report.counts().windowsWritten(), "the series keeps one row per timestamp");
        assertReconciles(report, "duplicate", 13);
    }

    @Test
    void unsortedInputGivesTheSameWindowsAsSortedInput() {
        List<Row> shuffled = new ArrayList<>(TestData.rows(7, 9));
        Collections.shuffle(shuffled, new java.util.Random(3));
        Jobs.run(null, job(parquet(TestData.rows(7, 9)), "sorted"));
        Jobs.run(null, job(parquet(shuffled), "shuffled"));
        var sorted = TestSpark.session().read().parquet(dir.resolve("sorted").toString());
        var fromShuffled = TestSpark.session().read().parquet(dir.resolve("shuffled").toString());
        assertEquals(12, sorted.count());
        assertEquals(0, sorted.except(fromShuffled).count() + fromShuffled.except(sorted).count());
    }

    @Test
    void gapsWiderThanMaxGapSplitWindowsAndShortStretchesAreCounted() {
        List<Row> rows = new ArrayList<>();
        for (int t : new int[] {0, 1, 2, 3, 30, 31, 60, 61, 62}) {
            rows.add(RowFactory.create("g", TestData.minute(t), 1.0 * t, 0.0));
        }
        RunReport report = Jobs.run(null, job(parquet(rows), "gaps", "window.max-gap=10 minutes"));
        assertEquals(3, report.counts().windowsWritten(), "0-2, 1-3 and 60-62; none spans a gap");
        assertEquals(2, report.counts().gaps());
        assertEquals(Map.of("segment_shorter_than_window", 1L), report.counts().skipped());
        RunReport noGaps = Jobs.run(null, job(parquet(rows), "no-gaps"));
        assertEquals(7, noGaps.counts().windowsWritten());
    }

    @Test
    void emptyInputFailsOrWritesAnEmptyResult() {
        String input = parquet(List.of());
        assertTrue(failureOf(input).contains("has no rows"));
        RunReport report = quarantine(input, "empty");
        assertEquals(0, report.counts().inputRows());
        assertEquals(0, written("empty"));
    }

    @Test
    void missingInputPathIsNamed() {
        String message = failureOf(dir.resolve("nowhere").toString());
        assertTrue(message.contains("input.path") && message.contains("nowhere"), message);
    }

    @Test
    void missingFeatureColumnIsNamedWithTheColumnsThatExist() {
        String input = parquet(TestData.rows(5));
        Exception e = assertThrows(Exception.class,
                () -> Jobs.run(null, job(input, "missing", "input.features=x0,x9")));
        String message = LstmSparkException.find(e).orElseThrow().getMessage();
        assertTrue(message.contains("'x9'") && message.contains("input.features") && message.contains("[id, ts, x0, x1]"),
                message);
    }

    @Test
    void nonNumericFeatureColumnIsRefused() {
        String input = parquet(TestData.rows(5));
        Exception e = assertThrows(Exception.class,
                () -> Jobs.run(null, job(input, "text", "input.features=x0,id")));
        String message = LstmSparkException.find(e).orElseThrow().getMessage();
        assertTrue(message.contains("feature column 'id'") && message.contains("string"), message);
    }

    @Test
    void malformedCsvLinesAndUnparseableTimestampsFailOrAreQuarantined() throws IOException {
        Path csv = dir.resolve("steps.csv");
        List<String> lines = new ArrayList<>(List.of("id,ts,x0,x1"));
        for (int t = 0; t < 5; t++) {
            lines.add("c,2026-03-01T00:0" + t + ":00," + t + ",0.5");
        }
        lines.add("c,2026-03-01T00:05:00,1.0,not-a-number");
        lines.add("c,yesterday,1.0,2.0");
        Files.write(csv, lines);
        String[] csvJob = {"input.format=csv", "input.options.timestampFormat=yyyy-MM-dd'T'HH:mm:ss"};

        Exception e = assertThrows(Exception.class,
                () -> Jobs.run(null, concat(job(csv.toString(), "csv-fail"), csvJob)));
        String message = LstmSparkException.find(e).orElseThrow().getMessage();
        assertTrue(message.contains("malformed_line") || message.contains("unparseable_timestamp"), message);

        RunReport report = quarantine(csv.toString(), "csv", csvJob);
        assertEquals(Map.of("malformed_line", 1L, "unparseable_timestamp", 1L), report.counts().rowsRejected());
        assertEquals(3, report.counts().windowsWritten());
        assertReconciles(report, "csv", 7);
        assertTrue(quarantined("csv").stream().anyMatch(r -> ((String) r.getAs("detail")).contains("not-a-number")));
    }

    private static String[] concat(String[] a, String[] b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    @Test
    void aCleanQuarantineRunWritesNoQuarantine() {
        RunReport report = quarantine(parquet(TestData.rows(4)), "clean");
        assertEquals(0, report.counts().quarantineRecords());
        assertEquals(false, Files.exists(dir.resolve("clean").resolve("_quarantine")));
        assertEquals(Optional.of(2L), Optional.of(report.counts().windowsWritten()));
    }
}
