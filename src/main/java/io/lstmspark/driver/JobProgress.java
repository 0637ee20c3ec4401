package io.lstmspark.driver;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.spark.scheduler.AccumulableInfo;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerExecutorMetricsUpdate;
import org.apache.spark.scheduler.SparkListenerStageCompleted;
import org.apache.spark.scheduler.SparkListenerStageSubmitted;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.StageInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Tuple4;
import scala.collection.immutable.Seq;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Driver-side progress of one pass, from its windows accumulator: tasks add to it after each batch,
 * so the value of a running task reaches the driver with its executor's heartbeat
 * ({@code spark.executor.heartbeatInterval}), and the final one when the task ends. A failed attempt's
 * windows are dropped, as Spark drops its accumulator updates. Also logs how long each stage took.
 */
final class JobProgress extends SparkListener {

    private static final Logger LOG = LoggerFactory.getLogger(JobProgress.class);

    private final String pass;
    private final long windowAccumulatorId;
    private final RunWatcher watcher;
    private final long startedNanos = System.nanoTime();
    private final Map<Integer, Integer> tasksByStage = new HashMap<>();
    /** The stages whose tasks add to the accumulator: the pass's own. */
    private final Set<Integer> passStages = new HashSet<>();
    /** Windows of each running task attempt, by task id, as its last heartbeat said. */
    private final Map<Long, Long> running = new HashMap<>();
    private long tasksDone;
    private long windowsDone;

    JobProgress(String pass, long windowAccumulatorId, RunWatcher watcher) {
        this.pass = pass;
        this.windowAccumulatorId = windowAccumulatorId;
        this.watcher = watcher;
    }

    @Override
    public synchronized void onStageSubmitted(SparkListenerStageSubmitted submitted) {
        tasksByStage.put(submitted.stageInfo().stageId(), submitted.stageInfo().numTasks());
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
    public void onExecutorMetricsUpdate(SparkListenerExecutorMetricsUpdate update) {
        boolean changed = false;
        synchronized (this) {
            for (Tuple4<Object, Object, Object, Seq<AccumulableInfo>> task
                    : CollectionConverters.asJava(update.accumUpdates())) {
                Optional<Long> windows = windows(task._4());
                if (windows.isPresent()) {
                    running.put((Long) task._1(), windows.get());
                    passStages.add((Integer) task._2());
                    changed = true;
                }
            }
        }
        if (changed) {
            watcher.progress(current());
        }
    }

    @Override
    public void onTaskEnd(SparkListenerTaskEnd taskEnd) {
        Optional<Long> windows = windows(taskEnd.taskInfo().accumulables().toSeq());
        synchronized (this) {
            running.remove(taskEnd.taskInfo().taskId());
            if (windows.isEmpty() || !taskEnd.taskInfo().successful()) {
                return;
            }
            passStages.add(taskEnd.stageId());
            tasksDone++;
            windowsDone += windows.get();
        }
        watcher.progress(current());
    }

    /** Where the pass stands now. */
    synchronized PassProgress current() {
        long windows = windowsDone + running.values().stream().mapToLong(Long::longValue).sum();
        long tasksTotal = passStages.stream().mapToLong(stage -> tasksByStage.getOrDefault(stage, 0)).sum();
        long elapsedNanos = System.nanoTime() - startedNanos;
        Optional<Duration> left = tasksDone == 0 || tasksTotal <= tasksDone ? Optional.empty()
                : Optional.of(Duration.ofNanos(elapsedNanos / tasksDone * (tasksTotal - tasksDone)));
        return new PassProgress(pass, windows, windows / Math.max(1e-9, elapsedNanos / 1e9), tasksDone, tasksTotal,
                left);
    }

    private Optional<Long> windows(scala.collection.Seq<AccumulableInfo> accumulables) {
        for (AccumulableInfo info : CollectionConverters.asJava(accumulables)) {
            if (info.id() == windowAccumulatorId && info.update().isDefined()) {
                return Optional.of(((Number) info.update().get()).longValue());
            }
        }
        return Optional.empty();
    }
}
