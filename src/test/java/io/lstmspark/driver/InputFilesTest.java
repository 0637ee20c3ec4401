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
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Parquet input of several files that do not agree: a user error naming the file and the column,
 * before any task runs; with ignoreCorruptFiles, unreadable files are listed in the run report.
 */
class InputFilesTest {

    private static final int LENGTH = 3;

    @TempDir
    static Path dir;

    private static String model;
    private static int runs;

    @BeforeAll
    static void buildModel() {
        model = TestModels.savedModel(dir, 2, 3, LENGTH, 5).toString();
    }

    /** Series {@code id}: 5 steps with x0 = t, x1 = 0.5, x1 of the given type, or without x1. */
    private static List<Row> rows(String id, DataType x1Type) {
        List<Row> rows = new ArrayList<>();
        for (int t = 0; t < 5; t++) {
            Object x1 = Double.valueOf(0.5);
            if (x1Type == DataTypes.StringType) {
                x1 = "0.5";
            } else if (x1Type == DataTypes.FloatType) {
                x1 = Float.valueOf(0.5f);
            }
            rows.add(x1Type == null ? RowFactory.create(id, TestData.minute(t), 1.0 * t)
                    : RowFactory.create(id, TestData.minute(t), 1.0 * t, x1));
        }
        return rows;
    }

    private static StructType schema(DataType x1Type) {
        StructType schema = new StructType().add("id", DataTypes.StringType).add("ts", DataTypes.TimestampType)
                .add("x0", DataTypes.DoubleType);
        return x1Type == null ? schema : schema.add("x1", x1Type);
    }

    /** Writes one Parquet file named {@code name} into {@code input}, through Spark as a job's input would be. */
    private static Path parquetFile(Path input, String name, String id, DataType x1Type) throws IOException {
        Path staging = dir.resolve("staging" + runs++);
        TestSpark.session().createDataFrame(rows(id, x1Type), schema(x1Type)).coalesce(1).write()
                .parquet(staging.toString());
        try (Stream<Path> files = Files.list(staging)) {
            Path part = files.filter(p -> p.getFileName().toString().endsWith(".parquet")).findFirst().orElseThrow();
            Files.createDirectories(input);
            return Files.move(part, input.resolve(name));
        }
    }

    private static String[] job(Path input, String... more) {
        List<String> args = new ArrayList<>(List.of("input.path=" + input, "input.series-id=id", "input.timestamp=ts",
                "input.features=x0,x1", "model.path=" + model, "outputs.h=hidden_state",
                "output.path=" + dir.resolve("out" + runs++)));
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }

    private static String failureOf(Path input) {
        Exception e = assertThrows(Exception.class, () -> Jobs.run(null, job(input)));
        return LstmSparkException.find(e).orElseThrow(() -> new AssertionError("not a user error", e)).getMessage();
    }

    private static void assertMentions(String message, String... parts) {
        for (String part : parts) {
            assertTrue(message.contains(part), "'" + part + "' in: " + message);
        }
    }

    @Test
    void filesThatDisagreeOnAColumnsTypeNameBothFilesAndTheColumn() throws IOException {
        Path input = dir.resolve("float-double");
        parquetFile(input, "part-0.parquet", "a", DataTypes.FloatType);
        parquetFile(input, "part-1.parquet", "b", DataTypes.DoubleType);
        assertMentions(failureOf(input), "column 'x1' (input.features)", "float", "double",
                "part-0.parquet", "part-1.parquet");
    }

    @Test
    void aFileWithTextWhereOthersHoldNumbersIsNamed() throws IOException {
        Path input = dir.resolve("float-string");
        parquetFile(input, "part-0.parquet", "a", DataTypes.FloatType);
        parquetFile(input, "part-1.parquet", "b", DataTypes.StringType);
        assertMentions(failureOf(input), "column 'x1' (input.features)", "float", "binary (STRING)",
                "in input file file://" + input.resolve("part-1.parquet"));
    }

    @Test
    void aFileLackingAFeatureColumnIsNamed() throws IOException {
        Path input = dir.resolve("lacking");
        parquetFile(input, "part-0.parquet", "a", DataTypes.DoubleType);
        parquetFile(input, "part-1.parquet", "b", null);
        assertMentions(failureOf(input), "input file file://" + input.resolve("part-1.parquet") + " has no column 'x1'",
                "input.features", "part-0.parquet");
    }

