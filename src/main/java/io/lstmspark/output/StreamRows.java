package io.lstmspark.output;

import io.lstmspark.config.StreamLayout;
import io.lstmspark.model.BatchOutputs;
import io.lstmspark.model.ModelCall;
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
            schema = schema.add(output.column(), OutputSchema.columnType(output.type(), output.rank() - dropped), false);
        }
        return schema;
    }

    /**
     * Emits the rows of the chunk in batch slot {@code slot}: its first {@code timestamps.length} steps
     * are real, the rest of the window was padding.
     *
     * @param firstStep the series-wide index of the chunk's first step
     */
    public static void emit(StreamLayout layout, Object seriesId, long chunkIndex, long firstStep, Object[] timestamps,
                            BatchOutputs outputs, int slot, Consumer<Row> sink) {
        int columns = outputs.outputs().size();
        int steps = timestamps.length;
        if (layout == StreamLayout.CHUNK) {
            Object[] values = new Object[5 + columns];
            values[0] = seriesId;
            values[1] = chunkIndex;
            values[2] = timestamps[0];
            values[3] = timestamps[steps - 1];
            values[4] = steps;
            for (int o = 0; o < columns; o++) {
                values[5 + o] = outputs.values(o).steps(slot, steps);
            }
            sink.accept(RowFactory.create(values));
            return;
        }
        for (int t = 0; t < steps; t++) {
            Object[] values = new Object[3 + columns];
            values[0] = seriesId;
            values[1] = firstStep + t;
            values[2] = timestamps[t];
            for (int o = 0; o < columns; o++) {
                values[3 + o] = outputs.values(o).step(slot, t);
            }
            sink.accept(RowFactory.create(values));
        }
    }
}
