package io.lstmspark.output;

import static org.apache.spark.sql.functions.lit;

import io.lstmspark.config.JobConfig;
import io.lstmspark.report.FailedRunReport;
import io.lstmspark.report.RunReport;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.catalog.ExternalCatalogUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a run's data, quarantine and report go, written so that a failed run never damages what an
 * earlier run left.
 *
 * <p>Everything (data, quarantine, report) is written through Spark's commit protocol into the run's
 * own staging directory ({@link RunDirectory}) and published at the end by renames: unpartitioned
 * output beside the target replaces the whole target; partitioned output ({@code partition-by}
 * constant columns such as a run date) is staged inside the target and replaces only this run's
 * partition of the data and of the quarantine, as Spark's dynamic partition overwrite would.
 */
public final class OutputTarget {

    /** Test hook: the driver's JVM halts during publish once swap N (0: data, 1: quarantine partition) is done. */
    public static final String HALT_DURING_PUBLISH_CONF = "spark.lstmspark.test.haltAfterPublishSwap";

    private static final Logger LOG = LoggerFactory.getLogger(OutputTarget.class);

    private final SparkSession spark;
    private final Path target;
    private final boolean overwrite;
    private final List<String> partitionBy;
    private final Map<String, String> constants;
    private final FileSystem fs;
    /** Where run directories go: beside an unpartitioned target, inside a partitioned one. */
    private final Path runParent;
    private final String runPrefix;
    private RunDirectory run;
    /** output.table's target; null for output.path. */
    private final TableTarget table;
    /** How output.path's files are written; null for output.table. */
    private final OutputFiles files;

    private OutputTarget(SparkSession spark, String path, boolean overwrite, List<String> partitionBy,
                         Map<String, String> constants, String format, Map<String, String> writeOptions) {
        this.spark = spark;
        this.overwrite = overwrite;
        this.partitionBy = List.copyOf(partitionBy);
        this.constants = Map.copyOf(constants);
        Configuration hadoopConf = spark.sparkContext().hadoopConfiguration();
        try {
            this.fs = new Path(path).getFileSystem(hadoopConf);
        } catch (IOException e) {
            throw new UncheckedIOException("no file system for output.path " + path, e);
        }
        this.target = fs.makeQualified(new Path(path));
        this.runParent = partitionBy.isEmpty() && target.getParent() != null ? target.getParent() : target;
        this.runPrefix = partitionBy.isEmpty() ? target.getName() + "." : "";
        this.table = null;
        this.files = new OutputFiles(spark, format, writeOptions, partitionBy, target);
    }

    private OutputTarget(SparkSession spark, TableTarget table) {
        this.spark = spark;
        this.table = table;
        this.target = null;
        this.overwrite = false;
        this.partitionBy = List.of();
        this.constants = Map.of();
        this.fs = null;
        this.runParent = null;
        this.runPrefix = null;
        this.files = null;
    }

    /**
     * The run's target as configured: output.table, else output.path in output.format with output.options;
     * checked before any task runs against what the run reads (input.path or input.table's location,
     * model.path).
     */
    public static OutputTarget prepare(SparkSession spark, JobConfig config) {
        JobConfig.Output out = config.output();
        JobConfig.Storage storage = config.storage();
        List<OutputPathGuard.Kept> reads = new ArrayList<>();
        if (storage.inputTable().isPresent()) {
            String name = storage.inputTable().get();
            CatalogTables.location(spark, CatalogTables.quoted(spark, "input.table", name))
                    .ifPresent(location -> reads.add(new OutputPathGuard.Kept("input.table " + name, location, true)));
        } else {
            reads.add(new OutputPathGuard.Kept("input.path", config.input().path(), true));
        }
        reads.add(new OutputPathGuard.Kept("model.path", config.model().path(), true));
        if (storage.outputTable().isPresent()) {
            return new OutputTarget(spark, TableTarget.prepare(spark, out, storage, reads));
        }
        return prepare(spark, out, storage, reads);
    }

    /**
     * Checks, before any task runs, that the run may write where it is asked to, and rolls back or
     * removes what dead runs left at the same target.
     *
     * @param reads what output.path must neither be, hold, nor lie inside
     */
    private static OutputTarget prepare(SparkSession spark, JobConfig.Output out, JobConfig.Storage storage,
                                        List<OutputPathGuard.Kept> reads) {
        String path = out.path();
        boolean overwrite = out.mode() == JobConfig.OutputMode.OVERWRITE;
        List<String> partitionBy = out.partitionBy();
        Map<String, String> constants = out.constantColumns();
        for (String column : partitionBy) {
            if (!constants.containsKey(column)) {
                throw new OutputException("output.partition-by names '" + column
                        + "', which is not one of output.constant-columns " + constants.keySet()
                        + ": partition by a constant column, e.g. output.constant-columns.run_date = 2026-11-26");
            }
        }
        OutputTarget output = new OutputTarget(spark, path, overwrite, partitionBy, constants, storage.outputFormat(),
                storage.outputOptions());
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        List<OutputPathGuard.Kept> kept = new ArrayList<>(reads);
        kept.addAll(OutputPathGuard.protectedDirectories(output.fs,
                spark.conf().get("spark.sql.warehouse.dir", null)));
        OutputPathGuard.check(OutputPathGuard.resolve(path, conf), kept, conf);
        DeadRuns.cleanUp(output.fs, output.runParent, output.runPrefix);
        if (!overwrite && output.exists(output.dataLocation(output.target))) {
            throw new OutputException((partitionBy.isEmpty() ? "output.path " : "output partition ")
                    + output.dataLocation(output.target) + " already exists and output.mode is error-if-exists: "
                    + "choose another output.path or set output.mode = overwrite");
        }
        Renames.checkRenamable(output.fs, output.runParent,
                output.swaps(output.target).stream().map(RunDirectory.Swap::destination).toList());
        return output;
    }

