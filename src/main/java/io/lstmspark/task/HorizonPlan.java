package io.lstmspark.task;

import io.lstmspark.config.ForecastSettings;
import java.io.Serializable;

/**
 * A forecast horizon as the driver checked it against the model and the input.
 *
 * @param steps            N, the steps forecast after each window's end
 * @param recursive        whether the one-step model is called N times, its predictions fed back
 * @param feedbackFeatures recursive: the features fed back, as indices into input.features
 * @param feedbackOutputs  recursive: the output (index into the call's outputs) that continues each of them
 * @param covariates       recursive: the features taken from the series' rows after the window end
 * @param interval         the interval between steps on the timestamp's axis (TimeAxis); 0: inferred per window
 * @param layout           long (a row per step) or wide (a row per series with arrays)
 */
public record HorizonPlan(int steps, boolean recursive, int[] feedbackFeatures, int[] feedbackOutputs,
                          int[] covariates, long interval, ForecastSettings.Layout layout) implements Serializable {

    /** The rows after the window end a series needs for its covariates: the steps appended before the last call. */
    int futureRowsNeeded() {
        return recursive && covariates.length > 0 ? steps - 1 : 0;
    }
}
