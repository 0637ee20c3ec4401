package io.lstmspark.output;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.sort_array;
import static org.apache.spark.sql.functions.struct;

import io.lstmspark.arrow.WindowBatch;
import io.lstmspark.config.ForecastSettings;
import io.lstmspark.model.BatchOutputs;
import io.lstmspark.model.ModelCall;
import io.lstmspark.series.FeatureScaling;
import io.lstmspark.series.TimeAxis;
import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The rows of forecasts with a horizon of N steps, whose outputs hold N values per window (value k: step k + 1).
 * Long layout: a row per series and step, {@code series_id, window_end, step, forecast_ts} and the outputs as
 * scalars. Wide layout: a row per series, {@code series_id, window_start, window_end, forecast_ts} and the outputs
 * as arrays of N, {@code forecast_ts} an array of N timestamps. {@code forecast_ts} = window_end + step x the
 * series' interval, of the input timestamp's type.
 */
public final class HorizonRows {

    public static final String STEP = "step";
    public static final String FORECAST_TS = "forecast_ts";

    private HorizonRows() {
    }

    /** The key columns of a layout, in order. */
    public static List<String> keyColumns(ForecastSettings.Layout layout) {
        return layout == ForecastSettings.Layout.LONG
                ? List.of(OutputSchema.SERIES_ID, OutputSchema.WINDOW_END, STEP, FORECAST_TS)
                : List.of(OutputSchema.SERIES_ID, OutputSchema.WINDOW_START, OutputSchema.WINDOW_END, FORECAST_TS);
    }

    /**
     * Rows as written, with a horizon's long-layout rows folded back into one row per forecast whose outputs are
     * arrays ordered by step (the wide layout's shape), for readers that take a forecast whole: the backtest, the
     * report's charts. Rows of any other layout are returned as they are.
     */
    public static Dataset<Row> perForecast(Dataset<Row> written, ForecastSettings forecast) {
        if (!forecast.hasHorizon() || forecast.layout() != ForecastSettings.Layout.LONG) {
            return written;
        }
        List<Column> byStep = new ArrayList<>();
        for (String column : written.columns()) {
            if (!column.equals(OutputSchema.SERIES_ID) && !column.equals(OutputSchema.WINDOW_END)
                    && !column.equals(STEP)) {
                byStep.add(sort_array(collect_list(struct(col(STEP), col(column)))).getField(column).as(column));
            }
        }
        return written.groupBy(col(OutputSchema.SERIES_ID), col(OutputSchema.WINDOW_END))
                .agg(byStep.get(0), byStep.subList(1, byStep.size()).toArray(Column[]::new));
    }

    /** @param perSeriesScalingParameters the per-series scaler's parameters, each a column after the outputs */
    public static StructType schema(ForecastSettings.Layout layout, DataType seriesIdType, DataType timestampType,
                                    List<ModelCall.FetchedOutput> outputs, List<String> perSeriesScalingParameters) {
        boolean wide = layout == ForecastSettings.Layout.WIDE;
        StructType schema = new StructType().add(OutputSchema.SERIES_ID, seriesIdType, false);
        if (wide) {
            schema = schema.add(OutputSchema.WINDOW_START, timestampType, false);
        }
        schema = schema.add(OutputSchema.WINDOW_END, timestampType, false);
        schema = wide ? schema.add(FORECAST_TS, DataTypes.createArrayType(timestampType, false), false)
                : schema.add(STEP, DataTypes.IntegerType, false).add(FORECAST_TS, timestampType, false);
        for (ModelCall.FetchedOutput output : outputs) {
            schema = schema.add(output.column(), OutputSchema.columnType(output.type(), wide ? 1 : 0), false);
        }
        for (String parameter : perSeriesScalingParameters) {
            schema = schema.add(OutputSchema.SCALER_PREFIX + parameter,
                    DataTypes.createArrayType(DataTypes.DoubleType, false), false);
        }
        return schema;
    }

    /**
     * The rows of the batch's window {@code w}, whose series' steps are {@code interval} apart on the timestamp's
     * axis ({@link TimeAxis}), its outputs scaled back as {@code scaling} says (as {@link WindowRows#emit} does).
     *
     * @param params the batch's scaling parameters, 2 per feature per window
     */
    public static void emit(ForecastSettings.Layout layout, WindowBatch batch, BatchOutputs outputs, int w,
                            long interval, FeatureScaling scaling, double[] params, Consumer<Row> sink) {
        int columns = outputs.outputs().size();
        int paramColumns = scaling.perSeries() ? 2 : 0;
        int offset = w * 2 * batch.features();
        Object end = batch.end(w);
        int steps = Math.toIntExact(outputs.outputs().get(0).windowShape()[0]);
        if (layout == ForecastSettings.Layout.WIDE) {
            Object[] times = (Object[]) Array.newInstance(end.getClass(), steps);
            for (int k = 0; k < steps; k++) {
                times[k] = TimeAxis.plus(end, (k + 1) * interval);
            }
            Object[] values = new Object[4 + columns + paramColumns];
            values[0] = batch.seriesId(w);
            values[1] = batch.start(w);
            values[2] = end;
            values[3] = times;
            for (int o = 0; o < columns; o++) {
                values[4 + o] = scaling.invertOutput(o, outputs.values(o).window(w), params, offset);
            }
            addParameters(values, 4 + columns, paramColumns, params, offset, batch.features());
            sink.accept(RowFactory.create(values));
            return;
        }
        for (int k = 0; k < steps; k++) {
            Object[] values = new Object[4 + columns + paramColumns];
            values[0] = batch.seriesId(w);
            values[1] = end;
            values[2] = k + 1;
            values[3] = TimeAxis.plus(end, (k + 1) * interval);
            for (int o = 0; o < columns; o++) {
                values[4 + o] = scaling.invertOutput(o, outputs.values(o).step(w, k), params, offset);
            }
            addParameters(values, 4 + columns, paramColumns, params, offset, batch.features());
            sink.accept(RowFactory.create(values));
        }
    }

    private static void addParameters(Object[] values, int first, int count, double[] params, int offset,
                                      int features) {
        for (int p = 0; p < count; p++) {
            values[first + p] = FeatureScaling.column(params, offset, features, p);
        }
    }
}
