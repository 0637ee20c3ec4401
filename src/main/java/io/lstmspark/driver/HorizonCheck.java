package io.lstmspark.driver;

import io.lstmspark.config.ConfigException;
import io.lstmspark.config.ForecastFrequency;
import io.lstmspark.config.ForecastSettings;
import io.lstmspark.config.JobConfig;
import io.lstmspark.model.ModelCall;
import io.lstmspark.model.ModelException;
import io.lstmspark.task.HorizonPlan;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;

/**
 * forecast.horizon checked against the model's outputs and the input's timestamp before any task runs: direct
 * (every output N values per window) or recursive (every output one value, forecast.feedback set, the features not
 * fed back available from rows after the cutoff), and the interval on the timestamp's axis.
 */
final class HorizonCheck {

    private HorizonCheck() {
    }

    /** The plan tasks follow, or null when no horizon is set. */
    static HorizonPlan plan(JobConfig config, ModelCall call, int windowLength, DataType timestampType) {
        ForecastSettings forecast = config.forecast();
        if (!forecast.hasHorizon()) {
            return null;
        }
        checkTimestampType(timestampType, config);
        int steps = forecast.horizon();
        List<String> features = config.input().features();
        String model = "model " + config.model().path();
        for (ModelCall.FetchedOutput output : call.outputs()) {
            int size = output.windowSize();
            String named = "output '" + output.column() + "' (" + output.ref() + ", " + output.tensorName() + ") gives "
                    + Arrays.toString(output.windowShape()) + " per window";
            if (forecast.recursive() && size != 1) {
                throw new ModelException(model + ": " + named + ", but forecast.feedback runs the model once per "
                        + "step, so every output must give 1 value per window"
                        + (size == steps ? "; it gives " + steps + ": a direct model, drop forecast.feedback" : ""));
            }
            if (!forecast.recursive() && size == 1 && steps > 1) {
                throw new ModelException(model + ": " + named + ": a one-step model, which forecast.horizon = " + steps
                        + " runs recursively: set forecast.feedback to the output that continues each fed-back "
                        + "feature, e.g. forecast.feedback { " + features.get(0) + " = " + output.column() + " }");
            }
            if (size != 1 && size != steps) {
                throw new ModelException(model + ": " + named + ", neither " + steps + " values (forecast.horizon: one "
                        + "per step, [" + steps + "] or [" + steps + ", 1]) nor 1 (a one-step model, run recursively): "
                        + "drop it from outputs, or set forecast.horizon to the steps it gives");
            }
            if (size == steps && output.rank() > 1 && output.windowShape()[0] != steps) {
                throw new ModelException(model + ": " + named + ": " + steps + " values, but not one per step "
                        + "([" + steps + "] or [" + steps + ", 1]); drop it from outputs");
            }
        }
        List<String> columns = call.outputs().stream().map(ModelCall.FetchedOutput::column).toList();
        int[] fedFeatures = forecast.feedback().keySet().stream().mapToInt(features::indexOf).toArray();
        int[] fedOutputs = forecast.feedback().values().stream().mapToInt(columns::indexOf).toArray();
        List<Integer> covariates = new ArrayList<>();
        for (int f = 0; f < features.size(); f++) {
            if (forecast.recursive() && !forecast.feedback().containsKey(features.get(f))) {
                covariates.add(f);
            }
        }
        if (!covariates.isEmpty() && steps > 1 && config.forecastCutoff().isEmpty()) {
            throw new ConfigException("forecast.horizon = " + steps + " with forecast.feedback " + forecast.feedback()
                    + " needs the future values of features " + covariates.stream().map(features::get).toList()
                    + ", which are not fed back: they are taken from each series' rows after forecast.cutoff, but no "
                    + "cutoff is set (each window ends at its series' last row); set forecast.cutoff, or feed them "
                    + "back");
        }
        if (forecast.frequency().isEmpty() && windowLength < 2) {
            throw new ConfigException("forecast.frequency is not set and a window of " + windowLength + " step cannot "
                    + "tell its series' interval: set forecast.frequency (e.g. 1h) for forecast_ts");
        }
        long interval = forecast.frequency().map(f -> interval(f, timestampType, config)).orElse(0L);
        return new HorizonPlan(steps, forecast.recursive(), fedFeatures, fedOutputs,
                covariates.stream().mapToInt(Integer::intValue).toArray(), interval, forecast.layout());
    }

    /** The frequency on the timestamp's axis: microseconds, days, or the integer timestamp's unit. */
    private static long interval(ForecastFrequency frequency, DataType type, JobConfig config) {
        String column = "input.timestamp '" + config.input().timestamp() + "' (" + type.simpleString() + ")";
        Optional<Duration> duration = frequency.duration();
        if (type.equals(DataTypes.TimestampType) || type.equals(DataTypes.TimestampNTZType)) {
            return duration.orElseThrow(() -> new ConfigException("forecast.frequency '" + frequency.text()
                    + "' needs a unit for " + column + ", e.g. 1h or 15 minutes")).toNanos() / 1000;
        }
        if (type.equals(DataTypes.DateType)) {
            Duration days = duration.orElseThrow(() -> new ConfigException("forecast.frequency '" + frequency.text()
                    + "' needs a unit for " + column + ", e.g. 1d"));
            if (days.toDays() == 0 || !days.equals(Duration.ofDays(days.toDays()))) {
                throw new ConfigException("forecast.frequency '" + frequency.text()
                        + "' is not a whole number of days, as " + column + " needs");
            }
            return days.toDays();
        }
        if (type.equals(DataTypes.LongType) || type.equals(DataTypes.IntegerType)
                || type.equals(DataTypes.ShortType) || type.equals(DataTypes.ByteType)) {
            return frequency.amount().orElseThrow(() -> new ConfigException("forecast.frequency '" + frequency.text()
                    + "' must be a whole number for " + column + ", the interval in its own unit"));
        }
        throw unsupported(type, config);
    }

    /** forecast_ts needs a timestamp it can step on. */
    private static void checkTimestampType(DataType type, JobConfig config) {
        if (!(type.equals(DataTypes.TimestampType)
                || type.equals(DataTypes.TimestampNTZType) || type.equals(DataTypes.DateType)
                || type.equals(DataTypes.LongType) || type.equals(DataTypes.IntegerType)
                || type.equals(DataTypes.ShortType) || type.equals(DataTypes.ByteType))) {
            throw unsupported(type, config);
        }
    }

    private static ConfigException unsupported(DataType type, JobConfig config) {
        return new ConfigException("forecast.horizon needs input.timestamp '" + config.input().timestamp()
                + "' to be a timestamp, date or integer column to give each step its forecast_ts; it is "
                + type.simpleString());
    }
}
