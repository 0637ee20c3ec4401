package io.lstmspark.task;

import io.lstmspark.config.JobConfig;
import io.lstmspark.model.BatchOutputs;
import io.lstmspark.model.ElementType;
import io.lstmspark.model.LoadedModel;
import io.lstmspark.output.HorizonRows;
import io.lstmspark.output.OutputFault;
import io.lstmspark.output.QuarantineRecords;
import io.lstmspark.output.WindowRows;
import io.lstmspark.series.FeatureScaling;
import io.lstmspark.series.InputDataException;
import io.lstmspark.series.RowProblem;
import io.lstmspark.series.SkipReason;
import io.lstmspark.series.StepReader;
import io.lstmspark.series.Window;
import io.lstmspark.series.WindowCutter;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import org.apache.spark.sql.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A task of the window modes: sorted steps in, windows cut by series, one output row per window out.
 *
 * <p>Every row and window is accounted for: evaluated, or left out with a reason (which fails the
 * task under {@code input.on-bad = fail}). The quarantine pass runs the same logic and emits what
 * was left out instead of outputs.
 */
final class WindowPipeline extends TaskPipeline implements WindowCutter.Sink {

    private static final Logger LOG = LoggerFactory.getLogger(WindowPipeline.class);

    private final ExecutionPlan plan;
    private final StepReader reader;
    private final WindowCutter cutter;
    /** forecast.horizon's side of the task; null without a horizon. */
    private final HorizonForecast horizon;
    private final FeatureScaling scaling;
    /** Scaling parameters of the windows in the batch, 2 per feature per window. */
    private final double[] batchParams;
    /** The parameters of the series the cutter last took a step of. */
    private final double[] cutSeriesParams;

    WindowPipeline(Iterator<Row> steps, ExecutionPlan plan, TaskEnvironment environment) {
        super(steps, plan, environment, "window-task");
        this.plan = plan;
        this.reader = new StepReader(plan.layout(), plan.maxGap() != WindowCutter.NO_MAX_GAP,
                plan.inputType() == ElementType.FLOAT32);
        this.cutter = new WindowCutter(plan.windows(), plan.featureCount(), plan.maxGap(), this);
        this.horizon = plan.horizon() == null ? null : new HorizonForecast(plan.horizon(),
                plan.layout().featureNames(), plan.inputType() == ElementType.FLOAT32,
                batch == null ? 0 : batch.capacity(), keys);
        this.scaling = plan.layout().scaling();
        int perWindow = scaling.active() ? 2 * plan.featureCount() : 0;
        this.batchParams = new double[batch == null ? 0 : batch.capacity() * perWindow];
        this.cutSeriesParams = new double[perWindow];
    }

    @Override
    void accept(Row row) {
        counts.countInputRow();
        if (!reader.read(row)) {
            leaveOut(reader.problem(), reader.seriesId(), reader.timestamp(), reader.detail());
            return;
        }
        // Checked first, so that a bad key is reported whatever the cutoff; values after it are not used.
        if (plan.afterCutoffField() >= 0 && row.getBoolean(plan.afterCutoffField())) {
            counts.countRowAfterCutoff();
            if (horizon != null) {
                horizon.futureRow(reader.seriesId(), reader.timestamp(), reader.values(), cutter);
            }
            return;
        }
        if (reader.problem() != null) {
            leaveOut(reader.problem(), reader.seriesId(), reader.timestamp(), reader.detail());
        }
        cutter.accept(reader.seriesId(), reader.timestamp(), reader.time(), reader.values(), reader.problem());
        if (scaling.perSeries()) {
            System.arraycopy(reader.scalingParams(), 0, cutSeriesParams, 0, cutSeriesParams.length);
        }
    }

    @Override
    void endOfInput() {
        cutter.finish();
        counts.addSeries(cutter.seriesCount());
        counts.addGaps(cutter.gaps());
    }

    /**
     * A row the job cannot use: fails the task, or is counted (as rejected when it has no place in its
     * series, else as a row with bad values) and, in the quarantine pass, written.
     */
    private void leaveOut(RowProblem problem, Object seriesId, Object timestamp, String detail) {
        if (plan.onBad() == JobConfig.BadInput.FAIL) {
            throw new InputDataException("bad input row (" + problem.label() + "): "
                    + (seriesId == null ? "" : "series " + keys.of(seriesId) + ", ")
                    + (timestamp == null ? "" : "timestamp " + keys.of(timestamp) + ", ") + detail
                    + ". Fix the input, or set input.on-bad = quarantine to set such rows aside.");
        }
        if (problem.unplaceable()) {
            counts.countRowRejected(problem.label());
        } else {
            counts.countRowWithBadValues(problem.label());
        }
        if (!emitsOutputs) {
            pending.add(QuarantineRecords.row(problem, seriesId, timestamp, detail, keys));
        }
    }

