package io.lstmspark.driver;

import java.time.Duration;
import java.util.Optional;

/**
 * Where a pass stands: windows done so far (by tasks still running too, as their executors' heartbeats
 * report them), tasks done of the pass's total, and an estimate of the time left once a task has ended.
 *
 * @param pass             "output" or "quarantine"
 * @param windows          windows done: written by the output pass, cut by the quarantine pass
 * @param windowsPerSecond since the pass began
 * @param tasksTotal       0 until the pass's stage is known
 * @param left             the time left, estimated from the tasks done; empty until one is, and at the end
 */
public record PassProgress(String pass, long windows, double windowsPerSecond, long tasksDone, long tasksTotal,
                           Optional<Duration> left) {

    /** One line for a log: {@code output pass: 1200 windows, 310 windows/s, tasks 1/4, about 12 s left}. */
    public String line() {
        return pass + " pass: " + windows + " windows, " + Math.round(windowsPerSecond) + " windows/s, tasks "
                + tasksDone + "/" + (tasksTotal > 0 ? Long.toString(tasksTotal) : "?")
                + left.map(d -> ", about " + text(d) + " left").orElse("");
    }

    /** A duration as {@code 45 s}, {@code 3 min 20 s} or {@code 2 h 5 min}. */
    public static String text(Duration duration) {
        long seconds = Math.max(0, duration.toSeconds());
        if (seconds < 60) {
            return seconds + " s";
        }
        if (seconds < 3600) {
            return seconds / 60 + " min " + seconds % 60 + " s";
        }
        return seconds / 3600 + " h " + seconds % 3600 / 60 + " min";
    }
}
