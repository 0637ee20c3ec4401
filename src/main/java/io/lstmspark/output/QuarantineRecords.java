package io.lstmspark.output;

import io.lstmspark.series.RowProblem;
import io.lstmspark.series.Window;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Rows and windows the job did not evaluate, with why: written to {@code <output>/_quarantine}.
 * Keys are kept as text, since a rejected row's values may not even have their column's type.
 */
public final class QuarantineRecords {

    public static final String DIRECTORY = "_quarantine";
    public static final String KIND_ROW = "row";
    public static final String KIND_WINDOW = "window";

    public static final StructType SCHEMA = new StructType()
            .add("kind", DataTypes.StringType, false)
            .add("reason", DataTypes.StringType, false)
            .add("series_id", DataTypes.StringType, true)
            .add("timestamp", DataTypes.StringType, true)
            .add("window_end", DataTypes.StringType, true)
            .add("detail", DataTypes.StringType, true);

    private QuarantineRecords() {
    }

    public static Row row(RowProblem problem, Object seriesId, Object timestamp, String detail, KeyText keys) {
        return RowFactory.create(KIND_ROW, problem.label(), keys.of(seriesId), keys.of(timestamp), null, detail);
    }

    /** A window left out because its step at {@code at} has {@code problem}. */
    public static Row window(Window window, RowProblem problem, Object at, KeyText keys) {
        return RowFactory.create(KIND_WINDOW, problem.windowLabel(), keys.of(window.seriesId()),
                keys.of(window.start()), keys.of(window.end()), "step at " + keys.of(at) + ": " + problem.label());
    }

    /** A window given no forecast for {@code reason} (forecast.horizon: its interval or future covariates). */
    public static Row window(Window window, String reason, String detail, KeyText keys) {
        return RowFactory.create(KIND_WINDOW, reason, keys.of(window.seriesId()), keys.of(window.start()),
                keys.of(window.end()), detail);
    }

    /** A window evaluated, whose outputs are not finite (output.on-nan = quarantine); in stream mode, a chunk. */
    public static Row outputWindow(Object seriesId, Object start, Object end, List<OutputFault> faults, KeyText keys) {
        return RowFactory.create(KIND_WINDOW, OutputFault.reason(faults), keys.of(seriesId), keys.of(start),
                keys.of(end), OutputFault.describe(faults));
    }
}
