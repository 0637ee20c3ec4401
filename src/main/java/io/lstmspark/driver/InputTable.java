package io.lstmspark.driver;

import io.lstmspark.config.ConfigException;
import io.lstmspark.output.CatalogTables;
import io.lstmspark.series.InputDataException;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.SparkThrowable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** input.table: a table of Spark's catalogs (the session's, or one such as Iceberg's), read with input.options. */
final class InputTable {

    private InputTable() {
    }

    static Dataset<Row> load(SparkSession spark, String table, Map<String, String> options) {
        String quoted = CatalogTables.quoted(spark, "input.table", table);
        if (!CatalogTables.exists(spark, quoted)) {
            throw new InputDataException("input.table " + table + " does not exist: check its name (catalog.db.table)"
                    + " and that its catalog is configured (spark.sql.catalog.NAME)");
        }
        try {
            return spark.read().options(options).table(quoted);
        } catch (Exception e) {
            Optional<ConfigException> noSource = missingDataSource(e, "input.table", table);
            if (noSource.isPresent()) {
                throw noSource.get();
            }
            // Scala hides that table() throws the checked AnalysisException.
            if (e instanceof org.apache.spark.sql.AnalysisException) {
                throw new InputDataException("cannot read input.table " + table + ": "
                        + e.getMessage().lines().findFirst().orElse(""));
            }
            throw e;
        }
    }

    /** A data source Spark does not have (its jar is not on the classpath), as a user error naming the key. */
    static Optional<ConfigException> missingDataSource(Throwable failure, String key, String value) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SparkThrowable spark && "DATA_SOURCE_NOT_FOUND".equals(spark.getCondition())) {
                return Optional.of(new ConfigException(key + " " + value + " needs a Spark data source this "
                        + "classpath does not have (" + t.getMessage().lines().findFirst().orElse("").strip()
                        + "): add its jar (spark-submit --packages or --jars), or use one Spark has: parquet, csv, "
                        + "json, orc"));
            }
        }
        return Optional.empty();
    }
}
