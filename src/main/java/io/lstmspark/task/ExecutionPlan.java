package io.lstmspark.task;

import io.lstmspark.config.JobConfig;
import io.lstmspark.model.ElementType;
import io.lstmspark.model.ModelCall;
import io.lstmspark.model.ModelKey;
import io.lstmspark.series.StepReader;
import io.lstmspark.series.WindowSpec;

/**
 * Everything a task needs, decided on the driver and shipped with the task: no TensorFlow object,
 * only what identifies the model and how to call it.
 *
 * @param maxGap                      gaps wider than this split series (on {@code TimeAxis}), or NO_MAX_GAP
 * @param emit                        what the tasks write: evaluated windows, or quarantine records
 * @param onNan                       what to do with a window whose outputs are not finite
 * @param failFirstAttemptOfPartition test hook: this partition's first attempt fails mid-way (-1: none)
 * @param timeZone                    Spark's session time zone, in which quarantine records show timestamps
 * @param afterCutoffField            the field that flags rows after forecast.cutoff, or -1 without a cutoff
 * @param horizon                     forecast.horizon as checked on the driver, or null without one
 * @param historyFiltered             forecast mode read only the history before the cutoff: a series too short in
 *                                    it is skipped for that reason
 */
public record ExecutionPlan(WindowSpec windows, StepReader.Layout layout, long maxGap, JobConfig.BadInput onBad,
                     Emit emit, ElementType inputType, int batchSize, ModelKey modelKey, ModelCall call,
                     int failFirstAttemptOfPartition, JobConfig.OnNan onNan, String timeZone, int afterCutoffField,
                     HorizonPlan horizon,
                     boolean historyFiltered)
        implements TaskPlan {

    /** The two passes over the sorted steps. */
    public enum Emit {
        /** Evaluate windows and write their outputs (counting everything else). */
        OUTPUTS,
        /** Write what the first pass left out, without evaluating anything. */
        QUARANTINE,
        /** Write what the first pass left out, evaluating windows again to find those whose outputs are not finite. */
        QUARANTINE_EVALUATED
    }

    /** @param outputsSetAside the first pass set windows aside for their outputs: this pass must evaluate too */
    public ExecutionPlan forQuarantine(boolean outputsSetAside) {
        return new ExecutionPlan(windows, layout, maxGap, onBad, outputsSetAside ? Emit.QUARANTINE_EVALUATED
                : Emit.QUARANTINE, inputType, batchSize, modelKey, call, -1, onNan, timeZone, afterCutoffField,
                horizon, historyFiltered);
    }

    @Override
    public int featureCount() {
        return layout.featureNames().size();
    }

    @Override
    public int windowLength() {
        return windows.length();
    }

    @Override
    public boolean evaluates() {
        return emit != Emit.QUARANTINE;
    }

    @Override
    public boolean emitsOutputs() {
        return emit == Emit.OUTPUTS;
    }
}
