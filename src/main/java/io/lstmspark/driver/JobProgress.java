package io.lstmspark.driver;

import org.apache.spark.scheduler.AccumulableInfo;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerStageCompleted;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.StageInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Driver-side progress: logs finished tasks and windows so far as tasks end (at most every few
 * seconds), and how long each stage took.
 */
final class JobProgress extends SparkListener {

    private static final Logger LOG = LoggerFactory.getLogger(JobProgress.class);
    private static final long EVERY_NANOS = 5_000_000_000L;

    private final long windowAccumulatorId;
    private final long startedNanos = System.nanoTime();
    private long lastLogNanos = startedNanos;
    private long tasks;
    private long windows;

    JobProgress(long windowAccumulatorId) {
        this.windowAccumulatorId = windowAccumulatorId;
    }

    @Override
    public void onStageCompleted(SparkListenerStageCompleted completed) {
        StageInfo stage = completed.stageInfo();
        if (stage.submissionTime().isDefined() && stage.completionTime().isDefined()) {
            LOG.info("Stage {} ({} tasks) took {} ms: {}", stage.stageId(), stage.numTasks(),
                    (Long) stage.completionTime().get() - (Long) stage.submissionTime().get(),
                    stage.name().lines().findFirst().orElse(""));
        }
    }

    @Override
    public synchronized void onTaskEnd(SparkListenerTaskEnd taskEnd) {
        boolean ours = false;
        for (AccumulableInfo info : CollectionConverters.asJava(taskEnd.taskInfo().accumulables())) {
            if (info.id() == windowAccumulatorId && info.update().isDefined()) {
                windows += ((Number) info.update().get()).longValue();
                ours = true;
            }
        }
        if (!ours || !taskEnd.taskInfo().successful()) {
            return;
        }
        tasks++;
        long now = System.nanoTime();
        if (now - lastLogNanos >= EVERY_NANOS) {
            lastLogNanos = now;
            double seconds = (now - startedNanos) / 1e9;
            LOG.info("Progress: {} tasks done, {} windows, {} windows/s", tasks, windows, Math.round(windows / seconds));
        }
    }
}
