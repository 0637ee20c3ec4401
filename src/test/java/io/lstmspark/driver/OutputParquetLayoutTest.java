package io.lstmspark.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lstmspark.testing.Jobs;
import io.lstmspark.testing.TestData;
import io.lstmspark.testing.TestModels;
import io.lstmspark.testing.TestSpark;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.metadata.ParquetMetadata;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.TimeUnit;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The output's Parquet files as readers find them: time as INT64 microseconds with statistics, keys with
 * statistics and dictionaries, the model's float arrays plain in Parquet's two-level list layout.
 */
class OutputParquetLayoutTest {

    private static final String TIMESTAMP_TYPE = "spark.sql.parquet.outputTimestampType";

    @TempDir
    static Path dir;

    private static String input;
    private static String model;

    @BeforeAll
    static void inputAndModel() {
        input = TestData.writeParquet(dir.resolve("in"), TestData.rows(9, 7), TestData.SCHEMA);
        model = TestModels.savedModel(dir, 2, 3, 4, 5).toString();
    }

    private static ParquetMetadata footerOfJob(String output) {
        Jobs.run(null, "input.path=" + input, "input.series-id=id", "input.timestamp=ts", "input.features=x0,x1",
                "model.path=" + model, "outputs.h=hidden_state", "output.path=" + dir.resolve(output));
        try (Stream<Path> files = Files.list(dir.resolve(output))) {
            Path file = files.filter(f -> f.toString().endsWith(".parquet")).findFirst().orElseThrow();
            try (ParquetFileReader reader = ParquetFileReader.open(HadoopInputFile.fromPath(
                    new org.apache.hadoop.fs.Path(file.toString()), new Configuration()))) {
                return reader.getFooter();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ColumnChunkMetaData chunk(ParquetMetadata footer, String... path) {
        return footer.getBlocks().get(0).getColumns().stream()
                .filter(c -> List.of(c.getPath().toArray()).equals(List.of(path))).findFirst().orElseThrow();
    }

    @Test
    void timestampsAreInt64MicrosecondsWithStatistics() {
        ParquetMetadata footer = footerOfJob("micros");

        PrimitiveType windowEnd = footer.getFileMetaData().getSchema().getType("window_end").asPrimitiveType();
        assertEquals(PrimitiveTypeName.INT64, windowEnd.getPrimitiveTypeName());
        assertEquals(LogicalTypeAnnotation.timestampType(true, TimeUnit.MICROS), windowEnd.getLogicalTypeAnnotation());
        assertTrue(chunk(footer, "window_end").getStatistics().hasNonNullValue(),
                "readers can skip row groups by time");
        assertTrue(chunk(footer, "series_id").getStatistics().hasNonNullValue());
        assertTrue(chunk(footer, "series_id").getEncodings().contains(Encoding.PLAIN_DICTIONARY)
                || chunk(footer, "series_id").getEncodings().contains(Encoding.RLE_DICTIONARY));
    }

    @Test
    void floatArraysArePlainTwoLevelListsWithoutStatistics() {
        ParquetMetadata footer = footerOfJob("arrays");

        Type list = footer.getFileMetaData().getSchema().getType("h");
        assertEquals(LogicalTypeAnnotation.listType(), list.getLogicalTypeAnnotation());
        Type element = list.asGroupType().getType(0);
        assertTrue(element.isPrimitive() && element.isRepetition(Type.Repetition.REPEATED),
                "values repeat directly under the list: " + list);
        ColumnChunkMetaData values = chunk(footer, "h", element.getName());
        assertFalse(values.getEncodings().contains(Encoding.PLAIN_DICTIONARY)
                || values.getEncodings().contains(Encoding.RLE_DICTIONARY), values.getEncodings().toString());
        assertFalse(values.getStatistics().hasNonNullValue());
    }

    @Test
    void aTimestampTypeTheUserSetIsKeptAndTheSessionIsLeftAsItWas() {
        SparkSession spark = TestSpark.session();
        spark.conf().set(TIMESTAMP_TYPE, "INT96");
        try {
            ParquetMetadata footer = footerOfJob("int96");

            assertEquals(PrimitiveTypeName.INT96, footer.getFileMetaData().getSchema().getType("window_end")
                    .asPrimitiveType().getPrimitiveTypeName());
            assertEquals("INT96", spark.conf().get(TIMESTAMP_TYPE));
        } finally {
            spark.conf().unset(TIMESTAMP_TYPE);
        }
        footerOfJob("unset");
        assertFalse(spark.conf().contains(TIMESTAMP_TYPE), "the job's own setting does not outlive its write");
    }
}
