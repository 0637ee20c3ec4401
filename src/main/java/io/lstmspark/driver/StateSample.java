package io.lstmspark.driver;

import io.lstmspark.config.WindowMode;
import io.lstmspark.model.ModelCall;
import io.lstmspark.report.html.ChartSamples;
import io.lstmspark.task.FirstSeriesStates;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructType;

/**
 * The sample the HTML report's state heatmaps draw in extract and stream modes: which column holds a state,
 * chosen on the driver before the output pass, and the first series' last states, which the pass's tasks
 * take as they write ({@link FirstSeriesStates}).
 */
final class StateSample {

    static final int SERIES = 3;
    /** Times (windows or steps) of a heatmap: the series' last ones. */
    static final int TIMES = 200;
    static final int UNITS = 64;

    private final WindowMode mode;
    private final String column;
    private final Optional<FirstSeriesStates> states;
    private final String none;

    private StateSample(WindowMode mode, String column, Optional<FirstSeriesStates> states, String none) {
        this.mode = mode;
        this.column = column;
        this.states = states;
        this.none = none;
    }

    /** Forecast mode draws forecasts instead ({@link ForecastSample}): nothing to take. */
    static StateSample none() {
        return new StateSample(WindowMode.FORECAST, null, Optional.empty(), "No state heatmap in forecast mode.");
    }

    /**
     * The sample of an output pass of {@code schema} (chunk layout when it has a chunk index), its accumulator
     * registered with Spark; none, saying why, when no output holds a state vector per time.
     */
    static StateSample plan(SparkSession spark, WindowMode mode, List<ModelCall.FetchedOutput> outputs,
                            StructType schema, int windowLength) {
        Optional<ModelCall.FetchedOutput> output = stateColumn(outputs);
        if (output.isEmpty()) {
            return new StateSample(mode, null, Optional.empty(), "No state heatmap: no output holds a state (name "
                    + "a state tap, e.g. outputs.h = \"lstm:0.h\").");
        }
        String name = output.get().column();
        int depth = depth(schema.apply(name).dataType());
        List<String> fields = List.of(schema.fieldNames());
        FirstSeriesStates.Layout layout;
        if (fields.contains("chunk_index")) {
            layout = depth != 2 ? null : new FirstSeriesStates.Layout(FirstSeriesStates.Timing.CHUNKS,
                    fields.indexOf(name), true, fields.indexOf("chunk_index"), fields.indexOf("steps"), windowLength);
        } else if (mode == WindowMode.STREAM) {
            layout = depth != 1 ? null : new FirstSeriesStates.Layout(FirstSeriesStates.Timing.STEPS,
                    fields.indexOf(name), false, fields.indexOf("step"), -1, 0);
        } else {
            layout = depth != 1 && depth != 2 ? null : new FirstSeriesStates.Layout(FirstSeriesStates.Timing.WINDOWS,
                    fields.indexOf(name), depth == 2, -1, -1, 0);
        }
        if (layout == null) {
            return new StateSample(mode, name, Optional.empty(), "No state heatmap: column " + name
                    + " holds no vector per time.");
        }
        FirstSeriesStates states = new FirstSeriesStates(layout, SERIES, TIMES, UNITS);
        spark.sparkContext().register(states, "lstm-spark state sample");
        return new StateSample(mode, name, Optional.of(states), null);
    }

    /** What the pass's tasks take as rows go out; empty when nothing is drawn. */
    Optional<FirstSeriesStates> states() {
        return states;
    }

    /** The heatmaps' data, once the output pass ran. */
    ChartSamples charts() {
        if (states.isEmpty()) {
            return ChartSamples.none(none);
        }
        String axis = mode == WindowMode.STREAM ? "step of the series" : "window (the oldest shown = 0)";
        List<ChartSamples.StateSample> samples = states.get().value().stream()
                .map(s -> new ChartSamples.StateSample(String.valueOf(s.id()), column, axis, s.firstTime(), s.values()))
                .toList();
        String times = mode == WindowMode.STREAM ? "steps" : "windows";
        return new ChartSamples(List.of(), samples, "The first " + samples.size() + " series in order of series id: "
                + column + " over their last " + TIMES + " " + times + " (at most), first " + UNITS + " units.");
    }

    /** The state taps' hidden state first (h, then per-step sequence, then any tap), else the widest output. */
    private static Optional<ModelCall.FetchedOutput> stateColumn(List<ModelCall.FetchedOutput> outputs) {
        for (String suffix : List.of(".h", ".sequence", "")) {
            Optional<ModelCall.FetchedOutput> tap = outputs.stream()
                    .filter(o -> isTap(o) && o.ref().endsWith(suffix)).findFirst();
            if (tap.isPresent()) {
                return tap;
            }
        }
        return outputs.stream().filter(o -> o.rank() >= 1 && o.windowShape()[o.rank() - 1] >= 2)
                .max(Comparator.comparingLong(o -> o.windowShape()[o.rank() - 1]));
    }

    static boolean isTap(ModelCall.FetchedOutput output) {
        return output.ref().startsWith("lstm:");
    }

    private static int depth(DataType type) {
        return type instanceof ArrayType array ? 1 + depth(array.elementType()) : 0;
    }
}
