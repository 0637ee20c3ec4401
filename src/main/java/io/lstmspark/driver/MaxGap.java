package io.lstmspark.driver;

import io.lstmspark.config.ConfigException;
import io.lstmspark.config.JobConfig;
import io.lstmspark.series.WindowCutter;
import java.time.Duration;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;

/** window.max-gap on the timestamp's axis: microseconds, days, or the integer timestamp's own unit. */
final class MaxGap {

    private MaxGap() {
    }

    /** The gap in the units tasks compare timestamps in; {@link WindowCutter#NO_MAX_GAP} when not set. */
    static long inUnitsOf(DataType timestampType, JobConfig config) {
        if (config.window().maxGap().isEmpty()) {
            return WindowCutter.NO_MAX_GAP;
        }
        JobConfig.Gap gap = config.window().maxGap().get();
        String column = "input.timestamp '" + config.input().timestamp() + "' (" + timestampType.simpleString() + ")";
        if (timestampType.equals(DataTypes.TimestampType) || timestampType.equals(DataTypes.TimestampNTZType)) {
            return gap.duration().orElseThrow(() -> new ConfigException("window.max-gap '" + gap.text()
                    + "' needs a unit for " + column + ", e.g. 2h or 90 minutes")).toNanos() / 1000;
        }
        if (timestampType.equals(DataTypes.DateType)) {
            Duration days = gap.duration().orElseThrow(() -> new ConfigException("window.max-gap '"
                    + gap.text() + "' needs a unit for " + column + ", e.g. 3d"));
            return days.toDays();
        }
        if (timestampType.equals(DataTypes.LongType) || timestampType.equals(DataTypes.IntegerType)
                || timestampType.equals(DataTypes.ShortType) || timestampType.equals(DataTypes.ByteType)) {
            return gap.amount().orElseThrow(() -> new ConfigException("window.max-gap '" + gap.text()
                    + "' must be a whole number for " + column));
        }
        throw new ConfigException("window.max-gap needs a timestamp, date or integer timestamp column; " + column
                + " has no measurable gaps");
    }
}
