package io.lstmspark.series;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.lstmspark.config.WindowMode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class WindowCutterTest {

    /** What the cutter handed out: windows as "series:start-end", skips as "series:steps:reason". */
    private static final class Recorder implements WindowCutter.Sink {
        final List<String> windows = new ArrayList<>();
        final List<String> skipped = new ArrayList<>();
        final List<double[]> firstFeature = new ArrayList<>();
        final List<double[]> copied = new ArrayList<>();

        @Override
        public void window(Window window) {
            windows.add(window.seriesId() + ":" + window.start() + "-" + window.end());
            double[] all = new double[window.length() * window.features()];
            window.copyValues(all);
            copied.add(all);
            double[] values = new double[window.length()];
            for (int s = 0; s < window.length(); s++) {
                values[s] = window.value(s, 0);
            }
            firstFeature.add(values);
        }

        final List<String> rejected = new ArrayList<>();

        @Override
        public void windowRejected(Window window, RowProblem problem, Object at) {
            rejected.add(window.seriesId() + ":" + window.start() + "-" + window.end() + ":" + problem.windowLabel()
                    + "@" + at);
        }

        @Override
        public void rowRejected(Object seriesId, Object timestamp, RowProblem problem) {
            rejected.add(seriesId + ":" + timestamp + ":" + problem.label());
        }

        @Override
        public void skipped(Object seriesId, long steps, SkipReason reason) {
            skipped.add(seriesId + ":" + steps + ":" + reason.label());
        }
    }

    /** Steps of one series "a" at the given times; the step at {@code badAt} has a NaN value. */
    private static Recorder cutTimes(WindowSpec spec, long maxGap, long badAt, long... times) {
        Recorder recorder = new Recorder();
        WindowCutter cutter = new WindowCutter(spec, 2, maxGap, recorder);
        for (long t : times) {
            cutter.accept("a", t, t, new double[] {t, 0}, t == badAt ? RowProblem.NAN_VALUE : null);
        }
        cutter.finish();
        return recorder;
    }

    private static Recorder cut(WindowSpec spec, Object[][] series) {
        Recorder recorder = new Recorder();
        WindowCutter cutter = new WindowCutter(spec, 2, recorder);
        for (Object[] s : series) {
            int steps = (Integer) s[1];
            for (int t = 0; t < steps; t++) {
                cutter.accept(s[0], (long) t, new double[] {t, -t});
            }
        }
        cutter.finish();
        return recorder;
    }

    @Test
    void strideOneGivesEveryWindowOfTheSeries() {
        Recorder r = cut(new WindowSpec(WindowMode.EXTRACT, 3, 1), new Object[][] {{"a", 5}});
        assertEquals(List.of("a:0-2", "a:1-3", "a:2-4"), r.windows);
        assertEquals(List.of(), r.skipped);
    }

    @Test
    void strideSkipsStartsAndDropsTrailingStepsThatFillNoWindow() {
        Recorder r = cut(new WindowSpec(WindowMode.EXTRACT, 3, 2), new Object[][] {{"a", 8}});
        assertEquals(List.of("a:0-2", "a:2-4", "a:4-6"), r.windows);
    }

    @Test
    void windowValuesAreTheStepsOldestFirstAfterTheRingWrapsAround() {
        Recorder r = cut(new WindowSpec(WindowMode.EXTRACT, 3, 1), new Object[][] {{"a", 6}});
        assertEquals(4, r.firstFeature.size());
        for (int w = 0; w < 4; w++) {
            assertEquals(List.of((double) w, w + 1.0, w + 2.0),
                    List.of(r.firstFeature.get(w)[0], r.firstFeature.get(w)[1], r.firstFeature.get(w)[2]));
        }
    }

    @Test
    void aWindowCopiedInBulkIsItsStepsOldestFirstAtEveryPositionOfTheRing() {
        Recorder r = cut(new WindowSpec(WindowMode.EXTRACT, 3, 1), new Object[][] {{"a", 7}});
        assertEquals(5, r.copied.size());
        for (int w = 0; w < 5; w++) {
            assertArrayEquals(new double[] {w, -w, w + 1, -(w + 1), w + 2, -(w + 2)}, r.copied.get(w),
                    "window " + w);
        }
    }

    @Test
    void windowsNeverSpanTwoSeries() {
        Recorder r = cut(new WindowSpec(WindowMode.EXTRACT, 2, 1), new Object[][] {{"a", 3}, {"b", 2}});
        assertEquals(List.of("a:0-1", "a:1-2", "b:0-1"), r.windows);
    }

    @Test
    void seriesShorterThanTheWindowIsSkippedWithItsReason() {
        Recorder r = cut(new WindowSpec(WindowMode.EXTRACT, 4, 1), new Object[][] {{"a", 4}, {"b", 3}, {"c", 5}});
        assertEquals(List.of("a:0-3", "c:0-3", "c:1-4"), r.windows);
        assertEquals(List.of("b:3:series_shorter_than_window"), r.skipped);
    }

    @Test
    void forecastModeGivesOnlyTheLastCompleteWindowOfEachSeries() {
        Recorder r = cut(new WindowSpec(WindowMode.FORECAST, 3, 1), new Object[][] {{"a", 7}, {"b", 2}, {"c", 3}});
        assertEquals(List.of("a:4-6", "c:0-2"), r.windows);
        assertEquals(List.of("b:2:series_shorter_than_window"), r.skipped);
    }

    @Test
    void countsEverySeriesSeen() {
        Recorder recorder = new Recorder();
        WindowCutter cutter = new WindowCutter(new WindowSpec(WindowMode.EXTRACT, 2, 1), 2, recorder);
        for (String id : List.of("a", "a", "b", "c", "c", "c")) {
            cutter.accept(id, 0L, new double[2]);
        }
        cutter.finish();
        assertEquals(3, cutter.seriesCount());
    }

    @Test
    void aSecondRowAtTheSameTimestampIsRejectedAndTheFirstKept() {
        Recorder r = cutTimes(new WindowSpec(WindowMode.EXTRACT, 2, 1), WindowCutter.NO_MAX_GAP, -1, 0, 1, 1, 2);
        assertEquals(List.of("a:0-1", "a:1-2"), r.windows);
        assertEquals(List.of("a:1:duplicate_timestamp"), r.rejected);
    }

    @Test
    void everyWindowContainingABadStepIsRejectedAndTheOthersKept() {
        Recorder r = cutTimes(new WindowSpec(WindowMode.EXTRACT, 2, 1), WindowCutter.NO_MAX_GAP, 2, 0, 1, 2, 3, 4);
        assertEquals(List.of("a:0-1", "a:3-4"), r.windows);
        assertEquals(List.of("a:1-2:window_has_nan_value@2", "a:2-3:window_has_nan_value@2"), r.rejected);
    }

    @Test
    void aGapWiderThanTheMaximumStartsANewSegment() {
        Recorder r = cutTimes(new WindowSpec(WindowMode.EXTRACT, 2, 1), 5, -1, 0, 1, 2, 20, 21, 40);
        assertEquals(List.of("a:0-1", "a:1-2", "a:20-21"), r.windows);
        assertEquals(List.of("a:1:segment_shorter_than_window"), r.skipped);
    }

    @Test
    void gapsUpToTheMaximumKeepTheSegment() {
        Recorder r = cutTimes(new WindowSpec(WindowMode.EXTRACT, 3, 1), 5, -1, 0, 5, 10);
        assertEquals(List.of("a:0-10"), r.windows);
    }

    @Test
    void forecastAfterAGapUsesTheLastSegmentOnly() {
        Recorder longLast = cutTimes(new WindowSpec(WindowMode.FORECAST, 2, 1), 5, -1, 0, 1, 2, 30, 31);
        assertEquals(List.of("a:30-31"), longLast.windows);
        Recorder shortLast = cutTimes(new WindowSpec(WindowMode.FORECAST, 2, 1), 5, -1, 0, 1, 2, 30);
        assertEquals(List.of(), shortLast.windows);
        assertEquals(List.of("a:1:segment_shorter_than_window"), shortLast.skipped);
    }
}
