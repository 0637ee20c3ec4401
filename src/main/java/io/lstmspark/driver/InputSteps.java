package io.lstmspark.driver;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.input_file_name;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.try_to_timestamp;
import static org.apache.spark.sql.functions.when;

import io.lstmspark.config.ConfigException;
import io.lstmspark.config.JobConfig;
import io.lstmspark.report.RunReport;
import io.lstmspark.series.InputColumns;
import io.lstmspark.series.InputDataException;
import io.lstmspark.series.StepReader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The input as steps: read (a path in any Spark data source, keeping malformed CSV lines, or a catalog
 * table), checked on the driver,
 * reduced to (series id, timestamp, features as double, [raw timestamp], [malformed line]).
 */
final class InputSteps {

    static final String MALFORMED_LINE = "_lstm_spark_malformed_line";
    private static final String RAW_TIMESTAMP = "_lstm_spark_raw_timestamp";

    private final Dataset<Row> steps;
    private final StepReader.Layout layout;
    private final DataType seriesIdType;
    private final DataType timestampType;
    private final Optional<InputFiles.Footers> footers;
    private final boolean filtered;

    private InputSteps(Dataset<Row> steps, StepReader.Layout layout, DataType seriesIdType, DataType timestampType,
                       Optional<InputFiles.Footers> footers, boolean filtered) {
        this.steps = steps;
        this.filtered = filtered;
        this.footers = footers;
        this.layout = layout;
        this.seriesIdType = seriesIdType;
        this.timestampType = timestampType;
    }

    static InputSteps read(SparkSession spark, JobConfig.Input in) {
        return read(spark, in, Optional.empty());
    }

    /** The steps of {@code table} (input.table) when given, else of input.path in input.format. */
    static InputSteps read(SparkSession spark, JobConfig.Input in, Optional<String> table) {
        Dataset<Row> raw = table.isPresent() ? InputTable.load(spark, table.get(), in.options()) : load(spark, in);
        Optional<InputFiles.Footers> footers = Optional.empty();
        if (table.isEmpty() && isFormat(in, "parquet")) {
            footers = Optional.of(InputFiles.checkParquet(spark.sessionState().newHadoopConf(), raw.inputFiles(),
                    InputFiles.columnKeys(in), InputFiles.ignoresCorruptFiles(spark, in.options())));
        }
        return of(raw, in, table.map(name -> "input.table " + name).orElse(in.path()), footers);
    }

    /**
     * Steps from input already loaded: the job's read, or the caller's Dataset (the DataFrame API);
     * {@code source} names it in messages; features as doubles.
     */
    static InputSteps of(Dataset<Row> raw, JobConfig.Input in, String source, Optional<InputFiles.Footers> footers) {
        InputColumns.Checked checked = InputColumns.check(raw.schema(), source, in.seriesId(), in.timestamp(),
                in.features());
        List<Column> columns = new ArrayList<>();
        columns.add(oneZero(col(in.seriesId()), checked.seriesIdType()).as(in.seriesId()));
        boolean textTimestamp = checked.timestampType() instanceof StringType;
        DataType timestampType = checked.timestampType();
        if (textTimestamp) {
            Column text = col(in.timestamp());
            columns.add((in.timestampFormat().isPresent() ? try_to_timestamp(text, lit(in.timestampFormat().get()))
                    : text.try_cast(DataTypes.TimestampType)).as(in.timestamp()));
            timestampType = DataTypes.TimestampType;
        } else {
            columns.add(oneZero(col(in.timestamp()), timestampType).as(in.timestamp()));
        }
        for (String feature : in.features()) {
            columns.add(col(feature).cast(DataTypes.DoubleType));
        }
        int next = 2 + in.features().size();
        int rawTimestamp = -1;
        if (textTimestamp) {
            columns.add(col(in.timestamp()).as(RAW_TIMESTAMP));
            rawTimestamp = next++;
        }
        int malformed = -1;
        if (Arrays.asList(raw.schema().fieldNames()).contains(MALFORMED_LINE)) {
            columns.add(col(MALFORMED_LINE));
            malformed = next;
        }
        StepReader.Layout layout = new StepReader.Layout(0, 1, 2, in.features(), rawTimestamp, malformed,
                in.seriesId(), in.timestamp());
        return new InputSteps(raw.select(columns.toArray(Column[]::new)), layout, checked.seriesIdType(),
                timestampType, footers, false);
    }

    /**
     * The steps that pass {@code predicate}, a condition on the read columns: Spark pushes it through the
     * projection to the scan, before any exchange.
     */
    InputSteps filtered(Column predicate) {
        return new InputSteps(steps.filter(predicate), layout, seriesIdType, timestampType, footers, true);
    }

    /**
     * As {@link #filtered(Column)}, reading only {@code files} of the Parquet input (found from their
     * statistics to hold the rows the predicate can pass), so that Spark does not even plan tasks for the others.
     * Partition columns are still taken from the folders under input.path.
     */
    InputSteps filtered(Column predicate, SparkSession spark, JobConfig.Input in, List<String> files) {
        Dataset<Row> raw = spark.read().format("parquet").options(in.options()).option("basePath", in.path())
                .load(files.toArray(String[]::new));
        return of(raw, in, in.path(), footers).filtered(predicate);
    }

