package io.lstmspark.series;

import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Checks an input's schema against the configured columns on the driver, before any task runs:
 * every column present, features numeric, series id and timestamp plain (orderable) values.
 */
public final class InputColumns {

    private InputColumns() {
    }

    /** The checked columns: types of the series id and timestamp, as the output keeps them. */
    public record Checked(DataType seriesIdType, DataType timestampType) {
    }

    public static Checked check(StructType schema, String inputPath, String seriesId, String timestamp,
                                List<String> features) {
        StructField series = field(schema, inputPath, seriesId, "input.series-id");
        StructField time = field(schema, inputPath, timestamp, "input.timestamp");
        requireAtomic(series, inputPath, "input.series-id");
        requireAtomic(time, inputPath, "input.timestamp");
        for (String feature : features) {
            StructField field = field(schema, inputPath, feature, "input.features");
            if (!(field.dataType() instanceof NumericType)) {
                throw new InputDataException("feature column '" + feature + "' in " + inputPath + " is "
                        + field.dataType().simpleString() + "; features must be numeric: "
                        + "convert it upstream or remove it from input.features");
            }
        }
        return new Checked(series.dataType(), time.dataType());
    }

    private static StructField field(StructType schema, String inputPath, String name, String key) {
        return Arrays.stream(schema.fields()).filter(f -> f.name().equals(name)).findFirst()
                .orElseThrow(() -> new InputDataException("column '" + name + "' (" + key + ") is not in "
                        + inputPath + "; its columns are " + Arrays.toString(schema.fieldNames())));
    }

    private static void requireAtomic(StructField field, String inputPath, String key) {
        String type = field.dataType().typeName();
        if (type.equals("array") || type.equals("map") || type.equals("struct") || type.equals("binary")) {
            throw new InputDataException("column '" + field.name() + "' (" + key + ") in " + inputPath + " is "
                    + field.dataType().simpleString() + "; it must be a single orderable value");
        }
    }
}
