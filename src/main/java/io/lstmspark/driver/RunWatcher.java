package io.lstmspark.driver;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the caller of a run is told while it runs: the passes' progress, and where a failed run's
 * report went. The command line shows progress as a bar on a terminal; {@link #logLines(long)} logs it.
 */
public interface RunWatcher {

    /** A pass's progress changed: a task ended, or an executor's heartbeat reported running tasks. */
    void progress(PassProgress progress);

    /** The pass ended (succeeded or not); {@code last} is where it stood. */
    default void passEnded(PassProgress last) {
    }

    /** The run failed, and its report was written to {@code path} (the previous output is untouched). */
    default void failedRunReport(String path) {
    }

    /** Logs progress as lines, at most one per {@code everySeconds} once windows are done, and when a pass ends. */
    static RunWatcher logLines(long everySeconds) {
        Logger log = LoggerFactory.getLogger(RunWatcher.class);
        return new RunWatcher() {
            private long lastNanos = System.nanoTime();

            @Override
            public synchronized void progress(PassProgress progress) {
                long now = System.nanoTime();
                if (progress.windows() > 0 && now - lastNanos >= everySeconds * 1_000_000_000L) {
                    lastNanos = now;
                    log.info("Progress: {}", progress.line());
                }
            }

            @Override
            public void passEnded(PassProgress last) {
                log.info("Ended: {}", last.line());
            }
        };
    }
}
