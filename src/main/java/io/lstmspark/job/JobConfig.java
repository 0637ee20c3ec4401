package io.lstmspark.job;

import io.lstmspark.series.WindowMode;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A validated job configuration. Built once on the driver by {@link JobConfigLoader}; the other
 * packages receive the parts they need as arguments.
 */
public record JobConfig(
        Input input,
        WindowMode mode,
        Window window,
        Optional<String> forecastCutoff,
        Model model,
        Map<String, String> outputs,
        int batchSize,
        Output output,
        Map<String, Object> rendered) {

    public record Input(String path, String format, String seriesId, String timestamp, List<String> features,
                        int partitions, Map<String, String> options) {
    }

    /** @param length steps per window; empty: take it from the model's declared input shape */
    public record Window(OptionalInt length, int stride) {
    }

    public record Model(String path, List<String> tags, String signature, Optional<String> input,
                        int intraOpThreads, int interOpThreads) {
    }

    public enum OutputMode { ERROR_IF_EXISTS, OVERWRITE }

    public record Output(String path, OutputMode mode) {
    }
}
