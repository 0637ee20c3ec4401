package io.lstmspark.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lstmspark.LstmSparkException;
import io.lstmspark.report.Counts;
import io.lstmspark.report.RunReport;
import io.lstmspark.testing.Jobs;
import io.lstmspark.testing.RecordedModel;
import io.lstmspark.testing.TestData;
import io.lstmspark.testing.TestModels;
import io.lstmspark.testing.TestSpark;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
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
        Counts c = report.counts();
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
        Counts c = report.counts();
        assertEquals(Map.of("nan_value", 1L, "infinite_value", 1L, "null_value", 1L), c.rowsWithBadValues());
        // s2's windows start at 0..3 and each holds a bad step.
        assertEquals(12, c.windowsCut());
        assertEquals(8, c.windowsWritten());
        assertEquals(Map.of("window_has_nan_value", 3L, "window_has_infinite_value", 1L), c.windowsQuarantined());
        List<Row> records = quarantined("values");
        assertEquals(7, records.size());
        assertTrue(records.stream().anyMatch(r -> r.getAs("kind").equals("row")
                && r.getAs("reason").equals("null_value")
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
    void missingInputPathWithAMissingModelFailsOnTheInputAndNamesTheModelToo() {
        Exception e = assertThrows(Exception.class, () -> Jobs.run(null, job(dir.resolve("nowhere").toString(),
                "both" + runs++, "model.path=" + dir.resolve("no-model"))));
        LstmSparkException inputFailure = LstmSparkException.find(e).orElseThrow();
        assertTrue(inputFailure.getMessage().contains("nowhere"), inputFailure.getMessage());
        List<String> suppressed = Arrays.stream(inputFailure.getSuppressed()).map(Throwable::getMessage).toList();
        assertTrue(suppressed.stream().anyMatch(message -> message.contains("no-model")), suppressed.toString());
    }

    @Test
    void missingFeatureColumnIsNamedWithTheColumnsThatExist() {
        String input = parquet(TestData.rows(5));
        Exception e = assertThrows(Exception.class,
                () -> Jobs.run(null, job(input, "missing", "input.features=x0,x9")));
        String message = LstmSparkException.find(e).orElseThrow().getMessage();
        assertTrue(message.contains("'x9'") && message.contains("input.features")
                && message.contains("[id, ts, x0, x1]"), message);
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
        Row unparseable = quarantined("csv").stream().filter(r -> "unparseable_timestamp".equals(r.getAs("reason")))
                .findFirst().orElseThrow();
        assertTrue(((String) unparseable.getAs("detail")).contains("'yesterday', which does not parse as a timestamp")
                && ((String) unparseable.getAs("detail")).contains("input.timestamp-format"),
                "the detail leads to the key that fixes it: " + unparseable.getAs("detail"));
    }

    @Test
    void finiteValueBeyondFloat32RangeFailsNamingSeriesTimestampAndColumn() {
        String message = failureOf(parquet(cleanPlus(RowFactory.create("s2", TestData.minute(4), 1.0, -1e39))));
        assertTrue(message.contains("out_of_float32_range") && message.contains("series s2")
                && message.contains("timestamp 2026-03-01 00:04:00") && message.contains("feature 'x1' is -1.0E39"),
                message);
    }

    @Test
    void finiteValuesBeyondFloat32RangeAreQuarantinedWithTheWindowsThatContainThem() {
        List<Row> rows = cleanPlus();
        for (int t = 0; t < 6; t++) {
            // 3.5e38 is beyond float32's largest value (3.4028235e38); Float.MAX_VALUE itself is not.
            double x0 = t == 1 ? 1e39 : t == 4 ? 3.5e38 : t == 5 ? Float.MAX_VALUE : t;
            rows.add(RowFactory.create("s2", TestData.minute(t), x0, 0.5));
        }
        RunReport report = quarantine(parquet(rows), "float32-range");
        assertReconciles(report, "float32-range", 18);
        Counts c = report.counts();
        assertEquals(Map.of("out_of_float32_range", 2L), c.rowsWithBadValues());
        // s2's windows start at 0..3: those from 0 to 2 hold the step at 1, the one from 3 the step at 4.
        assertEquals(Map.of("window_has_out_of_float32_range", 4L), c.windowsQuarantined());
        assertEquals(8, c.windowsWritten());
        assertTrue(quarantined("float32-range").stream().anyMatch(r -> r.getAs("reason").equals("out_of_float32_range")
                && r.getAs("timestamp").equals("2026-03-01 00:01:00")
                && ((String) r.getAs("detail")).contains("1.0E39")));
    }

    @Test
    void float64ModelTakesValuesBeyondFloat32Range() throws IOException {
        RecordedModel recorded = RecordedModel.read(Path.of("src/test/resources/fixtures/keras_float64"));
        recorded.inputs()[0][0][0] = 1e39;
        Path work = Files.createDirectories(dir.resolve("float64"));
        List<String> args = new ArrayList<>(List.of("input.path=" + recorded.writeInput(work), "input.series-id=id",
                "input.timestamp=ts", "input.features=[" + String.join(", ", recorded.featureColumns()) + "]",
                "model.path=" + recorded.savedModel(), "model.signature=" + recorded.signature(),
                "output.path=" + work.resolve("out")));
        recorded.outputColumns().forEach((column, ref) -> args.add("outputs." + column + "=" + ref));
        RunReport report = Jobs.run(null, args.toArray(String[]::new));
        assertEquals(Map.of(), report.counts().rowsWithBadValues());
        assertEquals(recorded.windows(), report.counts().windowsWritten());
    }

    @Test
    void doubleSeriesIdsZeroAndNegativeZeroAreOneSeries() {
        StructType schema = new StructType().add("id", DataTypes.DoubleType).add("ts", DataTypes.TimestampType)
                .add("x0", DataTypes.DoubleType).add("x1", DataTypes.DoubleType);
        List<Row> rows = new ArrayList<>();
        for (int t = 0; t < 6; t++) {
            rows.add(RowFactory.create(t % 2 == 0 ? 0.0 : -0.0, TestData.minute(t), 1.0 * t, 0.5));
        }
        String input = TestData.writeParquet(dir.resolve("in" + runs++), rows, schema);
        RunReport report = Jobs.run(null, job(input, "zero-ids"));
        assertEquals(1, report.counts().series());
        assertEquals(4, report.counts().windowsWritten(), "one series of 6 steps: windows from steps 0 to 3");
        List<Row> written = TestSpark.session().read().parquet(dir.resolve("zero-ids").toString()).collectAsList();
        assertTrue(written.stream().allMatch(r -> Double.doubleToRawLongBits(r.getAs("series_id")) == 0L),
                "written as 0.0: " + written);
    }

    @Test
    void doubleTimestampsZeroAndNegativeZeroAreOneTimestamp() {
        StructType schema = new StructType().add("id", DataTypes.StringType).add("ts", DataTypes.DoubleType)
                .add("x0", DataTypes.DoubleType).add("x1", DataTypes.DoubleType);
        List<Row> rows = new ArrayList<>(List.of(RowFactory.create("d", -0.0, 1.0, 1.0),
                RowFactory.create("d", 0.0, 2.0, 2.0)));
        for (int t = 1; t < 4; t++) {
            rows.add(RowFactory.create("d", 1.0 * t, 1.0, 1.0));
        }
        String input = TestData.writeParquet(dir.resolve("in" + runs++), rows, schema);
        String message = failureOf(input);
        assertTrue(message.contains("duplicate_timestamp") && message.contains("timestamp 0.0"), message);
        RunReport report = quarantine(input, "zero-ts");
        assertEquals(Map.of("duplicate_timestamp", 1L), report.counts().rowsRejected());
        assertReconciles(report, "zero-ts", 5);
        assertEquals(2, report.counts().windowsWritten());
    }

    @Test
    void ofTwoRowsAtOneTimestampTheOneWithSmallerValuesIsKeptWhateverTheFileOrder() {
        Row duplicate = RowFactory.create("s1", TestData.minute(2), -5.0, 9.0);
        Row original = TestData.rows(6, 6).get(8);
        String expected = "kept x0=-5.0, x1=9.0, dropped x0=" + original.getDouble(2) + ", x1=" + original.getDouble(3);
        List<Row> duplicateLast = cleanPlus(duplicate);
        List<Row> duplicateFirst = new ArrayList<>(duplicateLast);
        Collections.rotate(duplicateFirst, 1);
        for (List<Row> rows : List.of(duplicateLast, duplicateFirst)) {
            String output = "kept" + runs;
            RunReport report = quarantine(parquet(rows), output);
            assertReconciles(report, output, 13);
            Row record = quarantined(output).get(0);
            assertEquals("duplicate_timestamp", record.getAs("reason"));
            String detail = record.getAs("detail");
            assertTrue(detail.contains(expected), detail);
        }
    }

    @Test
    void quarantinedTimestampsAreShownInTheSessionTimeZone() {
        String zone = java.util.TimeZone.getDefault().getID().equals("Asia/Tokyo") ? "America/New_York" : "Asia/Tokyo";
        String input = parquet(cleanPlus(RowFactory.create("s1", TestData.minute(2), 9.0, 9.0)));
        List<String> args = new ArrayList<>(List.of(job(input, "zone")));
        args.add("input.on-bad=quarantine");
        // Jobs.run would take the test session anew, which resets its time zone to UTC.
        SparkSession spark = TestSpark.session();
        String previous = spark.conf().get("spark.sql.session.timeZone");
        spark.conf().set("spark.sql.session.timeZone", zone);
        RunReport report;
        try {
            report = LstmSparkJob.run(spark, Jobs.config(null, args.toArray(String[]::new)));
        } finally {
            spark.conf().set("spark.sql.session.timeZone", previous);
        }
        assertReconciles(report, "zone", 13);
        String local = java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
                .format(TestData.minute(2).toInstant().atZone(java.time.ZoneId.of(zone)));
        assertEquals(local, quarantined("zone").get(0).getAs("timestamp"));
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
