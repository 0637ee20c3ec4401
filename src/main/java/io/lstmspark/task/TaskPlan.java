package io.lstmspark.task;

import io.lstmspark.config.JobConfig;
import io.lstmspark.model.ElementType;
import io.lstmspark.model.ModelCall;
import io.lstmspark.model.ModelKey;
import io.lstmspark.series.StepReader;
import java.io.Serializable;

/** What every task needs from its plan, decided on the driver and shipped with the task, whatever its mode. */
public sealed interface TaskPlan extends Serializable permits ExecutionPlan, StreamPlan {

    StepReader.Layout layout();

    int featureCount();

    /** Steps per window (per chunk in stream mode). */
    int windowLength();

    ElementType inputType();

    /** Windows per session run. */
    int batchSize();

    ModelKey modelKey();

    ModelCall call();

    /** Whether the task runs the model: a quarantine pass that has no outputs to check runs nothing. */
    boolean evaluates();

    /** Whether the task writes outputs (the first pass), or what it set aside (the quarantine pass). */
    boolean emitsOutputs();

    JobConfig.OnNan onNan();

    /** Spark's session time zone, in which quarantine records show timestamps. */
    String timeZone();

    /** Test hook: this partition's first attempt fails after its first batch (-1: none). */
    default int failFirstAttemptOfPartition() {
        return -1;
    }
}
