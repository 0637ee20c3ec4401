package io.lstmspark.output;

import io.lstmspark.config.StreamLayout;
import io.lstmspark.model.BatchOutputs;
import io.lstmspark.model.ModelCall;
import io.lstmspark.series.FeatureScaling;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Rows of stream mode, whose outputs are per-step ([chunk length, ...] per window): one row per chunk
 * with the chunk's steps, or one row per timestep.
 */
public final class StreamRows {

    private StreamRows() {
    }

    /** The columns that identify a row of {@code layout}, before the output columns. */
    public static List<String> keyColumns(StreamLayout layout) {
        return Arrays.asList(schema(layout, DataTypes.StringType, DataTypes.StringType, List.of()).fieldNames());
    }

    /** As {@link #schema(StreamLayout, DataType, DataType, List)}, then the per-series scaling parameters' columns. */
    public static StructType schema(StreamLayout layout, DataType seriesIdType, DataType timestampType,
                                    List<ModelCall.FetchedOutput> outputs, List<String> perSeriesScalingParameters) {
        StructType schema = schema(layout, seriesIdType, timestampType, outputs);
        for (String parameter : perSeriesScalingParameters) {
            schema = schema.add(OutputSchema.SCALER_PREFIX + parameter,
                    DataTypes.createArrayType(DataTypes.DoubleType, false), false);
        }
        return schema;
    }

    public static StructType schema(StreamLayout layout, DataType seriesIdType, DataType timestampType,
                                    List<ModelCall.FetchedOutput> outputs) {
        StructType schema = new StructType().add(OutputSchema.SERIES_ID, seriesIdType, false);
        if (layout == StreamLayout.CHUNK) {
            schema = schema.add("chunk_index", DataTypes.LongType, false)
                    .add("chunk_start", timestampType, false)
                    .add("chunk_end", timestampType, false)
                    .add("steps", DataTypes.IntegerType, false);
        } else {
            schema = schema.add("step", DataTypes.LongType, false).add("timestamp", timestampType, false);
        }
        int dropped = layout == StreamLayout.STEP ? 1 : 0;
        for (ModelCall.FetchedOutput output : outputs) {
            schema = schema.add(output.column(), OutputSchema.columnType(output.type(), output.rank() - dropped),
                    false);
        }
        return schema;
    }

    /**
     * Emits the rows of the chunk in batch slot {@code slot}: its first {@code timestamps.length} steps
     * are real, the rest of the window was padding.
     *
     * @param firstStep the series-wide index of the chunk's first step
     * @param params    the batch's scaling parameters, 2 per feature of {@code features} per chunk: outputs are
     *                  scaled back with them
     */
    public static void emit(StreamLayout layout, Object seriesId, long chunkIndex, long firstStep, Object[] timestamps,
                            BatchOutputs outputs, int slot, FeatureScaling scaling, double[] params, int features,
                            Consumer<Row> sink) {
        int columns = outputs.outputs().size();
        int steps = timestamps.length;
        int paramColumns = scaling.perSeries() ? 2 : 0;
        int offset = slot * 2 * features;
        if (layout == StreamLayout.CHUNK) {
            Object[] values = new Object[5 + columns + paramColumns];
            values[0] = seriesId;
            values[1] = chunkIndex;
            values[2] = timestamps[0];
            values[3] = timestamps[steps - 1];
            values[4] = steps;
            for (int o = 0; o < columns; o++) {
                values[5 + o] = scaling.invertOutput(o, outputs.values(o).steps(slot, steps), params, offset);
            }
            addParams(values, 5 + columns, paramColumns, params, offset, features);
            sink.accept(RowFactory.create(values));
            return;
        }
        for (int t = 0; t < steps; t++) {
            Object[] values = new Object[3 + columns + paramColumns];
            values[0] = seriesId;
            values[1] = firstStep + t;
            values[2] = timestamps[t];
            for (int o = 0; o < columns; o++) {
                values[3 + o] = scaling.invertOutput(o, outputs.values(o).step(slot, t), params, offset);
            }
            addParams(values, 3 + columns, paramColumns, params, offset, features);
            sink.accept(RowFactory.create(values));
        }
    }

    private static void addParams(Object[] values, int from, int paramColumns, double[] params, int offset,
                                  int features) {
        for (int p = 0; p < paramColumns; p++) {
            values[from + p] = FeatureScaling.column(params, offset, features, p);
        }
    }
}
