package io.lstmspark.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The run report's counts: what tasks count into, how they add up, and their JSON. */
class CountsTest {

    /** A task's counts, every field set to a different value. */
    private static Counts oneTask() {
        Counts c = new Counts();
        for (int i = 0; i < 10; i++) {
            c.countInputRow();
        }
        c.countRowRejected("null_value");
        c.countRowRejected("null_value");
        c.countRowRejected("duplicate_timestamp");
        for (int i = 0; i < 3; i++) {
            c.countRowWithBadValues("nan_value");
        }
        c.addSeries(4);
        c.addGaps(5);
        c.countSkipped("series_shorter_than_window");
        for (int i = 0; i < 7; i++) {
            c.countWindowCut();
        }
        for (int i = 0; i < 6; i++) {
            c.countWindowWritten();
        }
        c.countWindowQuarantined("window_has_nan_value");
        for (int i = 0; i < 2; i++) {
            c.countBatch();
        }
        c.noteCarriedStates(8);
        c.noteCarriedStates(5);
        c.countNanOutput("forecast");
        c.countRowAfterCutoff();
        return c;
    }

    @Test
    void countsAreWrittenUnderTheReportsKeysInTheReportsOrder() throws JsonProcessingException {
        String expected = """
                {
                  "input_rows" : 10,
                  "rows_rejected" : {
                    "duplicate_timestamp" : 1,
                    "null_value" : 2
                  },
                  "rows_with_bad_values" : {
                    "nan_value" : 3
                  },
                  "series" : 4,
                  "gaps" : 5,
                  "skipped" : {
                    "series_shorter_than_window" : 1
                  },
                  "windows_cut" : 7,
                  "windows_written" : 6,
                  "windows_quarantined" : {
                    "window_has_nan_value" : 1
                  },
                  "quarantine_records" : 7,
                  "batches" : 2,
                  "peak_carried_states" : 8,
                  "nan_outputs" : {
                    "forecast" : 1
                  },
                  "rows_after_cutoff" : 1
                }""";
        assertEquals(expected, RunReport.mapper().writeValueAsString(oneTask()).replace("\r\n", "\n"));
    }

    @Test
    void countsReadBackFromTheirJsonEqualTheCountsWritten() throws JsonProcessingException {
        Counts written = oneTask();
        String json = RunReport.mapper().writeValueAsString(written);
        assertEquals(written, RunReport.mapper().readValue(json, Counts.class));
    }

    @Test
    void plusAddsEveryCountAndKeepsTheLargerPeakOfCarriedStates() {
        Counts other = new Counts();
        other.countInputRow();
        other.countRowRejected("null_value");
        other.countRowRejected("malformed_line");
        other.noteCarriedStates(3);
        other.countBatch();
        other.countWindowCut();
        other.countWindowWritten();

        Counts sum = oneTask().plus(other);

        assertEquals(11, sum.inputRows());
        assertEquals(Map.of("null_value", 3L, "duplicate_timestamp", 1L, "malformed_line", 1L), sum.rowsRejected());
        assertEquals(Map.of("nan_value", 3L), sum.rowsWithBadValues());
        assertEquals(3, sum.batches());
        assertEquals(8, sum.windowsCut());
        assertEquals(7, sum.windowsWritten());
        assertEquals(8, sum.peakCarriedStates(), "a peak per task, not a total");
        assertEquals(9, sum.quarantineRecords());
        assertEquals(sum, Counts.of(List.of(stats(oneTask()), stats(other))), "the run's totals");
        assertEquals(10, oneTask().inputRows(), "plus leaves its operands as they were");
    }

    private static TaskStats stats(Counts counts) {
        return new TaskStats("driver", "localhost", 1, 0, counts, 0, "intra_op=1, inter_op=1", 0, 0, false);
    }
}
