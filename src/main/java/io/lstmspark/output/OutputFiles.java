package io.lstmspark.output;

import io.lstmspark.output.parquet.BulkArraysParquetFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.DataFrameWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.FractionalType;
import org.apache.spark.sql.types.StructField;

/**
 * How a run's rows become files under output.path: output.format with output.options, and Parquet laid out for
 * its readers.
 */
public final class OutputFiles {

    /** Spark's switch for the list layout of Spark 1.4, which is Parquet's two-level one. */
    private static final String TWO_LEVEL_LISTS = "spark.sql.parquet.writeLegacyFormat";

    /** Spark's choice of Parquet timestamp encoding; its default, INT96, is deprecated and has no statistics. */
    private static final String TIMESTAMP_TYPE = "spark.sql.parquet.outputTimestampType";

    private final SparkSession spark;
    private final String format;
    private final Map<String, String> writeOptions;
    private final List<String> partitionBy;
    /** output.path, for messages. */
    private final Path target;

    public OutputFiles(SparkSession spark, String format, Map<String, String> writeOptions, List<String> partitionBy,
                Path target) {
        this.spark = spark;
        this.format = format;
        this.writeOptions = Map.copyOf(writeOptions);
        this.partitionBy = List.copyOf(partitionBy);
        this.target = target;
    }

    String format() {
        return format;
    }

    /**
     * Model outputs are high-entropy floats, written in bulk: Parquet's dictionary encoding only costs
     * time on them before falling back to plain, and min/max statistics per value cost a comparison
     * each (a third of the write in a profile) while no reader filters on an LSTM state. Both stay on
     * for the key columns (series id, timestamps, constants), which readers do filter on.
     *
     * <p>Arrays go in Parquet's two-level list layout ({@value #TWO_LEVEL_LISTS}, for these writes
     * only): output arrays hold no nulls, so each value is written as a repeated field instead of a
     * group of one optional field, which halved the write's CPU time in a profile of stream mode.
     * Parquet's list compatibility rules make every reader read both layouts. With these settings the
     * float arrays' values are copied into Parquet's pages a block at a time ({@link BulkArraysParquetFormat}),
     * where Spark's writer takes ~25 ns per value.
     *
     * <p>Timestamps go as INT64 microseconds ({@value #TIMESTAMP_TYPE}) unless the user's Spark settings name
     * a type: Spark's default, INT96, is deprecated by Parquet and written without min/max statistics, so
     * readers could not skip row groups by time.
     */
    public void write(Dataset<Row> rows, Path path) {
        if (!format.equalsIgnoreCase("parquet")) {
            try {
                rows.write().format(format).options(writeOptions).mode(SaveMode.ErrorIfExists)
                        .partitionBy(partitionBy.toArray(String[]::new)).save(path.toString());
            } catch (Exception e) {
                // Scala hides that save() throws the checked AnalysisException (e.g. csv cannot hold arrays).
                if (e instanceof org.apache.spark.sql.AnalysisException) {
                    throw new OutputException("cannot write output.format " + format + " to output.path " + target
                            + ": " + e.getMessage().lines().findFirst().orElse(""));
                }
                throw e;
            }
            return;
        }
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put(TWO_LEVEL_LISTS, "true");
        if (!spark.conf().contains(TIMESTAMP_TYPE)) {
            settings.put(TIMESTAMP_TYPE, "TIMESTAMP_MICROS");
        }
        withSessionSettings(settings, () -> writeParquet(rows, path));
    }

    /** Runs the write with these session settings, then puts back what the session had, set or unset. */
    private void withSessionSettings(Map<String, String> settings, Runnable write) {
        // Not getOption: it answers Spark's default as if it were set, and putting that back would pin it.
        Map<String, Optional<String>> before = new LinkedHashMap<>();
        settings.forEach((key, value) -> {
            before.put(key, spark.conf().contains(key) ? Optional.of(spark.conf().get(key)) : Optional.empty());
            spark.conf().set(key, value);
        });
        try {
            write.run();
        } finally {
            before.forEach((key, value) -> value.ifPresentOrElse(v -> spark.conf().set(key, v),
                    () -> spark.conf().unset(key)));
        }
    }

    private void writeParquet(Dataset<Row> rows, Path path) {
        DataFrameWriter<Row> writer = rows.write()
                .option("parquet.enable.dictionary", "false")
                .option("parquet.column.statistics.enabled", "false")
                .option("parquet.size.statistics.enabled", "false");
        for (StructField field : rows.schema().fields()) {
            if (!(field.dataType() instanceof ArrayType) && !(field.dataType() instanceof FractionalType)) {
                writer = writer.option("parquet.column.statistics.enabled#" + field.name(), "true")
                        .option("parquet.enable.dictionary#" + field.name(), "true");
            }
        }
        writer.options(writeOptions).mode(SaveMode.ErrorIfExists).partitionBy(partitionBy.toArray(String[]::new))
                .format(BulkArraysParquetFormat.class.getName())
                .save(path.toString());
    }
}