    @Override
    public void window(Window window) {
        counts.countWindowCut();
        HorizonForecast.Rejection rejection = horizon == null ? null
                : horizon.prepare(window, batch == null ? -1 : batch.size());
        if (rejection != null) {
            noForecast(window, rejection);
        } else if (batch != null) {
            if (scaling.active()) {
                // A forecast window is cut when the next series' first row arrives: the reader then holds its params.
                double[] params = !scaling.perSeries() || Objects.equals(window.seriesId(), reader.seriesId())
                        ? reader.scalingParams() : cutSeriesParams;
                System.arraycopy(params, 0, batchParams, batch.size() * params.length, params.length);
            }
            addToBatch(window);
        }
    }

    /** A window whose series cannot be forecast over the horizon: fails the task, or is quarantined. */
    private void noForecast(Window window, HorizonForecast.Rejection rejection) {
        if (plan.onBad() == JobConfig.BadInput.FAIL) {
            throw new InputDataException("series " + keys.of(window.seriesId()) + " (" + rejection.reason() + "): "
                    + rejection.detail() + ". Or set input.on-bad = quarantine to set such series aside.");
        }
        counts.countWindowQuarantined(rejection.reason());
        if (!emitsOutputs) {
            pending.add(QuarantineRecords.window(window, rejection.reason(), rejection.detail(), keys));
        }
    }

    @Override
    BatchOutputs evaluate(LoadedModel loaded) {
        return horizon == null ? super.evaluate(loaded) : horizon.evaluate(batch, runner, loaded);
    }

    @Override
    public void windowRejected(Window window, RowProblem problem, Object at) {
        counts.countWindowCut();
        counts.countWindowQuarantined(problem.windowLabel());
        if (!emitsOutputs) {
            pending.add(QuarantineRecords.window(window, problem, at, keys));
        }
    }

    @Override
    public void rowRejected(Object seriesId, Object timestamp, RowProblem problem) {
        // The row kept came first in the sort: the smallest feature values (StepOrdering.sortedSteps).
        double[] kept = cutter.lastStepValues();
        for (int f = 0; f < kept.length && scaling.active(); f++) {
            kept[f] = scaling.invert(kept[f], f, reader.scalingParams(), 0);
        }
        leaveOut(problem, seriesId, timestamp, "series already has a row at this timestamp; kept "
                + featureText(kept) + ", dropped " + featureText(reader.rawValues()));
    }

    /** Feature values as "x0=1.0, x1=2.0" (null values read as NaN). */
    private String featureText(double[] values) {
        StringBuilder text = new StringBuilder();
        List<String> names = plan.layout().featureNames();
        for (int f = 0; f < values.length; f++) {
            text.append(f == 0 ? "" : ", ").append(names.get(f)).append('=').append(values[f]);
        }
        return text.toString();
    }

    @Override
    public void skipped(Object seriesId, long steps, SkipReason reason) {
        if (plan.historyFiltered() && reason == SkipReason.SERIES_SHORTER_THAN_WINDOW) {
            reason = SkipReason.FEWER_STEPS_WITHIN_LOOKBACK;
        }
        counts.countSkipped(reason.label());
        LOG.debug("Series {}: {} steps give no window ({})", seriesId, steps, reason.label());
    }

    @Override
    void evaluated(BatchOutputs outputs) {
        OutputFault.Finder faultFinder = new OutputFault.Finder(outputs);
        for (int w = 0; w < batch.size(); w++) {
            List<OutputFault> faults = faultFinder.find(w, -1);
            if (faults.isEmpty() || admit(faults, "series " + batch.seriesId(w) + ", window_end " + batch.end(w))) {
                counts.countWindowWritten();
                if (emitsOutputs && horizon != null) {
                    HorizonRows.emit(horizon.plan().layout(), batch, outputs, w, horizon.interval(w), scaling,
                            batchParams, pending::add);
                } else if (emitsOutputs) {
                    WindowRows.emit(batch, outputs, w, scaling, batchParams, pending::add);
                }
            } else if (!emitsOutputs) {
                setAside(batch.seriesId(w), batch.start(w), batch.end(w), faults);
            }
        }
    }
}
