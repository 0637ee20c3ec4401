package io.lstmspark.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lstmspark.output.PosixLocalFileSystem;
import io.lstmspark.report.RunReport;
import io.lstmspark.testing.Jobs;
import io.lstmspark.testing.TestSpark;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Progress reaches the driver while a task runs, through executor heartbeats, not only when tasks end. */
class LiveProgressTest {

    @TempDir
    Path dir;

    /** Keeps every update, as a progress bar would show it. */
    private static final class Recorded implements RunWatcher {
        final List<PassProgress> updates = new ArrayList<>();
        final List<PassProgress> ended = new ArrayList<>();

        @Override
        public synchronized void progress(PassProgress progress) {
            updates.add(progress);
        }

        @Override
        public synchronized void passEnded(PassProgress last) {
            ended.add(last);
        }
    }

    @Test
    void aSingleTaskShowsWindowsDoneBeforeItEnds() {
        // The heartbeat interval is the executor's: a session of its own (the shared one's is stopped).
        TestSpark.session().stop();
        SparkSession spark = PosixLocalFileSystem.use(SparkSession.builder())
                .master("local[1]")
                .appName("lstm-spark-progress")
                .config("spark.ui.enabled", "false")
                .config("spark.executor.heartbeatInterval", "100ms")
                .config("spark.sql.shuffle.partitions", "1")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .getOrCreate();
        Recorded watcher = new Recorded();
        RunReport report;
        try {
            report = LstmSparkJob.run(spark, Jobs.config("conf/sample.conf", "window.stride=2", "batch.size=16",
                    "input.partitions=1", "output.path=" + dir.resolve("out")), watcher);
        } finally {
            spark.stop();
        }

        List<PassProgress> whileRunning = watcher.updates.stream()
                .filter(p -> p.tasksDone() == 0 && p.windows() > 0).toList();
        assertTrue(whileRunning.size() >= 2, "updates before the only task ended: " + watcher.updates.size());
        assertTrue(whileRunning.stream().allMatch(p -> p.windows() <= report.counts().windowsWritten()
                        && p.tasksTotal() == 1 && p.left().isEmpty() && p.pass().equals("output")),
                whileRunning.get(0)::toString);
        assertTrue(whileRunning.get(0).windows() < report.counts().windowsWritten(), whileRunning.get(0)::toString);
        assertTrue(whileRunning.get(whileRunning.size() - 1).windows() > whileRunning.get(0).windows(),
                "windows grow as batches are done");
        PassProgress last = watcher.ended.get(0);
        assertEquals(report.counts().windowsWritten(), last.windows());
        assertEquals(1, last.tasksDone());
        assertEquals(1, last.tasksTotal());
    }

    @Test
    void aProgressLineSaysWindowsRateTasksAndTimeLeft() {
        assertEquals("output pass: 1200 windows, 310 windows/s, tasks 1/4, about 2 min 5 s left",
                new PassProgress("output", 1200, 310.4, 1, 4, Optional.of(Duration.ofSeconds(125))).line());
        assertEquals("quarantine pass: 0 windows, 0 windows/s, tasks 0/?",
                new PassProgress("quarantine", 0, 0, 0, 0, Optional.empty()).line());
        assertEquals("1 h 1 min", PassProgress.text(Duration.ofSeconds(3700)));
    }
}
