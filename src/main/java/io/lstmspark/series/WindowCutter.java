package io.lstmspark.series;

import io.lstmspark.config.WindowMode;
import java.util.Objects;

/**
 * Cuts windows from steps that arrive sorted by (series, timestamp), one step at a time.
 *
 * <p>Holds only the last {@code length} steps of the current series in a ring, so memory does not
 * grow with the series or the partition. Windows are handed to the sink as views over that ring.
 * A second step at a timestamp already seen is rejected; a step with unusable values keeps its place
 * but every window containing it is rejected; a gap wider than {@code maxGap} starts a new segment,
 * as if a new series began.
 */
public final class WindowCutter {

    /** Receives the cutter's results, in input order. */
    public interface Sink {
        void window(Window window);

        /** A window that contains a step whose values cannot be fed; {@code at} is that step's timestamp. */
        void windowRejected(Window window, RowProblem problem, Object at);

        void rowRejected(Object seriesId, Object timestamp, RowProblem problem);

        void skipped(Object seriesId, long steps, SkipReason reason);
    }

    /** No gap splits segments. */
    public static final long NO_MAX_GAP = Long.MAX_VALUE;

    private final WindowSpec spec;
    private final int features;
    private final long maxGap;
    private final Sink sink;
    private final double[] values;
    private final Object[] timestamps;
    private final RowProblem[] problems;
    private final RingView view = new RingView();

    private Object currentSeries;
    private boolean inSeries;
    private Object lastTimestamp;
    private long lastTime;
    private long stepsInSegment;
    private long windowsInSegment;
    private long windowsInSeries;
    private long stepsInSeries;
    private boolean seriesHadGap;
    private int nextSlot;
    private long seriesCount;
    private long gaps;

    public WindowCutter(WindowSpec spec, int features, long maxGap, Sink sink) {
        if (features < 1) {
            throw new IllegalArgumentException("at least one feature is needed, got " + features);
        }
        if (spec.mode() == WindowMode.STREAM) {
            throw new IllegalArgumentException("stream mode reads chunks, not windows");
        }
        if (maxGap < 0) {
            throw new IllegalArgumentException("max gap must not be negative, got " + maxGap);
        }
        this.spec = spec;
        this.features = features;
        this.maxGap = maxGap;
        this.sink = sink;
        this.values = new double[spec.length() * features];
        this.timestamps = new Object[spec.length()];
        this.problems = new RowProblem[spec.length()];
    }

    public WindowCutter(WindowSpec spec, int features, Sink sink) {
        this(spec, features, NO_MAX_GAP, sink);
    }

    /**
     * Adds the next step. {@code stepValues} is copied, so callers may reuse the array.
     *
     * @param time         the timestamp as a number, for gap detection (ignored without a max gap)
     * @param valueProblem why the step's values cannot be fed, or null when they can
     */
    public void accept(Object seriesId, Object timestamp, long time, double[] stepValues, RowProblem valueProblem) {
        if (!inSeries || !Objects.equals(seriesId, currentSeries)) {
            finishSeries();
            startSeries(seriesId);
        } else if (Objects.equals(timestamp, lastTimestamp)) {
            sink.rowRejected(seriesId, timestamp, RowProblem.DUPLICATE_TIMESTAMP);
            return;
        } else if (maxGap != NO_MAX_GAP && time - lastTime > maxGap) {
            finishSegment();
            seriesHadGap = true;
            gaps++;
        }
        lastTimestamp = timestamp;
        lastTime = time;
        System.arraycopy(stepValues, 0, values, nextSlot * features, features);
        timestamps[nextSlot] = timestamp;
        problems[nextSlot] = valueProblem;
        nextSlot = (nextSlot + 1) % spec.length();
        stepsInSegment++;
        stepsInSeries++;
        if (spec.mode() == WindowMode.EXTRACT && completesStridedWindow()) {
            emitWindow();
        }
    }

    /** Adds the next step, without gap detection. */
    public void accept(Object seriesId, Object timestamp, double[] stepValues) {
        accept(seriesId, timestamp, 0, stepValues, null);
    }

