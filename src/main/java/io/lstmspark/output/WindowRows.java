package io.lstmspark.output;

import io.lstmspark.arrow.WindowBatch;
import io.lstmspark.model.BatchOutputs;
import io.lstmspark.series.FeatureScaling;
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
        emit(batch, outputs, w, FeatureScaling.NONE, null, sink);
    }

    /**
     * The row of the batch's window {@code w}, its outputs scaled back as {@code scaling} says, the last
     * step before the row is made; with per-series scaling the series' parameters follow the outputs.
     *
     * @param params the batch's scaling parameters, 2 per feature per window
     */
    public static void emit(WindowBatch batch, BatchOutputs outputs, int w, FeatureScaling scaling, double[] params,
                            Consumer<Row> sink) {
        int columns = outputs.outputs().size();
        int paramColumns = scaling.perSeries() ? 2 : 0;
        Object[] values = new Object[KEY_COLUMNS + columns + paramColumns];
        values[0] = batch.seriesId(w);
        values[1] = batch.start(w);
        values[2] = batch.end(w);
        int features = batch.features();
        for (int o = 0; o < columns; o++) {
            Object value = outputs.values(o).window(w);
            values[KEY_COLUMNS + o] = scaling.active() ? scaling.invertOutput(o, value, params, w * 2 * features)
                    : value;
        }
        for (int p = 0; p < paramColumns; p++) {
            values[KEY_COLUMNS + columns + p] = FeatureScaling.column(params, w * 2 * features, features, p);
        }
        sink.accept(RowFactory.create(values));
    }
}
