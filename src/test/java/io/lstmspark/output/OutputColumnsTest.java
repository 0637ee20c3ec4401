package io.lstmspark.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lstmspark.config.ConfigException;
import io.lstmspark.config.JobConfig;
import io.lstmspark.config.JobConfigLoader;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Column names the configuration gives the output: every column gets one. */
class OutputColumnsTest {

    private static final List<String> REQUIRED = List.of("input.path=in", "input.series-id=id", "input.timestamp=ts",
            "input.features=[a, b]", "model.path=m", "outputs.y=y", "output.path=out");

    private static JobConfig load(String... overrides) {
        List<String> args = new java.util.ArrayList<>(REQUIRED);
        args.addAll(List.of(overrides));
        return JobConfigLoader.load(Optional.empty(), args);
    }

    /** The configuration, after the driver's check of its column names. */
    private static JobConfig checked(String... overrides) {
        JobConfig config = load(overrides);
        OutputColumns.check(config);
        return config;
    }

    @Test
    void constantColumnsMayNotTakeThePerSeriesScalingColumns() {
        ConfigException e = assertThrows(ConfigException.class, () -> checked("scaling.type=standard",
                "scaling.fit=per-series", "output.constant-columns.scaler_mean=x"));
        assertEquals("output.constant-columns.scaler_mean names column 'scaler_mean', which clashes with column "
                + "'scaler_mean' (scaling.fit = per-series): every column of the output needs a name of its own; "
                + "rename one of them", e.getMessage());
    }

    @Test
    void constantColumnsMayNotTakeTheNameOfAKeyOrOutputColumn() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> checked("output.constant-columns.series_id=oops"));
        assertEquals("output.constant-columns.series_id names column 'series_id', which clashes with key column "
                + "'series_id' (mode = extract): every column of the output needs a name of its own; rename one of "
                + "them", e.getMessage());
        e = assertThrows(ConfigException.class, () -> checked("output.constant-columns.Y=1.5"));
        assertEquals("output.constant-columns.Y names column 'Y', which clashes with output column 'y' (outputs.y), "
                + "as Spark matches column names ignoring case: every column of the output needs a name of its own; "
                + "rename one of them", e.getMessage());
        e = assertThrows(ConfigException.class,
                () -> checked("output.constant-columns={run_date = 1, RUN_DATE = 2}"));
        assertTrue(e.getMessage().contains("clashes with constant column"), e.getMessage());
        e = assertThrows(ConfigException.class, () -> checked("outputs.window_end=y"));
        assertTrue(e.getMessage().startsWith("outputs.window_end names column 'window_end', which clashes with key "
                + "column 'window_end' (mode = extract)"), e.getMessage());
    }

    @Test
    void constantColumnsMayNotTakeTheNameOfAStreamKeyColumn() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> checked("mode=stream", "output.constant-columns.chunk_index=7"));
        assertTrue(e.getMessage().contains("key column 'chunk_index' (mode = stream, stream.layout = chunk)"),
                e.getMessage());
        e = assertThrows(ConfigException.class,
                () -> checked("mode=stream", "stream.layout=step", "output.constant-columns.Timestamp=7"));
        assertTrue(e.getMessage().contains("key column 'timestamp' (mode = stream, stream.layout = step)"),
                e.getMessage());
        assertEquals(Map.of("window_end", "x"),
                checked("mode=stream", "output.constant-columns.window_end=x").output().constantColumns(),
                "stream rows have no window_end column");
    }

    @Test
    void constantColumnsMayNotReplaceAQuarantineColumnWhenRecordsCanBeWritten() {
        assertEquals(Map.of("reason", "x"), checked("output.constant-columns.reason=x").output().constantColumns());
        ConfigException e = assertThrows(ConfigException.class,
                () -> checked("input.on-bad=quarantine", "output.constant-columns.reason=x"));
        assertEquals("output.constant-columns.reason names column 'reason', which would replace column 'reason' of "
                + "the quarantine records (_quarantine): rename the constant column", e.getMessage());
        assertThrows(ConfigException.class,
                () -> checked("output.on-nan=quarantine", "output.constant-columns.Kind=x"));
    }
}
