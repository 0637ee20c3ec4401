package io.lstmspark.config;

import com.typesafe.config.Config;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Where the job reads and writes besides paths: {@code input.table}, {@code output.table} (Spark catalog
 * tables), {@code output.format} and {@code output.options}, and where a table target's quarantine and
 * run report go. Exactly one of input.path and input.table, and of output.path and output.table.
 */
final class StorageKeys {

    private StorageKeys() {
    }

    /** input.path, or "" when input.table names the input instead. */
    static String inputPath(Config c) {
        return exactlyOne(c, "input.path", "input.table", "a file or directory", "a catalog table");
    }

    /** output.path, or "" when output.table names the target instead. */
    static String outputPath(Config c) {
        return exactlyOne(c, "output.path", "output.table", "a directory", "a catalog table");
    }

    static JobConfig.Storage storage(Config c, Map<String, String> outputOptions) {
        Optional<String> inputTable = text(c, "input.table");
        Optional<String> outputTable = text(c, "output.table");
        Optional<String> quarantineTable = text(c, "output.quarantine-table");
        Optional<String> reportPath = text(c, "output.report-path");
        String format = text(c, "output.format").orElseThrow(
                () -> new ConfigException("configuration key output.format is required (parquet, orc, ...)"));
        if (outputTable.isEmpty()) {
            for (String key : new String[] {"output.quarantine-table", "output.report-path"}) {
                if (text(c, key).isPresent()) {
                    throw new ConfigException(key + " applies to output.table only: with output.path, the quarantine "
                            + "and the run report go inside output.path; remove " + key);
                }
            }
        } else {
            if (reportPath.isEmpty()) {
                throw new ConfigException("output.table " + outputTable.get() + " needs output.report-path: a "
                        + "directory for the run report (_run_report.json), which a table has no place for");
            }
            if (quarantineTable.isEmpty()) {
                quarantineTable = Optional.of(outputTable.get() + "_quarantine");
            }
            if (quarantineTable.get().equalsIgnoreCase(outputTable.get())) {
                throw new ConfigException("output.quarantine-table is output.table " + outputTable.get()
                        + ": give the quarantine a table of its own");
            }
            if (inputTable.isPresent() && (sameTable(inputTable.get(), outputTable.get())
                    || sameTable(inputTable.get(), quarantineTable.get()))) {
                throw new ConfigException("output.table " + outputTable.get() + " is input.table " + inputTable.get()
                        + " (or its quarantine): a run would replace what it reads; write to another table");
            }
        }
        return new JobConfig.Storage(inputTable, format, new LinkedHashMap<>(outputOptions), outputTable,
                quarantineTable, reportPath);
    }

    /** Spark's catalog matches identifiers case-insensitively; backquotes only quote. */
    private static boolean sameTable(String a, String b) {
        return a.replace("`", "").equalsIgnoreCase(b.replace("`", ""));
    }

    private static String exactlyOne(Config c, String pathKey, String tableKey, String path, String table) {
        Optional<String> given = text(c, pathKey);
        Optional<String> tableName = text(c, tableKey);
        if (given.isPresent() && tableName.isPresent()) {
            throw new ConfigException(pathKey + " and " + tableKey + " are both set: give one, " + pathKey + " for "
                    + path + " or " + tableKey + " for " + table);
        }
        if (given.isEmpty() && tableName.isEmpty()) {
            throw new ConfigException("configuration key " + pathKey + " is required (or " + tableKey + " for "
                    + table + ")");
        }
        return given.orElse("");
    }

    private static Optional<String> text(Config c, String key) {
        return c.hasPath(key) && !c.getString(key).isBlank() ? Optional.of(c.getString(key).strip()) : Optional.empty();
    }
}
