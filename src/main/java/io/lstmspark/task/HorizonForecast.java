package io.lstmspark.task;

import io.lstmspark.arrow.WindowBatch;
import io.lstmspark.model.BatchOutputs;
import io.lstmspark.model.BatchRunner;
import io.lstmspark.model.HorizonOutputs;
import io.lstmspark.model.LoadedModel;
import io.lstmspark.output.KeyText;
import io.lstmspark.series.TimeAxis;
import io.lstmspark.series.Window;
import io.lstmspark.series.WindowCutter;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A task's side of forecast.horizon: the interval of each window's series, the future covariates taken from the
 * rows after the cutoff, and the model runs that give N steps for a whole batch of series at once (one call for a
 * direct model, one call per step for a recursive one).
 */
final class HorizonForecast {

    /** Why a window gets no forecast: a quarantine reason and its detail. */
    record Rejection(String reason, String detail) {
    }

    static final String IRREGULAR_STEPS = "irregular_steps";
    static final String MISSING_FUTURE_COVARIATES = "missing_future_covariates";
    private static final Object[] NO_STATES = new Object[0];

    private final HorizonPlan plan;
    private final List<String> featureNames;
    private final int features;
    private final boolean float32;
    private final KeyText keys;
    /** Per batch slot: the interval between its series' steps, and its covariate steps (steps - 1) x features. */
    private final long[] intervals;
    private final double[][] covariateSteps;

    /** The current series' first rows after the cutoff (as many as its covariates need). */
    private Object futureSeries;
    private boolean inFutureSeries;
    private int futureRows;
    private final Object[] futureTimestamps;
    private final double[] futureValues;

    HorizonForecast(HorizonPlan plan, List<String> featureNames, boolean float32, int capacity, KeyText keys) {
        this.plan = plan;
        this.featureNames = featureNames;
        this.features = featureNames.size();
        this.float32 = float32;
        this.keys = keys;
        this.intervals = new long[capacity];
        int needed = plan.futureRowsNeeded();
        this.covariateSteps = new double[needed > 0 ? capacity : 0][needed * features];
        this.futureTimestamps = new Object[needed];
        this.futureValues = new double[needed * features];
    }

    long interval(int slot) {
        return intervals[slot];
    }

    HorizonPlan plan() {
        return plan;
    }

    /**
     * A row after the cutoff: kept when its series' covariates need it. The first such row of a series tells that
     * the series before it has ended, which the cutter (which never sees these rows) learns here.
     */
    void futureRow(Object seriesId, Object timestamp, double[] values, WindowCutter cutter) {
        if (!inFutureSeries || !Objects.equals(seriesId, futureSeries)) {
            cutter.finishSeriesOtherThan(seriesId);
            futureSeries = seriesId;
            inFutureSeries = true;
            futureRows = 0;
        }
        if (futureRows < futureTimestamps.length) {
            futureTimestamps[futureRows] = timestamp;
            System.arraycopy(values, 0, futureValues, futureRows * features, features);
            futureRows++;
        }
    }

    /**
     * Checks the window's series for a forecast: its interval (forecast.frequency, or inferred from the window's
     * steps) and its future covariates; keeps both in batch slot {@code slot} (-1: a pass that evaluates nothing).
     *
     * @return null when the window can be forecast, else why not
     */
    Rejection prepare(Window window, int slot) {
        long interval = plan.interval();
        if (interval == 0) {
            long step = TimeAxis.of(window.timestamp(1)) - TimeAxis.of(window.timestamp(0));
            for (int i = 1; i + 1 < window.length(); i++) {
                long next = TimeAxis.of(window.timestamp(i + 1)) - TimeAxis.of(window.timestamp(i));
                if (next != step) {
                    return new Rejection(IRREGULAR_STEPS, "the window's steps are not evenly spaced ("
                            + keys.of(window.timestamp(i - 1)) + ", " + keys.of(window.timestamp(i)) + ", "
                            + keys.of(window.timestamp(i + 1)) + "), so forecast_ts cannot be inferred: set "
                            + "forecast.frequency, or fill the series' missing steps");
                }
            }
            interval = step;
        }
        Rejection missing = covariates(window, interval, slot);
        if (missing == null && slot >= 0) {
            intervals[slot] = interval;
        }
        return missing;
    }

    private Rejection covariates(Window window, long interval, int slot) {
        int needed = plan.futureRowsNeeded();
        int rows = inFutureSeries && Objects.equals(futureSeries, window.seriesId()) ? futureRows : 0;
        String what = "forecast.horizon " + plan.steps() + " takes features " + covariateNames()
                + " (not fed back) from the " + needed + " rows after window_end " + keys.of(window.end());
        long end = TimeAxis.of(window.end());
        for (int k = 1; k <= needed; k++) {
            if (k > rows) {
                return new Rejection(MISSING_FUTURE_COVARIATES, what + ": the series has " + rows
                        + "; give its future rows, or feed those features back (forecast.feedback)");
            }
            Object at = futureTimestamps[k - 1];
            if (TimeAxis.of(at) != end + k * interval) {
                return new Rejection(MISSING_FUTURE_COVARIATES, what + ": row " + k + " after it is at " + keys.of(at)
                        + ", not at window_end + " + k + " steps (" + keys.of(TimeAxis.plus(window.end(), k * interval))
                        + ")");
            }
            for (int f : plan.covariates()) {
                double value = futureValues[(k - 1) * features + f];
                if (!Double.isFinite(value) || (float32 && Float.isInfinite((float) value))) {
                    return new Rejection(MISSING_FUTURE_COVARIATES, what + ": feature '" + featureNames.get(f)
                            + "' is " + value + " at " + keys.of(at));
                }
            }
        }
        if (slot >= 0 && needed > 0) {
            System.arraycopy(futureValues, 0, covariateSteps[slot], 0, needed * features);
        }
        return null;
    }

    private List<String> covariateNames() {
        List<String> names = new ArrayList<>();
        for (int f : plan.covariates()) {
            names.add(featureNames.get(f));
        }
        return names;
    }

    /**
     * The batch's N steps: one session run of a direct model, or N runs of a recursive one, each window moved on
     * by one step between runs (the fed-back outputs in model units, the covariates from the rows after it).
     */
    BatchOutputs evaluate(WindowBatch batch, BatchRunner runner, LoadedModel model) {
        if (!plan.recursive()) {
            return HorizonOutputs.direct(batch.run(runner, model, NO_STATES), plan.steps());
        }
        List<BatchOutputs> calls = new ArrayList<>(plan.steps());
        double[] next = new double[features];
        for (int k = 0; k < plan.steps(); k++) {
            BatchOutputs call = batch.run(runner, model, NO_STATES);
            calls.add(call);
            if (k + 1 == plan.steps()) {
                break;
            }
            for (int w = 0; w < batch.size(); w++) {
                if (covariateSteps.length > 0) {
                    System.arraycopy(covariateSteps[w], k * features, next, 0, features);
                }
                for (int i = 0; i < plan.feedbackFeatures().length; i++) {
                    next[plan.feedbackFeatures()[i]] = call.values(plan.feedbackOutputs()[i]).valueAt(w);
                }
                batch.advance(w, next);
            }
        }
        return HorizonOutputs.recursive(calls);
    }
}