    /** Writes the windows' rows (plus constant columns). */
    public void writeWindows(Dataset<Row> windows) {
        if (table != null) {
            table.writeWindows(windows);
            return;
        }
        files.write(withConstants(windows), root());
    }

    /** Writes quarantine records under {@code _quarantine}, partitioned like the data. */
    public void writeQuarantine(Dataset<Row> records) {
        if (table != null) {
            table.writeQuarantine(records);
            return;
        }
        files.write(withConstants(records), new Path(root(), QuarantineRecords.DIRECTORY));
    }

    public Path writeReport(RunReport report) {
        if (table != null) {
            return table.writeReport(report);
        }
        return report.writeTo(dataLocation(root()).toString(), spark.sparkContext().hadoopConfiguration());
    }

    /** Writes the HTML page of the report beside the JSON one, as {@code file}. */
    public Path writeHtmlReport(String file, String html) {
        Path path = new Path(table != null ? table.reportLocation() : dataLocation(root()), file);
        try (OutputStream out = path.getFileSystem(spark.sparkContext().hadoopConfiguration()).create(path, true)) {
            out.write(html.getBytes(StandardCharsets.UTF_8));
            return path;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the HTML run report to " + path, e);
        }
    }

    /** This run's rows as written so far, before publish, for the report's read-back. */
    public Dataset<Row> readWritten() {
        return table != null ? table.readWritten()
                : spark.read().format(files.format()).load(dataLocation(root()).toString());
    }

    /**
     * Writes a failed run's report beside what the run would have replaced, as
     * {@code _<name>.failed_run_report.json} ({@code _run_date_2026-11-26.failed_run_report.json} beside a
     * partition; the leading underscore keeps Spark's readers of the parent from reading it); what is at the
     * target stays untouched.
     */
    public Path writeFailedReport(FailedRunReport report) {
        return report.writeTo(failedReportPath(), spark.sparkContext().hadoopConfiguration());
    }

    /** Removes the report an earlier failed run left beside the output this run has now published. */
    public void removeFailedReport() {
        try {
            Path earlier = failedReportPath();
            earlier.getFileSystem(spark.sparkContext().hadoopConfiguration()).delete(earlier, false);
        } catch (IOException e) {
            LOG.warn("Could not delete the earlier failed run's report {}: {}", failedReportPath(), e.getMessage());
        }
    }

    private Path failedReportPath() {
        Path data = table != null ? table.reportLocation() : dataLocation(target);
        // Spark lists "_a=1" names as partitions: an '=' in the name would make readers of the table read it.
        return new Path(data.getParent(), "_" + data.getName().replace('=', '_') + FailedRunReport.SUFFIX);
    }

    /**
     * Makes the run's output visible at the target, replacing an earlier one (or, partitioned, its
     * partition; a quarantine partition this run did not write is removed).
     */
    public void publish() {
        if (table != null) {
            table.published();
            return;
        }
        run.publish(swaps(run.output()), Integer.parseInt(spark.conf().get(HALT_DURING_PUBLISH_CONF, "-1")));
        LOG.info("Published {}", dataLocation(target));
    }

    /** Deletes what a failed run staged; the target stays as it was. */
    public void abandon() {
        // A table's writes are each one commit of its own: there is nothing staged to abandon.
        if (run != null) {
            run.close();
        }
    }

    /** What publish moves from the staged output {@code staged} to the target. */
    private List<RunDirectory.Swap> swaps(Path staged) {
        if (partitionBy.isEmpty()) {
            return List.of(new RunDirectory.Swap(staged, target, overwrite));
        }
        return List.of(new RunDirectory.Swap(dataLocation(staged), dataLocation(target), overwrite),
                new RunDirectory.Swap(dataLocation(new Path(staged, QuarantineRecords.DIRECTORY)),
                        dataLocation(new Path(target, QuarantineRecords.DIRECTORY)), true));
    }

    /** The staged output, in the run's directory, created when first needed. */
    private Path root() {
        if (run == null) {
            run = RunDirectory.create(fs, runParent, runPrefix);
        }
        return run.output();
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

    private boolean exists(Path path) {
        try {
            return fs.exists(path);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot check " + path, e);
        }
    }

}