    private static Path withTruncatedSecondFile(String name) throws IOException {
        Path input = dir.resolve(name);
        parquetFile(input, "part-0.parquet", "a", DataTypes.DoubleType);
        truncate(parquetFile(input, "part-1.parquet", "b", DataTypes.DoubleType));
        return input;
    }

    private static void truncate(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length / 2));
    }

    @Test
    void aTruncatedFileIsNamed() throws IOException {
        Path input = withTruncatedSecondFile("truncated");
        assertMentions(failureOf(input), "input file file://" + input.resolve("part-1.parquet"),
                "is not a readable Parquet file", "ignoreCorruptFiles");
    }

    @Test
    void aTruncatedFileSparkReadsForTheSchemaIsNamed() throws IOException {
        Path input = dir.resolve("truncated-first");
        truncate(parquetFile(input, "part-0.parquet", "a", DataTypes.DoubleType));
        parquetFile(input, "part-1.parquet", "b", DataTypes.DoubleType);
        assertMentions(failureOf(input), "part-0.parquet");
    }

    /** Overwrites the file's first column chunk with garbage: the footer still reads, the data does not. */
    private static Path withDamagedPagesInSecondFile(String name) throws IOException {
        Path input = dir.resolve(name);
        parquetFile(input, "part-0.parquet", "a", DataTypes.DoubleType);
        Path damaged = parquetFile(input, "part-1.parquet", "b", DataTypes.DoubleType);
        byte[] bytes = Files.readAllBytes(damaged);
        java.util.Arrays.fill(bytes, 4, 40, (byte) 0x7f);
        Files.write(damaged, bytes);
        return input;
    }

    @Test
    void aFileWhoseDataCannotBeReadIsNamed() throws IOException {
        Path input = withDamagedPagesInSecondFile("damaged");
        assertMentions(failureOf(input), "part-1.parquet");
    }

    @Test
    void aFileSparkStopsReadingUnderIgnoreCorruptFilesIsListedInTheReport() throws IOException {
        Path input = withDamagedPagesInSecondFile("damaged-skipped");
        RunReport report = Jobs.run(null, job(input, "input.options.ignoreCorruptFiles=true"));
        assertEquals(1, report.inputFilesSkipped().size(), report.inputFilesSkipped() + " " + report.counts());
        RunReport.SkippedInputFile skipped = report.inputFilesSkipped().get(0);
        assertTrue(skipped.path().endsWith("part-1.parquet"), skipped.path());
        assertMentions(skipped.reason(), "read 0 of its 5 rows");
        assertEquals(5, report.counts().inputRows(), "the rows of part-0 alone");
    }

    @Test
    void aCleanInputUnderIgnoreCorruptFilesListsNoFile() throws IOException {
        Path input = dir.resolve("clean");
        parquetFile(input, "part-0.parquet", "a", DataTypes.DoubleType);
        parquetFile(input, "part-1.parquet", "b", DataTypes.DoubleType);
        RunReport report = Jobs.run(null, job(input, "input.options.ignoreCorruptFiles=true"));
        assertEquals(List.of(), report.inputFilesSkipped());
        assertEquals(10, report.counts().inputRows());
    }

    @Test
    void filesSkippedByIgnoreCorruptFilesAreListedInTheReport() throws IOException {
        Path input = withTruncatedSecondFile("skipped");
        for (String setting : List.of("input.options.ignoreCorruptFiles=true", "spark")) {
            boolean sessionSetting = setting.equals("spark");
            if (sessionSetting) {
                TestSpark.session().conf().set("spark.sql.files.ignoreCorruptFiles", "true");
            }
            try {
                RunReport report = Jobs.run(null, sessionSetting ? job(input) : job(input, setting));
                assertEquals(1, report.inputFilesSkipped().size(), setting);
                assertTrue(report.inputFilesSkipped().get(0).path().endsWith("part-1.parquet"), setting);
                assertEquals(5, report.counts().inputRows(), "the rows of part-0 alone");
                assertEquals(3, report.counts().windowsWritten());
                assertTrue(RunReport.mapper().writeValueAsString(report).contains("\"input_files_skipped\""));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new UncheckedIOException(e);
            } finally {
                TestSpark.session().conf().unset("spark.sql.files.ignoreCorruptFiles");
            }
        }
    }
}
