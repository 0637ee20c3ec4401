package io.lstmspark.task;

import java.io.Serializable;
import java.lang.reflect.Array;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.apache.spark.util.AccumulatorV2;

/**
 * The data of the HTML report's state heatmaps, taken by the output pass's tasks as their rows go out, so that
 * no query reads the written output again: the first {@code seriesLimit} series in order of series id, each
 * with its last {@code timeLimit} state vectors (windows or steps), cut to their first {@code unitLimit} units.
 * Each task keeps the first series it sees; Spark merges the tasks' on the driver as they end, keeping the
 * first overall, so neither side ever holds more than {@code seriesLimit} series.
 */
public final class FirstSeriesStates extends AccumulatorV2<Row, List<FirstSeriesStates.Series>> {

    /** What a row's time is: a window (extract), a step (stream, step layout) or a chunk of steps. */
    public enum Timing { WINDOWS, STEPS, CHUNKS }

    /**
     * Where an output row holds the sample.
     *
     * @param stateColumn the state's column: a vector per time, or a [steps, units] matrix whose last row is
     *                    the window's (extract) or whose first {@code stepsColumn} rows are the chunk's steps
     * @param matrix      whether the column holds a matrix per row rather than a vector
     * @param timeColumn  the step or chunk index column (STEPS, CHUNKS)
     * @param stepsColumn the chunk's count of real steps (CHUNKS)
     * @param chunkSteps  steps per chunk, whose index times it gives the first step (CHUNKS)
     */
    public record Layout(Timing timing, int stateColumn, boolean matrix, int timeColumn, int stepsColumn,
                         int chunkSteps) implements Serializable {
    }

    /**
     * One series' states, oldest first.
     *
     * @param firstTime the step of {@code values[0]} in the series; 0 for windows, counted from the oldest shown
     */
    public record Series(Object id, long firstTime, double[][] values) implements Serializable {
    }

    /** One time of a series: its index (a step in stream mode) and its state's first units. */
    private record Time(long index, double[] units) implements Serializable {
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static final Comparator<Object> SERIES_ORDER =
            (Comparator<Object> & Serializable) (a, b) -> ((Comparable) a).compareTo(b);

    private final Layout layout;
    private final int seriesLimit;
    private final int timeLimit;
    private final int unitLimit;
    private final TreeMap<Object, ArrayDeque<Time>> first = new TreeMap<>(SERIES_ORDER);

    public FirstSeriesStates(Layout layout, int seriesLimit, int timeLimit, int unitLimit) {
        this.layout = layout;
        this.seriesLimit = seriesLimit;
        this.timeLimit = timeLimit;
        this.unitLimit = unitLimit;
    }

    /** The task's rows, each added to the sample as it goes out. */
    public Iterator<Row> sampling(Iterator<Row> rows) {
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return rows.hasNext();
            }

            @Override
            public Row next() {
                Row row = rows.next();
                add(row);
                return row;
            }
        };
    }

    @Override
    public void add(Row row) {
        Object id = row.get(0);
        boolean known = first.containsKey(id);
        if (!known && first.size() >= seriesLimit && SERIES_ORDER.compare(id, first.lastKey()) > 0) {
            return;
        }
        ArrayDeque<Time> times = first.computeIfAbsent(id, k -> new ArrayDeque<>());
        if (first.size() > seriesLimit) {
            first.pollLastEntry();
        }
        Object state = row.get(layout.stateColumn());
        switch (layout.timing()) {
            case WINDOWS -> keep(times, new Time(0, units(layout.matrix() ? last(state) : state)));
            case STEPS -> keep(times, new Time(row.getLong(layout.timeColumn()), units(state)));
            case CHUNKS -> {
                long firstStep = row.getLong(layout.timeColumn()) * layout.chunkSteps();
                int steps = row.getInt(layout.stepsColumn());
                for (int s = 0; s < steps; s++) {
                    keep(times, new Time(firstStep + s, units(Array.get(state, s))));
                }
            }
        }
    }

    private void keep(ArrayDeque<Time> times, Time time) {
        times.addLast(time);
        if (times.size() > timeLimit) {
            times.removeFirst();
        }
    }

    private static Object last(Object matrix) {
        return Array.get(matrix, Array.getLength(matrix) - 1);
    }

    private double[] units(Object vector) {
        double[] units = new double[Math.min(unitLimit, Array.getLength(vector))];
        if (vector instanceof float[] floats) {
            for (int u = 0; u < units.length; u++) {
                units[u] = floats[u];
            }
        } else {
            System.arraycopy((double[]) vector, 0, units, 0, units.length);
        }
        return units;
    }

    /** The sampled series in order of series id. */
    @Override
    public List<Series> value() {
        List<Series> series = new ArrayList<>();
        for (Map.Entry<Object, ArrayDeque<Time>> entry : first.entrySet()) {
            ArrayDeque<Time> times = entry.getValue();
            long firstTime = layout.timing() == Timing.WINDOWS || times.isEmpty() ? 0 : times.getFirst().index();
            series.add(new Series(entry.getKey(), firstTime, times.stream().map(Time::units)
                    .toArray(double[][]::new)));
        }
        return series;
    }

    /** A series is written by one task; should two attempts of a task both report it, either is the same. */
    @Override
    public void merge(AccumulatorV2<Row, List<Series>> other) {
        for (Map.Entry<Object, ArrayDeque<Time>> entry : ((FirstSeriesStates) other).first.entrySet()) {
            first.putIfAbsent(entry.getKey(), new ArrayDeque<>(entry.getValue()));
            if (first.size() > seriesLimit) {
                first.pollLastEntry();
            }
        }
    }

    @Override
    public boolean isZero() {
        return first.isEmpty();
    }

    @Override
    public FirstSeriesStates copy() {
        FirstSeriesStates copy = new FirstSeriesStates(layout, seriesLimit, timeLimit, unitLimit);
        copy.merge(this);
        return copy;
    }

    @Override
    public void reset() {
        first.clear();
    }
}
