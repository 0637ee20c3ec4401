package io.lstmspark.output;

import static org.apache.spark.sql.functions.lit;

import io.lstmspark.report.RunReport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.DataFrameWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.catalog.ExternalCatalogUtils;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.FractionalType;
import org.apache.spark.sql.types.StructField;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Option;

/**
 * Where a run's data, quarantine and report go, written so that a failed run never damages what an
 * earlier run left.
 *
 * <p>Unpartitioned output is written through Spark's commit protocol into a staging directory beside
 * the target and published by renaming it into place only when everything (data, quarantine, report)
 * is written. Partitioned output ({@code partition-by} constant columns such as a run date) uses
 * Spark's dynamic partition overwrite, which replaces only the partitions this run writes, at commit.
 */
public final class OutputTarget {

    private static final Logger LOG = LoggerFactory.getLogger(OutputTarget.class);

    /** Spark's switch for the list layout of Spark 1.4, which is Parquet's two-level one. */
    private static final String TWO_LEVEL_LISTS = "spark.sql.parquet.writeLegacyFormat";

    private final SparkSession spark;
    private final Path target;
    private final boolean overwrite;
    private final List<String> partitionBy;
    private final Map<String, String> constants;
    private final FileSystem fs;
    private final Path staging;

    private OutputTarget(SparkSession spark, String path, boolean overwrite, List<String> partitionBy,
                         Map<String, String> constants) {
        this.spark = spark;
        this.target = new Path(path);
        this.overwrite = overwrite;
        this.partitionBy = List.copyOf(partitionBy);
        this.constants = Map.copyOf(constants);
        Configuration hadoopConf = spark.sparkContext().hadoopConfiguration();
        try {
            this.fs = target.getFileSystem(hadoopConf);
        } catch (IOException e) {
            throw new UncheckedIOException("no file system for output.path " + path, e);
        }
        this.staging = partitionBy.isEmpty()
                ? new Path(target.getParent() == null ? new Path(".") : target.getParent(),
                        "." + target.getName() + ".lstm-spark-staging-" + UUID.randomUUID())
                : null;
    }

    /**
     * Checks, before any task runs, that the run may write where it is asked to.
     *
     * @param partitionBy constant columns to partition by (each must be in {@code constants})
     */
    public static OutputTarget prepare(SparkSession spark, String path, boolean overwrite, List<String> partitionBy,
                                       Map<String, String> constants) {
        for (String column : partitionBy) {
            if (!constants.containsKey(column)) {
                throw new OutputException("output.partition-by names '" + column
                        + "', which is not one of output.constant-columns " + constants.keySet()
                        + ": partition by a constant column, e.g. output.constant-columns.run_date = 2026-11-26");
            }
        }
        OutputTarget output = new OutputTarget(spark, path, overwrite, partitionBy, constants);
        if (!overwrite && output.exists(output.dataLocation(output.target))) {
            throw new OutputException((partitionBy.isEmpty() ? "output.path " : "output partition ")
                    + output.dataLocation(output.target) + " already exists and output.mode is error-if-exists: "
                    + "choose another output.path or set output.mode = overwrite");
        }
        return output;
    }

    /** Writes the windows' rows (plus constant columns). */
    public void writeWindows(Dataset<Row> windows) {
        write(withConstants(windows), root());
    }

    /** Writes quarantine records under {@code _quarantine}, partitioned like the data. */
    public void writeQuarantine(Dataset<Row> records) {
        write(withConstants(records), new Path(root(), QuarantineRecords.DIRECTORY));
    }

    /** Removes quarantine records an earlier run left for this run's partition (this run has none). */
    public void clearQuarantine() {
        if (!partitionBy.isEmpty()) {
            delete(dataLocation(new Path(target, QuarantineRecords.DIRECTORY)));
        }
    }

    public Path writeReport(RunReport report) {
        return report.writeTo(dataLocation(root()).toString(), spark.sparkContext().hadoopConfiguration());
    }

    /** Makes the run's output visible at the target, replacing an earlier one. */
    public void publish() {
        if (staging == null) {
            return;
        }
        try {
            Path previous = null;
            if (fs.exists(target)) {
                previous = new Path(staging.getParent(), "." + target.getName() + ".lstm-spark-replaced-"
                        + UUID.randomUUID());
                rename(target, previous);
            } else if (target.getParent() != null) {
                fs.mkdirs(target.getParent());
            }
            rename(staging, target);
            if (previous != null) {
                fs.delete(previous, true);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot publish " + staging + " as " + target, e);
        }
    }

    /** Deletes what a failed run staged; the target stays as it was. */
    public void abandon() {
        if (staging != null) {
            delete(staging);
        }
    }

    private Path root() {
        return staging != null ? staging : target;
    }

    /** The directory holding this run's rows under {@code root}: root itself, or its partition. */
    private Path dataLocation(Path root) {
        Path location = root;
        for (String column : partitionBy) {
            location = new Path(location, ExternalCatalogUtils.getPartitionPathString(column, constants.get(column)));
        }
        return location;
    }

    private Dataset<Row> withConstants(Dataset<Row> rows) {
        Dataset<Row> result = rows;
        for (Map.Entry<String, String> constant : constants.entrySet()) {
            result = result.withColumn(constant.getKey(), lit(constant.getValue()));
        }
        return result;
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
     * Parquet's list compatibility rules make every reader read both layouts.
     */
    private void write(Dataset<Row> rows, Path path) {
        Option<String> before = spark.conf().getOption(TWO_LEVEL_LISTS);
        spark.conf().set(TWO_LEVEL_LISTS, "true");
        try {
            writeParquet(rows, path);
        } finally {
            if (before.isDefined()) {
                spark.conf().set(TWO_LEVEL_LISTS, before.get());
            } else {
                spark.conf().unset(TWO_LEVEL_LISTS);
            }
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
        if (partitionBy.isEmpty()) {
            writer.mode(SaveMode.ErrorIfExists).parquet(path.toString());
        } else {
            writer.mode(overwrite ? SaveMode.Overwrite : SaveMode.Append)
                    .option("partitionOverwriteMode", "dynamic")
                    .partitionBy(partitionBy.toArray(String[]::new))
                    .parquet(path.toString());
        }
    }

    private boolean exists(Path path) {
        try {
            return fs.exists(path);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot check " + path, e);
        }
    }

    private void rename(Path from, Path to) throws IOException {
        if (!fs.rename(from, to)) {
            throw new IOException("rename " + from + " -> " + to + " failed");
        }
    }

    private void delete(Path path) {
        try {
            fs.delete(path, true);
        } catch (IOException e) {
            LOG.warn("Could not delete {}: {}", path, e.getMessage());
        }
    }
}