    Optional<InputFiles.Footers> footers() {
        return footers;
    }

    /**
     * Whether only part of the input is read (forecast history), so that fewer rows than the files hold is expected.
     */
    boolean filtered() {
        return filtered;
    }

    /** Whether the timestamp was text in the input, parsed after the read. */
    boolean textTimestamp() {
        return layout.rawTimestamp() >= 0;
    }

    /**
     * A float or double key with -0.0 as 0.0: Spark partitions and sorts the two as one key, Java's
     * equals (the window cutter's) would see two. NaN needs nothing: both take all NaNs as one.
     */
    private static Column oneZero(Column key, DataType type) {
        if (type.equals(DataTypes.DoubleType) || type.equals(DataTypes.FloatType)) {
            return when(key.equalTo(lit(0)), lit(0).cast(type)).otherwise(key);
        }
        return key;
    }

    /**
     * Parquet as it is; CSV with a header and inferred types, read a second time with that schema
     * (features as doubles) plus a column that keeps each line Spark cannot parse, so no line
     * disappears silently.
     */
    private static Dataset<Row> load(SparkSession spark, JobConfig.Input in) {
        Map<String, String> options = new LinkedHashMap<>();
        if (isFormat(in, "csv")) {
            options.put("header", "true");
            options.put("inferSchema", "true");
        }
        options.putAll(in.options());
        try {
            Dataset<Row> data = spark.read().format(in.format()).options(options).load(in.path());
            if (!isFormat(in, "csv")) {
                return data;
            }
            // Features are numeric by definition: one bad value must not turn a whole column into text.
            StructType withMalformed = new StructType();
            for (StructField field : data.schema().fields()) {
                withMalformed = withMalformed.add(field.name(),
                        in.features().contains(field.name()) ? DataTypes.DoubleType : field.dataType(), true);
            }
            withMalformed = withMalformed.add(MALFORMED_LINE, DataTypes.StringType, true);
            options.remove("inferSchema");
            options.put("mode", "PERMISSIVE");
            options.put("columnNameOfCorruptRecord", MALFORMED_LINE);
            return spark.read().format("csv").options(options).schema(withMalformed).load(in.path());
        } catch (Exception e) {
            // Scala hides that load() throws the checked AnalysisException (e.g. a missing path).
            if (e instanceof org.apache.spark.sql.AnalysisException) {
                throw new InputDataException("cannot read input.path " + in.path() + " as " + in.format() + ": "
                        + e.getMessage().lines().findFirst().orElse(""));
            }
            Optional<ConfigException> noSource = InputTable.missingDataSource(e, "input.format", in.format());
            if (noSource.isPresent()) {
                throw noSource.get();
            }
            // Schema inference reads a footer: a truncated file can fail here already.
            Optional<InputDataException> unreadable = InputFiles.unreadable(e);
            if (unreadable.isPresent()) {
                throw unreadable.get();
            }
            throw e;
        }
    }

    /**
     * Parquet files Spark skipped (ignoreCorruptFiles): those whose footer the driver could not read, and,
     * when fewer rows than the footers hold reached the tasks, those Spark stopped reading part-way. Only
     * then are the rows of each file counted again, in a job of their own.
     */
    List<RunReport.SkippedInputFile> skippedFiles(SparkSession spark, JobConfig.Input in, long rowsRead) {
        if (this.footers.isEmpty()) {
            return List.of();
        }
        InputFiles.Footers footers = this.footers.get();
        List<RunReport.SkippedInputFile> skipped = new ArrayList<>(footers.skipped());
        // With a history filter fewer rows than the footers hold are read by design: files skipped part-way
        // cannot be told from that, only those whose footer could not be read.
        if (rowsRead == footers.rows() || filtered) {
            return skipped;
        }
        // The hash makes Spark decode the job's columns: a count alone reads only the footers.
        Column[] columns = InputFiles.columnKeys(in).keySet().stream().map(functions::col).toArray(Column[]::new);
        Dataset<Row> perFile = load(spark, in).groupBy(input_file_name())
                .agg(functions.count(lit(1)), functions.max(functions.hash(columns)));
        Map<String, Long> readByFile = new HashMap<>();
        for (Row file : perFile.collectAsList()) {
            readByFile.put(new Path(file.getString(0)).toUri().getPath(), file.getLong(1));
        }
        footers.rowsByFile().forEach((file, rows) -> {
            long read = readByFile.getOrDefault(new Path(file).toUri().getPath(), 0L);
            if (read < rows) {
                skipped.add(new RunReport.SkippedInputFile(file, "read " + read + " of its " + rows
                        + " rows: Spark skipped the rest, which it could not read"));
            }
        });
        return skipped;
    }

    /** Spark takes data source names in any case. */
    private static boolean isFormat(JobConfig.Input in, String format) {
        return in.format().equalsIgnoreCase(format);
    }

    Dataset<Row> steps() {
        return steps;
    }

    StepReader.Layout layout() {
        return layout;
    }

    DataType seriesIdType() {
        return seriesIdType;
    }

    /** The timestamp's type as the output keeps it (text timestamps are parsed into timestamps). */
    DataType timestampType() {
        return timestampType;
    }
}
