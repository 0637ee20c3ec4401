package io.lstmspark.output;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.lstmspark.config.JobConfig;
import io.lstmspark.report.RunReport;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.CreateTableWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.TableIdentifier;
import org.apache.spark.sql.catalyst.catalog.ExternalCatalogUtils;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Option;

/**
 * output.table: windows and quarantine records written into catalog tables through Spark's catalog
 * ({@code insertInto} with dynamic partition overwrite: a rerun replaces the partitions it writes), each
 * table created when missing, in output.format, partitioned by output.partition-by. The run report goes to
 * output.report-path. Each table's write is one commit of its format: atomic for Iceberg and Delta, Spark's
 * commit protocol for file-source tables.
 */
final class TableTarget {

    private static final Logger LOG = LoggerFactory.getLogger(TableTarget.class);
    private static final String OVERWRITE_MODE = "spark.sql.sources.partitionOverwriteMode";

    private final SparkSession spark;
    private final String table;
    private final String quarantineTable;
    private final String reportPath;
    private final String format;
    private final Map<String, String> options;
    private final boolean overwrite;
    private final List<String> partitionBy;
    private final Map<String, String> constants;
    private final List<OutputPathGuard.Kept> kept;
    private boolean quarantineWritten;

    private TableTarget(SparkSession spark, JobConfig.Output output, JobConfig.Storage storage,
                        List<OutputPathGuard.Kept> kept) {
        this.spark = spark;
        this.table = CatalogTables.quoted(spark, "output.table", storage.outputTable().orElseThrow());
        this.quarantineTable = CatalogTables.quoted(spark, "output.quarantine-table",
                storage.quarantineTable().orElseThrow());
        this.reportPath = storage.reportPath().orElseThrow();
        this.format = storage.outputFormat();
        this.options = new LinkedHashMap<>(storage.outputOptions());
        this.overwrite = output.mode() == JobConfig.OutputMode.OVERWRITE;
        this.partitionBy = List.copyOf(output.partitionBy());
        this.constants = new LinkedHashMap<>(output.constantColumns());
        this.kept = List.copyOf(kept);
    }

    /**
     * Checks, before any task runs, each table that exists (its location against what the run reads, its
     * partitioning, and under error-if-exists whether this run's rows are there already) and the report path.
     *
     * @param kept what the run reads (input.path or input.table's location, model.path)
     */
    static TableTarget prepare(SparkSession spark, JobConfig.Output output, JobConfig.Storage storage,
                               List<OutputPathGuard.Kept> kept) {
        TableTarget target = new TableTarget(spark, output, storage, kept);
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        OutputPathGuard.check("output.report-path " + target.reportPath,
                OutputPathGuard.resolve(target.reportPath, conf), kept, conf);
        target.check("output.table", target.table);
        target.check("output.quarantine-table", target.quarantineTable);
        return target;
    }

    void writeWindows(Dataset<Row> rows) {
        write("output.table", table, withConstants(rows));
    }

    void writeQuarantine(Dataset<Row> records) {
        quarantineWritten = true;
        write("output.quarantine-table", quarantineTable, withConstants(records));
    }

    Path writeReport(RunReport report) {
        return report.writeTo(reportLocation().toString(), spark.sparkContext().hadoopConfiguration());
    }

    /** Where this run's reports go: output.report-path, under the partition's directories when partitioned. */
    Path reportLocation() {
        Path location = new Path(reportPath);
        for (String column : partitionBy) {
            location = new Path(location, ExternalCatalogUtils.getPartitionPathString(column, constants.get(column)));
        }
        return location;
    }

    /** This run's rows in the table: those holding its constant columns' values (its partition, if any). */
    Dataset<Row> readWritten() {
        Dataset<Row> rows = spark.table(table);
        for (Map.Entry<String, String> constant : constants.entrySet()) {
            rows = rows.where(col(constant.getKey()).cast("string").equalTo(lit(constant.getValue())));
        }
        return rows;
    }

    /**
     * The end of a run that succeeded. An overwrite that set nothing aside removes the quarantine records an
     * earlier run left in what this run replaced (its partition, or the whole table), as output.path's
     * publish does.
     */
    void published() {
        if (overwrite && !quarantineWritten && CatalogTables.exists(spark, quarantineTable)) {
            clear(quarantineTable);
        }
        LOG.info("Wrote table {} (set-aside records: {}); run report under {}", table, quarantineTable, reportPath);
    }

    private void check(String key, String name) {
        if (!CatalogTables.exists(spark, name)) {
            checkDefaultLocation(key, name);
            return;
        }
        checkLocation(key, name);
        List<String> partitions = CatalogTables.partitionColumns(spark, name);
        List<String> wanted = partitionBy.stream().map(c -> c.toLowerCase(Locale.ROOT)).toList();
        if (!partitions.equals(wanted)) {
            throw new OutputException(key + " " + name + " is partitioned by " + partitions + " but output.partition-by"
                    + " is " + partitionBy + ": a rerun could replace more than its own partition; set "
                    + "output.partition-by to the table's partition columns, or write to another table");
        }
        if (!overwrite && !key.equals("output.quarantine-table")) {
            Dataset<Row> mine = spark.table(name);
            for (String column : partitionBy) {
                mine = mine.where(col(column).equalTo(lit(constants.get(column))));
            }
            if (!mine.limit(1).isEmpty()) {
                throw new OutputException(key + " " + name
                        + (partitionBy.isEmpty() ? "" : " partition " + partitionsText())
                        + " already has rows and output.mode is error-if-exists: set output.mode = overwrite to "
                        + "replace them");
            }
        }
    }

