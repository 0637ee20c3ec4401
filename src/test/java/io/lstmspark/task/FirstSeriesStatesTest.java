package io.lstmspark.task;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lstmspark.task.FirstSeriesStates.Layout;
import io.lstmspark.task.FirstSeriesStates.Series;
import io.lstmspark.task.FirstSeriesStates.Timing;
import io.lstmspark.testing.TestSpark;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;

/** The heatmaps' sample, as the output pass's tasks take it and the driver merges it. */
class FirstSeriesStatesTest {

    /** Extract rows: series id, window end, h. */
    private static final Layout WINDOW_VECTORS = new Layout(Timing.WINDOWS, 2, false, -1, -1, 0);

    @Test
    void theFirstSeriesInOrderOfIdAreKeptWhicheverTaskWroteThem() {
        FirstSeriesStates driver = sample(WINDOW_VECTORS, 3, 10, 4);
        FirstSeriesStates firstTask = sample(WINDOW_VECTORS, 3, 10, 4);
        List.of("d", "b", "f").forEach(id -> firstTask.add(window(id, 1f)));
        FirstSeriesStates secondTask = sample(WINDOW_VECTORS, 3, 10, 4);
        List.of("e", "a", "g", "c").forEach(id -> secondTask.add(window(id, 1f)));

        driver.merge(firstTask);
        driver.merge(secondTask);

        assertEquals(List.of("a", "b", "c"), driver.value().stream().map(Series::id).toList());
        assertEquals(List.of("b", "d", "f"), firstTask.value().stream().map(Series::id).toList(),
                "a task holds no more series than the sample draws");
    }

    @Test
    void aSeriesKeepsItsLastWindowsOldestFirstCutToTheFirstUnits() {
        FirstSeriesStates states = sample(WINDOW_VECTORS, 3, 5, 2);
        for (int w = 0; w < 12; w++) {
            states.add(window("s", w));
        }

        Series series = states.value().get(0);
        assertEquals(0, series.firstTime(), "windows are counted from the oldest shown");
        assertEquals(5, series.values().length);
        for (int t = 0; t < 5; t++) {
            assertArrayEquals(new double[] {7 + t, 107 + t}, series.values()[t]);
        }
    }

    @Test
    void aWindowsSequenceIsDrawnByItsLastStep() {
        FirstSeriesStates states = sample(new Layout(Timing.WINDOWS, 2, true, -1, -1, 0), 3, 5, 64);
        states.add(RowFactory.create("s", 0L, new double[][] {{1, 2}, {3, 4}, {5, 6}}));

        assertArrayEquals(new double[] {5, 6}, states.value().get(0).values()[0]);
    }

    @Test
    void streamStepsStartAtTheStepOfTheOldestKept() {
        // Stream, step layout: series id, step, timestamp, state.
        FirstSeriesStates states = sample(new Layout(Timing.STEPS, 3, false, 1, -1, 0), 3, 4, 64);
        for (long step = 0; step < 10; step++) {
            states.add(RowFactory.create("s", step, null, new float[] {step}));
        }

        Series series = states.value().get(0);
        assertEquals(6, series.firstTime());
        assertArrayEquals(new double[][] {{6}, {7}, {8}, {9}}, series.values());
    }

    @Test
    void chunksGiveTheirRealStepsOnlyNotTheirPadding() {
        // Stream, chunk layout: series id, chunk index, chunk start, chunk end, real steps, states [5, units].
        FirstSeriesStates states = sample(new Layout(Timing.CHUNKS, 5, true, 1, 4, 5), 3, 6, 64);
        states.add(RowFactory.create("s", 0L, null, null, 5, steps(0, 5)));
        states.add(RowFactory.create("s", 1L, null, null, 3, steps(5, 5)));

        Series series = states.value().get(0);
        assertEquals(2, series.firstTime(), "8 real steps, the last 6 kept");
        assertArrayEquals(new double[][] {{2}, {3}, {4}, {5}, {6}, {7}}, series.values());
    }

    @Test
    void theSampleTravelsToTasksEmptyAndBackWhole() throws IOException, ClassNotFoundException {
        FirstSeriesStates states = sample(WINDOW_VECTORS, 3, 10, 4);
        TestSpark.session().sparkContext().register(states, "state sample");
        states.add(window("a", 1f));

        FirstSeriesStates sentToTask = roundTrip(states);
        assertTrue(sentToTask.isZero());
        sentToTask.add(window("b", 2f));
        FirstSeriesStates back = roundTrip(sentToTask);
        states.merge(back);

        assertEquals(List.of("a", "b"), states.value().stream().map(Series::id).toList());
        assertArrayEquals(new double[] {2, 102, 202}, states.value().get(1).values()[0]);
    }

    private static FirstSeriesStates sample(Layout layout, int series, int times, int units) {
        return new FirstSeriesStates(layout, series, times, units);
    }

    /** A window's row whose state is {v, v + 100, v + 200}. */
    private static Row window(String id, float v) {
        return RowFactory.create(id, 0L, new float[] {v, v + 100, v + 200});
    }

    /** A chunk's states [steps][1], step t holding {first + t}. */
    private static float[][] steps(int first, int steps) {
        float[][] states = new float[steps][];
        for (int t = 0; t < steps; t++) {
            states[t] = new float[] {first + t};
        }
        return states;
    }

    private static FirstSeriesStates roundTrip(FirstSeriesStates states) throws IOException, ClassNotFoundException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(states);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            return (FirstSeriesStates) in.readObject();
        }
    }
}
