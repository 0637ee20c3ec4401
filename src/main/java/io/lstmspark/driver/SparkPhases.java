package io.lstmspark.driver;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.spark.SparkContext;

/**
 * What Spark's UI shows for a run: one job group per run, and for each phase a job description and a
 * call site, which name the phase's jobs, stages and SQL queries instead of the line of code that
 * started them ({@code parquet at OutputFiles.java:115}). The caller's own settings of these
 * thread-local properties are put back when the run ends.
 */
final class SparkPhases implements AutoCloseable {

    private static final String JOB_GROUP = "spark.jobGroup.id";
    private static final String JOB_DESCRIPTION = "spark.job.description";
    private static final String INTERRUPT_ON_CANCEL = "spark.job.interruptOnCancel";
    private static final String CALL_SITE_SHORT = "callSite.short";
    private static final String CALL_SITE_LONG = "callSite.long";
    private static final List<String> KEYS = List.of(JOB_GROUP, JOB_DESCRIPTION, INTERRUPT_ON_CANCEL,
            CALL_SITE_SHORT, CALL_SITE_LONG);

    private final SparkContext context;
    private final Map<String, String> before = new LinkedHashMap<>();
    private final String group;
    private final String run;

    /**
     * Starts the run's job group.
     *
     * @param run what the run does, e.g. "extract: in/ -> out/"
     */
    SparkPhases(SparkContext context, String run) {
        this.context = context;
        this.run = run;
        for (String key : KEYS) {
            before.put(key, context.getLocalProperty(key));
        }
        this.group = "lstm-spark-" + UUID.randomUUID();
        context.setJobGroup(group, "lstm-spark " + run, false);
    }

    /** The run's job group id, as Spark's UI and status API show it. */
    String group() {
        return group;
    }

    /**
     * Names the jobs that start from here on.
     *
     * @param phase  e.g. "windows -> model -> output"
     * @param detail what the phase works on, e.g. the paths
     */
    void enter(String phase, String detail) {
        context.setJobDescription("lstm-spark " + phase + ": " + detail);
        context.setLocalProperty(CALL_SITE_SHORT, "lstm-spark " + phase);
        context.setLocalProperty(CALL_SITE_LONG, "lstm-spark " + phase + ": " + detail + "\nrun: " + run);
    }

    /** Puts back the caller's job group, description and call site. */
    @Override
    public void close() {
        before.forEach(context::setLocalProperty);
    }
}
