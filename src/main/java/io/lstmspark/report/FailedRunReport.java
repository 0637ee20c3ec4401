package io.lstmspark.report;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * The report of a run that failed, written where the run's output would have gone but beside it
 * ({@value #SUFFIX}): what failed in one line, the counts of the tasks that ended before it, and the
 * wall time of each stage done.
 *
 * @param error       the failure in one line: a user error's message, or the root cause
 * @param counts      of the output pass's tasks that ended before the failure (all zero if none did)
 * @param stageMillis the stages done, then the one that failed, with "_failed" appended
 * @param outputPath  output.path, which the run left as it was
 */
public record FailedRunReport(
        String startedAt,
        String failedAt,
        String error,
        String errorType,
        Map<String, Object> config,
        Counts counts,
        Map<String, Long> stageMillis,
        String outputPath) implements ReportDocument {

    /** Appended to the name of what the run would have replaced, with an underscore before it. */
    public static final String SUFFIX = ".failed_run_report.json";

    @JsonProperty("status")
    public String status() {
        return "failed";
    }

    /** Writes the report as {@code path}, replacing an earlier failed run's. */
    public Path writeTo(Path path, Configuration hadoopConf) {
        // No .crc file beside it, in a directory that is not the run's.
        return writeJson(path, hadoopConf, false, "the failed run's report");
    }
}
