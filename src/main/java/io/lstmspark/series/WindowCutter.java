package io.lstmspark.series;

import java.util.Objects;

/**
 * Cuts windows from steps that arrive sorted by (series, timestamp), one step at a time.
 *
 * <p>Holds only the last {@code length} steps of the current series in a ring, so memory does not
 * grow with the series or the partition. Windows are handed to the sink as views over that ring.
 */
public final class WindowCutter {

    /** Receives the cutter's results, in input order. */
    public interface Sink {
        void window(Window window);

        void seriesSkipped(Object seriesId, long steps, SkipReason reason);
    }

    private final WindowSpec spec;
    private final int features;
    private final Sink sink;
    private final double[] values;
    private final Object[] timestamps;
    private final RingView view = new RingView();

    private Object currentSeries;
    private boolean inSeries;
    private long stepsInSeries;
    private long windowsInSeries;
    private int nextSlot;
    private long seriesCount;

    public WindowCutter(WindowSpec spec, int features, Sink sink) {
        if (features < 1) {
            throw new IllegalArgumentException("at least one feature is needed, got " + features);
        }
        this.spec = spec;
        this.features = features;
        this.sink = sink;
        this.values = new double[spec.length() * features];
        this.timestamps = new Object[spec.length()];
    }

    /**
     * Adds the next step. {@code stepValues} is copied, so callers may reuse the array.
     */
    public void accept(Object seriesId, Object timestamp, double[] stepValues) {
        if (!inSeries || !Objects.equals(seriesId, currentSeries)) {
            finishSeries();
            currentSeries = seriesId;
            inSeries = true;
            seriesCount++;
        }
        System.arraycopy(stepValues, 0, values, nextSlot * features, features);
        timestamps[nextSlot] = timestamp;
        nextSlot = (nextSlot + 1) % spec.length();
        stepsInSeries++;
        if (spec.mode() == WindowMode.EXTRACT && completesStridedWindow()) {
            emitWindow();
        }
    }

    /** Ends the input: the last series is completed (and, in forecast mode, its window emitted). */
    public void finish() {
        finishSeries();
    }

    /** Series seen so far, skipped ones included. */
    public long seriesCount() {
        return seriesCount;
    }

    private boolean completesStridedWindow() {
        long beyondFirst = stepsInSeries - spec.length();
        return beyondFirst >= 0 && beyondFirst % spec.stride() == 0;
    }

    private void finishSeries() {
        if (!inSeries) {
            return;
        }
        if (spec.mode() == WindowMode.FORECAST && stepsInSeries >= spec.length()) {
            emitWindow();
        }
        if (windowsInSeries == 0) {
            sink.seriesSkipped(currentSeries, stepsInSeries, SkipReason.SERIES_SHORTER_THAN_WINDOW);
        }
        inSeries = false;
        currentSeries = null;
        stepsInSeries = 0;
        windowsInSeries = 0;
        nextSlot = 0;
    }

    private void emitWindow() {
        windowsInSeries++;
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

        private int slot(int step) {
            int slot = nextSlot + step;
            return slot >= spec.length() ? slot - spec.length() : slot;
        }
    }
}