    /** Ends the input: the last series is completed (and, in forecast mode, its window emitted). */
    public void finish() {
        finishSeries();
    }

    /**
     * Completes the current series now (emitting its forecast window) unless it is {@code seriesId}: for a
     * caller that sees the next series begin before the cutter does (rows after the cutoff bypass it).
     */
    public void finishSeriesOtherThan(Object seriesId) {
        if (inSeries && !Objects.equals(seriesId, currentSeries)) {
            finishSeries();
        }
    }

    /** A copy of the values of the last step accepted into the current series. */
    public double[] lastStepValues() {
        int last = (nextSlot == 0 ? spec.length() : nextSlot) - 1;
        return java.util.Arrays.copyOfRange(values, last * features, (last + 1) * features);
    }

    /** Series seen so far, skipped ones included. */
    public long seriesCount() {
        return seriesCount;
    }

    /** Gaps wider than the max gap seen so far. */
    public long gaps() {
        return gaps;
    }

    private void startSeries(Object seriesId) {
        currentSeries = seriesId;
        inSeries = true;
        seriesCount++;
        stepsInSeries = 0;
        windowsInSeries = 0;
        seriesHadGap = false;
        resetSegment();
    }

    private boolean completesStridedWindow() {
        long beyondFirst = stepsInSegment - spec.length();
        return beyondFirst >= 0 && beyondFirst % spec.stride() == 0;
    }

    /** Closes the stretch since the last gap; in extract mode a stretch without window is reported. */
    private void finishSegment() {
        if (spec.mode() == WindowMode.EXTRACT && windowsInSegment == 0) {
            sink.skipped(currentSeries, stepsInSegment, SkipReason.SEGMENT_SHORTER_THAN_WINDOW);
        }
        resetSegment();
    }

    private void resetSegment() {
        stepsInSegment = 0;
        windowsInSegment = 0;
        nextSlot = 0;
    }

    private void finishSeries() {
        if (!inSeries) {
            return;
        }
        if (spec.mode() == WindowMode.FORECAST && stepsInSegment >= spec.length()) {
            emitWindow();
        }
        if (windowsInSeries == 0 && !seriesHadGap) {
            sink.skipped(currentSeries, stepsInSeries, SkipReason.SERIES_SHORTER_THAN_WINDOW);
        } else if (windowsInSeries == 0 && spec.mode() == WindowMode.FORECAST) {
            sink.skipped(currentSeries, stepsInSegment, SkipReason.SEGMENT_SHORTER_THAN_WINDOW);
        } else if (spec.mode() == WindowMode.EXTRACT && seriesHadGap && windowsInSegment == 0) {
            sink.skipped(currentSeries, stepsInSegment, SkipReason.SEGMENT_SHORTER_THAN_WINDOW);
        }
        inSeries = false;
        currentSeries = null;
        lastTimestamp = null;
    }

    private void emitWindow() {
        windowsInSegment++;
        windowsInSeries++;
        for (int step = 0; step < spec.length(); step++) {
            RowProblem problem = problems[view.slot(step)];
            if (problem != null) {
                sink.windowRejected(view, problem, view.timestamp(step));
                return;
            }
        }
        sink.window(view);
    }

    /** The ring read oldest-first: after a full ring, the oldest step sits at {@code nextSlot}. */
    private final class RingView implements Window {
        @Override
        public Object seriesId() {
            return currentSeries;
        }

        @Override
        public int length() {
            return spec.length();
        }

        @Override
        public int features() {
            return features;
        }

        @Override
        public double value(int step, int feature) {
            return values[slot(step) * features + feature];
        }

        @Override
        public Object timestamp(int step) {
            return timestamps[slot(step)];
        }

        /** The oldest steps from {@code nextSlot} to the ring's end, then the newest from its start. */
        @Override
        public void copyValues(double[] into) {
            int older = (spec.length() - nextSlot) * features;
            System.arraycopy(values, nextSlot * features, into, 0, older);
            System.arraycopy(values, 0, into, older, nextSlot * features);
        }

        int slot(int step) {
            int slot = nextSlot + step;
            return slot >= spec.length() ? slot - spec.length() : slot;
        }
    }
}
