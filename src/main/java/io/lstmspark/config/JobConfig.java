package io.lstmspark.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * A validated job configuration. Built once on the driver by {@link JobConfigLoader}; the other
 * packages receive the parts they need as arguments.
 */
public record JobConfig(
        Input input,
        WindowMode mode,
        Window window,
        StreamLayout streamLayout,
        Optional<String> forecastCutoff,
        Model model,
        Map<String, String> outputs,
        int batchSize,
        long batchMaxBytes,
        Output output,
        Map<String, Object> rendered,
        ForecastSettings forecast,
        /* forecast.actuals: output column -> the input feature it forecasts (backtest errors) */
        Map<String, String> forecastActuals,
        Storage storage,
        Optional<ScalingConfig> scaling,
        ForecastLookback forecastLookback) {

    public record Input(String path, String format, String seriesId, String timestamp, List<String> features,
                        int partitions, Map<String, String> options, Optional<String> timestampFormat,
                        BadInput onBad) {
    }

    /** What to do with input rows or windows that cannot be evaluated. */
    public enum BadInput { FAIL, QUARANTINE }

    /**
     * @param length steps per window; empty: take it from the model's declared input shape
     * @param maxGap a wider gap between consecutive steps splits the series
     */
    public record Window(OptionalInt length, int stride, Optional<Gap> maxGap) {
    }

    /** A gap limit: a duration for timestamp and date columns, or an amount for integer timestamps. */
    public record Gap(String text, Optional<Duration> duration, OptionalLong amount) {
    }

    public record Model(String path, List<String> tags, String signature, Optional<String> input,
                        int intraOpThreads, int interOpThreads, List<String> allowOps, List<String> stateInputs,
                        List<String> stateOutputs, boolean outputFromTaps) {
    }

    public enum OutputMode { ERROR_IF_EXISTS, OVERWRITE }

    /** @param onNan what to do with a window whose outputs hold NaN or infinite values */
    public record Output(String path, OutputMode mode, List<String> partitionBy, Map<String, String> constantColumns,
                         OnNan onNan) {
    }

    /**
     * Catalog tables and output formats (config/StorageKeys).
     *
     * @param inputTable      the catalog table read instead of input.path
     * @param outputFormat    the Spark data source of path outputs and of tables created by the job
     * @param outputOptions   passed to Spark's writer
     * @param outputTable     the catalog table written instead of output.path
     * @param quarantineTable with outputTable: where set-aside records go
     * @param reportPath      with outputTable: the directory of the run report
     */
    public record Storage(Optional<String> inputTable, String outputFormat, Map<String, String> outputOptions,
                          Optional<String> outputTable, Optional<String> quarantineTable, Optional<String> reportPath) {
    }

    /** A window whose model outputs hold NaN or infinite values: fail the run, set it aside, or write it. */
    public enum OnNan { FAIL, QUARANTINE, KEEP }
}
