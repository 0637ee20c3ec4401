package io.lstmspark.output.parquet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lstmspark.testing.TestSpark;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.mapreduce.Job;
import org.apache.hadoop.mapreduce.TaskAttemptContext;
import org.apache.hadoop.mapreduce.TaskAttemptID;
import org.apache.hadoop.mapreduce.TaskType;
import org.apache.hadoop.mapreduce.task.TaskAttemptContextImpl;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.datasources.OutputWriter;
import org.apache.spark.sql.execution.datasources.OutputWriterFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import scala.jdk.javaapi.CollectionConverters;

class BulkArraysParquetFormatTest {

    /** The settings lstm-spark writes its outputs with: no statistics or dictionary on model outputs. */
    private static final Map<String, String> OUTPUT_SETTINGS = Map.of("parquet.column.statistics.enabled", "false",
            "parquet.enable.dictionary", "false", "parquet.column.statistics.enabled#series_id", "true");

    private static final String LIST_LAYOUT = "spark.sql.parquet.writeLegacyFormat";

    private static final StructType SCHEMA = new StructType()
            .add("series_id", DataTypes.StringType, false)
            .add("window_end", DataTypes.TimestampType, false)
            .add("forecast", DataTypes.FloatType, false)
            .add("hidden_state", DataTypes.createArrayType(DataTypes.FloatType, false), false)
            .add("output_sequence", DataTypes.createArrayType(
                    DataTypes.createArrayType(DataTypes.FloatType, false), false), false)
            .add("scaler_mean", DataTypes.createArrayType(DataTypes.DoubleType, false), true);

    private final SparkSession spark = TestSpark.session();

    @TempDir
    Path dir;

    /** Spark's two list layouts: Parquet's three-level lists, and the two-level ones lstm-spark writes. */
    @ParameterizedTest(name = "spark.sql.parquet.writeLegacyFormat={0}")
    @ValueSource(booleans = {false, true})
    void writesTheRowsSparksOwnWriterWrites(boolean twoLevelLists) {
        Dataset<Row> rows = spark.createDataFrame(rows(3000, new Random(7)), SCHEMA).repartition(2);
        // Small row groups and pages: a file of many of each, split at row boundaries.
        Map<String, String> small = new java.util.HashMap<>(OUTPUT_SETTINGS);
        small.put("parquet.block.size", "65536");
        small.put("parquet.page.size", "4096");
        spark.conf().set(LIST_LAYOUT, twoLevelLists);
        try {
            rows.write().options(small).format(BulkArraysParquetFormat.class.getName())
                    .save(dir.resolve("bulk").toString());
            rows.write().options(small).parquet(dir.resolve("spark").toString());
        } finally {
            spark.conf().unset(LIST_LAYOUT);
        }

        Dataset<Row> bulk = spark.read().parquet(dir.resolve("bulk").toString());
        Dataset<Row> sparks = spark.read().parquet(dir.resolve("spark").toString());
        assertEquals(SCHEMA.asNullable(), bulk.schema());
        assertEquals(3000, bulk.count());
        assertEquals(sorted(sparks), sorted(bulk));
    }

    @Test
    void splitsFilesIntoRowGroupsOfTheSizeSet() throws IOException {
        Dataset<Row> rows = spark.createDataFrame(rows(2000, new Random(3)), SCHEMA).coalesce(1);
        Map<String, String> settings = new java.util.HashMap<>(OUTPUT_SETTINGS);
        settings.put("parquet.block.size", "262144");
        rows.write().options(settings).format(BulkArraysParquetFormat.class.getName()).save(dir.toString() + "/out");

        org.apache.hadoop.fs.Path file = Arrays.stream(dir.resolve("out").toFile().listFiles())
                .filter(f -> f.getName().endsWith(".parquet")).map(f -> new org.apache.hadoop.fs.Path(f.toURI()))
                .findFirst().orElseThrow();
        try (ParquetFileReader reader = ParquetFileReader.open(HadoopInputFile.fromPath(file, new Configuration()))) {
            long rowsInGroups = reader.getRowGroups().stream().mapToLong(g -> g.getRowCount()).sum();
            assertEquals(2000, rowsInGroups);
            assertTrue(reader.getRowGroups().size() > 2, "row groups: " + reader.getRowGroups().size());
            reader.getRowGroups().forEach(group -> assertTrue(group.getTotalByteSize() < 2 * 262144,
                    "row group of " + group.getTotalByteSize() + " bytes"));
        }
    }

    @Test
    void writesInBulkWithTheOutputsSettings() throws IOException {
        assertInstanceOf(BulkArraysWriter.class, writerFor(OUTPUT_SETTINGS));
    }

    /** Column paths in Spark's default layout of three-level lists. */
    @ParameterizedTest(name = "{0}={1}")
    @CsvSource({
        "parquet.writer.version, v2",
        "parquet.bloom.filter.enabled, true",
        "parquet.bloom.filter.enabled#hidden_state.list.element, true",
        "parquet.column.statistics.enabled, true",
        "parquet.column.statistics.enabled#hidden_state.list.element, true",
        "parquet.enable.dictionary#output_sequence.list.element.list.element, true",
        "parquet.crypto.factory.class, org.apache.parquet.crypto.keytools.PropertiesDrivenCryptoFactory",
        "lstmspark.bulk-arrays, false",
    })
    void leavesToSparksWriterWhatTheBulkPathDoesNotCover(String key, String value) throws IOException {
        Map<String, String> settings = new java.util.HashMap<>(OUTPUT_SETTINGS);
        settings.put(key, value);
        OutputWriter writer = writerFor(settings);
        assertEquals("ParquetOutputWriter", writer.getClass().getSimpleName());
    }

    /** The writer the format's factory makes for a task with these settings (the file is left empty). */
    private OutputWriter writerFor(Map<String, String> settings) throws IOException {
        Job job = Job.getInstance(spark.sessionState().newHadoopConf());
        OutputWriterFactory factory = new BulkArraysParquetFormat().prepareWrite(spark, job,
                scala.collection.immutable.Map.from(CollectionConverters.asScala(settings)), SCHEMA);
        settings.forEach(job.getConfiguration()::set);
        TaskAttemptContext task = new TaskAttemptContextImpl(job.getConfiguration(),
                new TaskAttemptID("bulk-test", 1, TaskType.MAP, 0, 0));
        OutputWriter writer = factory.newInstance(dir.resolve("part-0.parquet").toString(), SCHEMA, task);
        writer.close();
        return writer;
    }

    /** Rows of every shape the arrays take: empty, ragged, nested with empty inner arrays, and null. */
    private static List<Row> rows(int count, Random random) {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            float[] hidden = floats(random, i % 50 == 0 ? 0 : 64);
            float[][] sequence = new float[i % 7][];
            for (int t = 0; t < sequence.length; t++) {
                sequence[t] = floats(random, (i + t) % 5 == 0 ? 0 : 16);
            }
            double[] means = i % 3 == 0 ? null : random.doubles(1 + i % 4).toArray();
            rows.add(RowFactory.create("s" + (i % 40), new Timestamp(1_700_000_000_000L + i * 3_600_000L),
                    random.nextFloat(), hidden, sequence, means));
        }
        return rows;
    }

    private static float[] floats(Random random, int n) {
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = (float) random.nextGaussian();
        }
        return values;
    }

    private static List<Row> sorted(Dataset<Row> rows) {
        List<Row> list = new ArrayList<>(rows.collectAsList());
        list.sort(Comparator.comparing((Row r) -> r.getString(0)).thenComparing(r -> r.getTimestamp(1)));
        return list;
    }
}
