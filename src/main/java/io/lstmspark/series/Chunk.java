package io.lstmspark.series;

/**
 * Up to {@code capacity} consecutive steps of one series, filled row by row; seen as a window of
 * {@code capacity} steps, padded with zeros after its last step (an LSTM's states at a step do not
 * depend on the steps after it, so padding at the end leaves the real steps' states exact).
 */
public final class Chunk implements Window {

    private final int capacity;
    private final int features;
    private final double[] values;
    private final Object[] timestamps;
    private Object seriesId;
    private long index;
    private int steps;

    public Chunk(int capacity, int features) {
        this.capacity = capacity;
        this.features = features;
        this.values = new double[capacity * features];
        this.timestamps = new Object[capacity];
    }

    /** Starts chunk {@code index} (0 for a series' first {@code capacity} steps) of a series. */
    public void start(Object seriesId, long index) {
        this.seriesId = seriesId;
        this.index = index;
        this.steps = 0;
        java.util.Arrays.fill(values, 0);
        java.util.Arrays.fill(timestamps, null);
    }

    public void add(Object timestamp, double[] stepValues) {
        if (steps == capacity) {
            throw new IllegalStateException("chunk " + index + " of series " + seriesId + " already has " + capacity
                    + " steps");
        }
        System.arraycopy(stepValues, 0, values, steps * features, features);
        timestamps[steps++] = timestamp;
    }

    public boolean isEmpty() {
        return steps == 0;
    }

    public boolean isFull() {
        return steps == capacity;
    }

    public long index() {
        return index;
    }

    /** Real steps (the rest is padding). */
    public int steps() {
        return steps;
    }

    /** The real steps' timestamps, a copy. */
    public Object[] stepTimestamps() {
        return java.util.Arrays.copyOf(timestamps, steps);
    }

    @Override
    public Object seriesId() {
        return seriesId;
    }

    @Override
    public int length() {
        return capacity;
    }

    @Override
    public int features() {
        return features;
    }

    @Override
    public double value(int step, int feature) {
        return values[step * features + feature];
    }

    @Override
    public Object timestamp(int step) {
        return timestamps[step];
    }

    @Override
    public Object end() {
        return timestamps[steps - 1];
    }
}
