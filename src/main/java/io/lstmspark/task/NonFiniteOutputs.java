package io.lstmspark.task;

import io.lstmspark.config.JobConfig;
import io.lstmspark.output.OutputFault;
import io.lstmspark.report.Counts;
import io.lstmspark.series.InputDataException;
import java.util.List;

/** What {@code output.on-nan} does with a window whose outputs hold NaN or infinite values; both pipelines use it. */
final class NonFiniteOutputs {

    private NonFiniteOutputs() {
    }

    /**
     * Counts the window's faulty columns, then fails the task (fail), sets the window aside (quarantine) or
     * lets it be written (keep).
     *
     * @param window names the window for the failure, e.g. "series s-1, window_end 2026-01-05 23:00:00"
     * @return true when the window is written
     */
    static boolean admit(JobConfig.OnNan onNan, List<OutputFault> faults, Counts counts, String window) {
        for (OutputFault fault : faults) {
            counts.countNanOutput(fault.column());
        }
        switch (onNan) {
            case FAIL:
                throw new InputDataException("model output not finite for " + window + ": "
                        + OutputFault.describe(faults) + " (the window's inputs are all finite). Set output.on-nan = "
                        + "quarantine to set such windows aside, or output.on-nan = keep to write them.");
            case QUARANTINE:
                counts.countWindowQuarantined(OutputFault.reason(faults));
                return false;
            default:
                return true;
        }
    }
}