    /** A table the session catalog would create: the directory it would take must be one the run may write. */
    private void checkDefaultLocation(String key, String name) {
        List<String> parts = Arrays.stream(name.split("`\\.`")).map(p -> p.replace("`", "")).toList();
        boolean sessionCatalog = parts.size() < 3 || parts.get(0).equalsIgnoreCase("spark_catalog");
        if (!sessionCatalog) {
            return;
        }
        TableIdentifier id = parts.size() == 1 ? new TableIdentifier(parts.get(0))
                : new TableIdentifier(parts.get(parts.size() - 1), Option.apply(parts.get(parts.size() - 2)));
        String location = spark.sessionState().catalog().defaultTablePath(id).toString();
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        OutputPathGuard.check(key + " " + name + " (location " + location + ")",
                OutputPathGuard.resolve(location, conf), kept, conf);
    }

    private void checkLocation(String key, String name) {
        Optional<String> location = CatalogTables.location(spark, name);
        if (location.isPresent()) {
            Configuration conf = spark.sparkContext().hadoopConfiguration();
            OutputPathGuard.check(key + " " + name + " (location " + location.get() + ")",
                    OutputPathGuard.resolve(location.get(), conf), kept, conf);
        }
    }

    private void write(String key, String name, Dataset<Row> rows) {
        if (!CatalogTables.exists(spark, name)) {
            create(name, rows.schema());
            checkLocation(key, name);
        }
        List<Column> ordered = new ArrayList<>();
        StructType tableSchema = spark.table(name).schema();
        for (StructField column : tableSchema.fields()) {
            ordered.add(col(matching(key, name, rows.schema(), column).name()));
        }
        if (tableSchema.size() != rows.schema().size()) {
            throw new OutputException(key + " " + name + " has columns " + Arrays.toString(tableSchema.fieldNames())
                    + ", the run writes " + Arrays.toString(rows.schema().fieldNames())
                    + ": write to a table with exactly the run's columns, or to a new one");
        }
        Option<String> before = spark.conf().getOption(OVERWRITE_MODE);
        spark.conf().set(OVERWRITE_MODE, "dynamic");
        try {
            rows.select(ordered.toArray(Column[]::new)).write().options(options)
                    .mode(overwrite ? SaveMode.Overwrite : SaveMode.Append).insertInto(name);
        } finally {
            if (before.isDefined()) {
                spark.conf().set(OVERWRITE_MODE, before.get());
            } else {
                spark.conf().unset(OVERWRITE_MODE);
            }
        }
    }

    /** The run's column that {@code column} of the table takes, of the same type. */
    private static StructField matching(String key, String name, StructType written, StructField column) {
        for (StructField field : written.fields()) {
            if (field.name().equalsIgnoreCase(column.name())) {
                if (!field.dataType().catalogString().equals(column.dataType().catalogString())) {
                    throw new OutputException(key + " " + name + " has column '" + column.name() + "' as "
                            + column.dataType().catalogString() + ", the run writes " + field.dataType().catalogString()
                            + ": write to a table whose columns have the run's types, or to a new one");
                }
                return field;
            }
        }
        throw new OutputException(key + " " + name + " has column '" + column.name() + "', which the run does not "
                + "write (it writes " + Arrays.toString(written.fieldNames()) + "): write to a new table");
    }

    /** Deletes this run's partition (or every row): Spark's v2 overwrite by filter, else a v1 table's DDL. */
    private void clear(String name) {
        Column mine = lit(true);
        StringBuilder spec = new StringBuilder();
        for (String column : partitionBy) {
            mine = mine.and(col(column).equalTo(lit(constants.get(column))));
            String value = constants.get(column).replace("\\", "\\\\").replace("'", "\\'");
            spec.append(spec.length() == 0 ? "" : ", ").append('`').append(column.replace("`", "``"))
                    .append("` = '").append(value).append('\'');
        }
        try {
            spark.createDataFrame(List.of(), spark.table(name).schema()).writeTo(name).overwrite(mine);
        } catch (Exception v1Table) {
            // Scala hides the checked NoSuchTableException; a v1 table cannot overwrite by filter.
            spark.sql(partitionBy.isEmpty() ? "TRUNCATE TABLE " + name
                    : "ALTER TABLE " + name + " DROP IF EXISTS PARTITION (" + spec + ")");
        }
        LOG.info("Removed the records of earlier runs from {}{}", name, partitionBy.isEmpty() ? "" : " " + spec);
    }

    private void create(String name, StructType schema) {
        Dataset<Row> none = spark.createDataFrame(List.of(), schema);
        CreateTableWriter<Row> writer = none.writeTo(name).options(options).using(format);
        if (!partitionBy.isEmpty()) {
            Column[] rest = partitionBy.stream().skip(1).map(c -> col(c)).toArray(Column[]::new);
            writer = writer.partitionedBy(col(partitionBy.get(0)), rest);
        }
        try {
            writer.create();
        } catch (Exception e) {
            // Scala hides that create() throws the checked TableAlreadyExistsException.
            if (!CatalogTables.exists(spark, name)) {
                throw new OutputException("cannot create table " + name + " in format " + format + " (output.format): "
                        + e.getMessage().lines().findFirst().orElse(""));
            }
        }
        LOG.info("Created table {} ({}, partitioned by {})", name, format, partitionBy);
    }

    private String partitionsText() {
        StringBuilder text = new StringBuilder();
        for (String column : partitionBy) {
            text.append(text.length() == 0 ? "" : "/").append(column).append('=').append(constants.get(column));
        }
        return text.toString();
    }

    private Dataset<Row> withConstants(Dataset<Row> rows) {
        Dataset<Row> result = rows;
        for (Map.Entry<String, String> constant : constants.entrySet()) {
            result = result.withColumn(constant.getKey(), lit(constant.getValue()));
        }
        return result;
    }
}
