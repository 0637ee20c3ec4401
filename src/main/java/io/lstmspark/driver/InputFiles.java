package io.lstmspark.driver;

import io.lstmspark.config.JobConfig;
import io.lstmspark.report.RunReport;
import io.lstmspark.series.InputDataException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;
import org.apache.spark.SparkThrowable;
import org.apache.spark.sql.SparkSession;

/**
 * The footers of a Parquet input's files, read on the driver before any task runs: every file must be
 * readable and hold the job's columns with the types the other files give them. Spark would otherwise
 * read a missing column as nulls and fail on a type or a truncated file mid-job, naming neither.
 */
final class InputFiles {

    private InputFiles() {
    }

    /** Whether Spark skips files it cannot read: the reader option, else the session's setting. */
    static boolean ignoresCorruptFiles(SparkSession spark, Map<String, String> options) {
        for (Map.Entry<String, String> option : options.entrySet()) {
            if (option.getKey().equalsIgnoreCase("ignoreCorruptFiles")) {
                return Boolean.parseBoolean(option.getValue());
            }
        }
        return Boolean.parseBoolean(spark.conf().get("spark.sql.files.ignoreCorruptFiles", "false"));
    }

    /**
     * What the footers say.
     *
     * @param skipped    files whose footer did not read (only when Spark skips such files)
     * @param rowsByFile rows each readable file holds
     * @param timestamps each readable file's timestamp range, where its statistics give one
     */
    record Footers(List<RunReport.SkippedInputFile> skipped, Map<String, Long> rowsByFile,
                   Map<String, Optional<TimestampStatistics>> timestamps) {
        long rows() {
            return rowsByFile.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    /**
     * Checks {@code files} (in path order) for the columns the job reads; columns no file holds (partition
     * columns) are left to the schema check. Files that cannot be read are listed when {@code ignoreCorrupt},
     * as Spark skips them too; otherwise an unreadable file is an error.
     */
    static Footers checkParquet(Configuration hadoopConf, String[] files, Map<String, String> columnKeys,
                                boolean ignoreCorrupt) {
        String[] sorted = files.clone();
        Arrays.sort(sorted);
        List<RunReport.SkippedInputFile> skipped = new ArrayList<>();
        Map<String, String> firstFile = new LinkedHashMap<>();
        Map<String, String> firstType = new LinkedHashMap<>();
        Map<String, String> firstLacking = new LinkedHashMap<>();
        Map<String, Long> rowsByFile = new LinkedHashMap<>();
        Map<String, Optional<TimestampStatistics>> timestamps = new LinkedHashMap<>();
        String timestampColumn = columnKeys.entrySet().stream().filter(e -> e.getValue().equals("input.timestamp"))
                .map(Map.Entry::getKey).findFirst().orElse("");
        for (String file : sorted) {
            MessageType schema;
            try (ParquetFileReader reader = ParquetFileReader.open(
                    HadoopInputFile.fromPath(new Path(file), hadoopConf))) {
                schema = reader.getFooter().getFileMetaData().getSchema();
                rowsByFile.put(file, reader.getRecordCount());
                timestamps.put(file, TimestampStatistics.of(reader.getFooter(), timestampColumn));
            } catch (IOException | RuntimeException e) {
                String why = firstLine(e);
                if (ignoreCorrupt) {
                    skipped.add(new RunReport.SkippedInputFile(file, why));
                    continue;
                }
                throw new InputDataException("input file " + file + " is not a readable Parquet file (" + why
                        + "): replace or remove it, or set input.options.ignoreCorruptFiles = true to skip "
                        + "unreadable files (the run report lists them)");
            }
            for (Map.Entry<String, String> column : columnKeys.entrySet()) {
                String name = column.getKey();
                if (!schema.containsField(name)) {
                    firstLacking.putIfAbsent(name, file);
                    continue;
                }
                String type = typeOf(schema.getType(name));
                String seenType = firstType.putIfAbsent(name, type);
                firstFile.putIfAbsent(name, file);
                if (seenType != null && !seenType.equals(type)) {
                    throw new InputDataException("column '" + name + "' (" + column.getValue() + ") is " + seenType
                            + " in input file " + firstFile.get(name) + " but " + type + " in input file " + file
                            + ": every file must give a column the same type; rewrite the files that differ");
                }
            }
        }
        for (Map.Entry<String, String> lacking : firstLacking.entrySet()) {
            String name = lacking.getKey();
            if (firstFile.containsKey(name)) {
                throw new InputDataException("input file " + lacking.getValue() + " has no column '" + name + "' ("
                        + columnKeys.get(name) + "), which input file " + firstFile.get(name) + " has: every file "
                        + "must hold every column the job reads");
            }
        }
        return new Footers(skipped, rowsByFile, timestamps);
    }

    /** The job's columns (series id, timestamp, features) with the configuration key that names each. */
    static Map<String, String> columnKeys(JobConfig.Input in) {
        Map<String, String> keys = new LinkedHashMap<>();
        keys.put(in.seriesId(), "input.series-id");
        keys.put(in.timestamp(), "input.timestamp");
        Set<String> features = new LinkedHashSet<>(in.features());
        features.forEach(feature -> keys.putIfAbsent(feature, "input.features"));
        return keys;
    }

    /** A column's Parquet type as the files state it: physical type and annotation, e.g. "int64 (TIMESTAMP...)". */
    private static String typeOf(Type type) {
        if (!type.isPrimitive()) {
            return type.toString();
        }
        PrimitiveType primitive = type.asPrimitiveType();
        String physical = primitive.getPrimitiveTypeName().name().toLowerCase(java.util.Locale.ROOT);
        LogicalTypeAnnotation annotation = primitive.getLogicalTypeAnnotation();
        return annotation == null ? physical : physical + " (" + annotation + ")";
    }

    /**
     * A read failure Spark reports for a file (a type it cannot convert, a corrupt file found mid-read),
     * as a user error naming the file and the cause; empty for anything else.
     */
    static Optional<InputDataException> unreadable(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SparkThrowable spark && spark.getCondition() != null
                    && (spark.getCondition().startsWith("FAILED_READ_FILE")
                    || spark.getCondition().startsWith("CANNOT_READ_FILE_FOOTER"))) {
                Throwable root = t;
                while (root.getCause() != null) {
                    root = root.getCause();
                }
                return Optional.of(new InputDataException("cannot read the input: " + firstLine(t)
                        + (root == t ? "" : " (" + firstLine(root) + ")")));
            }
        }
        return Optional.empty();
    }

    private static String firstLine(Throwable e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return message.lines().findFirst().orElse("").strip();
    }
}
