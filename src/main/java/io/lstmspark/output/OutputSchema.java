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
    /** Columns of the per-series scaling parameters: scaler_data_min, scaler_data_max, scaler_mean, scaler_scale. */
    public static final String SCALER_PREFIX = "scaler_";

    private OutputSchema() {
    }

    /**
     * As {@link #of(DataType, DataType, List)}, then, with per-series scaling, one array&lt;double&gt; column
     * per parameter (e.g. {@code scaler_data_min}), one value per input feature, in input.features order.
     */
    public static StructType of(DataType seriesIdType, DataType timestampType, List<ModelCall.FetchedOutput> outputs,
                                List<String> perSeriesScalingParameters) {
        StructType schema = of(seriesIdType, timestampType, outputs);
        for (String parameter : perSeriesScalingParameters) {
            schema = schema.add(SCALER_PREFIX + parameter, DataTypes.createArrayType(DataTypes.DoubleType, false),
                    false);
        }
        return schema;
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
