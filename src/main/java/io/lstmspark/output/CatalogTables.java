package io.lstmspark.output;

import io.lstmspark.config.ConfigException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.parser.ParseException;
import org.apache.spark.sql.catalog.Column;
import scala.jdk.javaapi.CollectionConverters;

/** Tables of Spark's catalogs named in the configuration: names parsed once, then always used quoted. */
public final class CatalogTables {

    private CatalogTables() {
    }

    /**
     * {@code name} ({@code table}, {@code db.table}, {@code catalog.db.table}) parsed as Spark parses it and
     * quoted part by part, so that it can only ever name a table; {@code key} is the configuration key.
     */
    public static String quoted(SparkSession spark, String key, String name) {
        List<String> parts;
        try {
            parts = CollectionConverters.asJava(spark.sessionState().sqlParser().parseMultipartIdentifier(name));
        } catch (ParseException e) {
            throw new ConfigException(key + " '" + name + "' is not a table name (catalog.db.table): "
                    + e.getMessage().lines().findFirst().orElse("").strip());
        }
        return parts.stream().map(part -> "`" + part.replace("`", "``") + "`").collect(Collectors.joining("."));
    }

    public static boolean exists(SparkSession spark, String quoted) {
        return spark.catalog().tableExists(quoted);
    }

    /** Where the table keeps its files, as its catalog states it (DESCRIBE TABLE EXTENDED's Location). */
    public static Optional<String> location(SparkSession spark, String quoted) {
        for (Row row : spark.sql("DESCRIBE TABLE EXTENDED " + quoted).collectAsList()) {
            if ("Location".equalsIgnoreCase(String.valueOf(row.get(0)).strip()) && row.get(1) != null) {
                return Optional.of(row.getString(1).strip());
            }
        }
        return Optional.empty();
    }

    /** The table's partition columns, lower case. */
    static List<String> partitionColumns(SparkSession spark, String quoted) {
        List<Column> columns;
        try {
            columns = spark.catalog().listColumns(quoted).collectAsList();
        } catch (org.apache.spark.sql.AnalysisException e) {
            throw new OutputException("cannot list the columns of table " + quoted + ": "
                    + e.getMessage().lines().findFirst().orElse(""));
        }
        return columns.stream().filter(Column::isPartition).map(c -> c.name().toLowerCase(Locale.ROOT)).toList();
    }
}
