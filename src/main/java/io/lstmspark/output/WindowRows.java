package io.lstmspark.output;

import io.lstmspark.arrow.WindowBatch;
import io.lstmspark.model.BatchOutputs;
import io.lstmspark.model.ElementType;
import io.lstmspark.model.ModelCall;
import java.lang.reflect.Array;
import java.util.List;
import java.util.function.Consumer;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * Turns a batch's keys and outputs into Spark rows laid out as {@link OutputSchema}: each window's
 * slice of an output becomes a scalar or a nested Java array of the output's per-window shape.
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
        List<ModelCall.FetchedOutput> fetched = outputs.outputs();
        Object[] values = new Object[KEY_COLUMNS + fetched.size()];
        values[0] = batch.seriesId(w);
        values[1] = batch.start(w);
        values[2] = batch.end(w);
        for (int o = 0; o < fetched.size(); o++) {
            ModelCall.FetchedOutput output = fetched.get(o);
            int offset = w * output.windowSize();
            values[KEY_COLUMNS + o] = output.type() == ElementType.FLOAT32
                    ? slice(outputs.floats(o), offset, output.windowShape())
                    : slice(outputs.doubles(o), offset, output.windowShape());
        }
        sink.accept(RowFactory.create(values));
    }

    /** One window's values as a boxed scalar (rank 0) or a nested primitive array of {@code shape}. */
    static Object slice(Object flat, int offset, long[] shape) {
        if (shape.length == 0) {
            return Array.get(flat, offset);
        }
        int[] dims = new int[shape.length];
        for (int i = 0; i < shape.length; i++) {
            dims[i] = Math.toIntExact(shape[i]);
        }
        Object nested = Array.newInstance(flat.getClass().getComponentType(), dims);
        fill(nested, flat, offset, dims, 0);
        return nested;
    }

    /** Copies the innermost rows one arraycopy each; returns how many values were consumed. */
    private static int fill(Object nested, Object flat, int offset, int[] dims, int depth) {
        if (depth == dims.length - 1) {
            System.arraycopy(flat, offset, nested, 0, dims[depth]);
            return dims[depth];
        }
        int consumed = 0;
        for (int i = 0; i < dims[depth]; i++) {
            consumed += fill(Array.get(nested, i), flat, offset + consumed, dims, depth + 1);
        }
        return consumed;
    }
}
