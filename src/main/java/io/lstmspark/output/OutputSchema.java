package io.lstmspark.output;

import io.lstmspark.model.ElementType;
import io.lstmspark.model.ModelCall;
import java.util.List;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The Spark schema of the output rows: the window's keys, then one column per requested output whose
 * type follows the output's per-window rank (0: float, 1: array&lt;float&gt;, 2: array&lt;array&lt;float&gt;&gt;, ...).
 */
public final class OutputSchema {

    public static final String SERIES_ID = "series_id";
    public static final String WINDOW_START = "window_start";
    public static final String WINDOW_END = "window_end";

    private OutputSchema() {
    }

    public static StructType of(DataType seriesIdType, DataType timestampType, List<ModelCall.FetchedOutput> outputs) {
        StructType schema = new StructType()
                .add(SERIES_ID, seriesIdType, false)
                .add(WINDOW_START, timestampType, false)
                .add(WINDOW_END, timestampType, false);
        for (ModelCall.FetchedOutput output : outputs) {
            schema = schema.add(output.column(), columnType(output.type(), output.rank()), false);
        }
        return schema;
    }

    /** The Spark type of an output of the given element type and per-window rank. */
    public static DataType columnType(ElementType type, int rank) {
        DataType column = switch (type) {
            case FLOAT32 -> DataTypes.FloatType;
            case FLOAT64 -> DataTypes.DoubleType;
        };
        for (int i = 0; i < rank; i++) {
            column = DataTypes.createArrayType(column, false);
        }
        return column;
    }
}
