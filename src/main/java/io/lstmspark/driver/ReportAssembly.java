package io.lstmspark.driver;

import io.lstmspark.LstmSparkException;
import io.lstmspark.config.JobConfig;
import io.lstmspark.model.ModelCall;
import io.lstmspark.model.keras.StateTapPlanner;
import io.lstmspark.model.keras.TapCheck;
import io.lstmspark.report.Counts;
import io.lstmspark.report.FailedRunReport;
import io.lstmspark.report.RunReport;
import io.lstmspark.report.TaskStats;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** The run report of a succeeded run: what the run did and how long each stage took, collected as it goes. */
final class ReportAssembly {

    private final JobConfig config;
    private final Instant started = Instant.now();
    private final Map<String, Long> stageMillis = new LinkedHashMap<>();

    ReportAssembly(JobConfig config) {
        this.config = config;
    }

    /** Records the wall time of {@code stage}, which began at {@code startedNanos} (System.nanoTime). */
    void lap(String stage, long startedNanos) {
        stageMillis.put(stage, (System.nanoTime() - startedNanos) / 1_000_000);
    }

    RunReport succeeded(CheckedModel model, Counts counts, List<TaskStats> tasks,
                        List<RunReport.SkippedInputFile> skippedFiles, RunReport.ForecastRead forecastRead) {
        ModelCall call = model.call();
        List<RunReport.OutputInfo> outputs = call.outputs().stream()
                .map(o -> new RunReport.OutputInfo(o.column(), o.ref(), o.tensorName(), o.type().name().toLowerCase(),
                        o.windowShape()))
                .toList();
        return new RunReport("succeeded", started.toString(), Instant.now().toString(), config.rendered(),
                new RunReport.ModelInfo(model.given().path(), model.format().name().toLowerCase(), model.fingerprint(),
                        config.model().signature(), call.inputTensor(), call.inputWindowShape(), outputs),
                counts,
                new RunReport.ModelLoads(tasks.stream().mapToLong(TaskStats::modelLoads).sum(),
                        model.loadedNow() ? 1 : 0),
                RunReport.byExecutor(tasks),
                stageMillis,
                model.taps().map(ReportAssembly::tapInfo).orElse(null),
                skippedFiles,
                null,
                config.scaling().isEmpty() ? null : ScalingPlan.reportEntry(config, forecastRead != null
                        && forecastRead.from() != null ? "each series' steps read: from " + forecastRead.from() + " to "
                        + forecastRead.cutoff() + " (forecast.lookback)" : "each series' steps up to the cutoff"),
                forecastRead);
    }

    /**
     * The report of a run that failed in {@code stage}, which began at {@code stageStartedNanos}.
     *
     * @param countsSoFar of the output pass's tasks that ended
     */
    FailedRunReport failed(Throwable failure, String stage, long stageStartedNanos, Counts countsSoFar) {
        Map<String, Long> millis = new LinkedHashMap<>(stageMillis);
        millis.put(stage + "_failed", (System.nanoTime() - stageStartedNanos) / 1_000_000);
        return new FailedRunReport(started.toString(), Instant.now().toString(), LstmSparkException.oneLine(failure),
                LstmSparkException.essence(failure).getClass().getName(), config.rendered(), countsSoFar, millis,
                config.output().path());
    }

    private static RunReport.StateTapInfo tapInfo(StateTapPlanner.Plan plan) {
        List<RunReport.TapLayerInfo> layers = plan.layers().stream()
                .map(l -> new RunReport.TapLayerInfo(l.name(), l.position(), l.features(), l.units(),
                        l.activation().orElseThrow().kerasName(), l.recurrentActivation().orElseThrow().kerasName(),
                        l.useBias(), new TreeMap<>(l.sources())))
                .toList();
        TapCheck check = plan.check();
        return new RunReport.StateTapInfo(plan.configSource(), layers, check.status().name().toLowerCase(Locale.ROOT),
                check.detail(), Double.isNaN(check.maxDifference()) ? null : check.maxDifference());
    }
}
