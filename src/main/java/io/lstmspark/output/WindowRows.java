package io.lstmspark.output;

import io.lstmspark.arrow.WindowBatch;
import io.lstmspark.model.BatchOutputs;
import java.util.function.Consumer;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * Turns a batch's keys and outputs into Spark rows laid out as {@link OutputSchema}: each window's
 * slice of an output becomes a scalar or a nested Java array of the output's per-window shape
 * ({@link io.lstmspark.model.OutputValues#window}).
 */
public final class WindowRows {

    private static final int KEY_COLUMNS = 3;

    private WindowRows() {
    }

    public static void emit(WindowBatch batch, BatchOutputs outputs, Consumer<Row> sink) {
        for (int w = 0; w < batch.size(); w++) {
            emit(batch, outputs, w, sink);
        }
    }

    /** The row of the batch's window {@code w}. */
    public static void emit(WindowBatch batch, BatchOutputs outputs, int w, Consumer<Row> sink) {
        int columns = outputs.outputs().size();
        Object[] values = new Object[KEY_COLUMNS + columns];
        values[0] = batch.seriesId(w);
        values[1] = batch.start(w);
        values[2] = batch.end(w);
        for (int o = 0; o < columns; o++) {
            values[KEY_COLUMNS + o] = outputs.values(o).window(w);
        }
        sink.accept(RowFactory.create(values));
    }
}
