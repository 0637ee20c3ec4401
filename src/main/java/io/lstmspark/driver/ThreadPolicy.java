package io.lstmspark.driver;

import io.lstmspark.config.JobConfig;
import io.lstmspark.model.SessionThreads;
import org.apache.spark.sql.SparkSession;

/**
 * TensorFlow's threads for the model session. One shared session serves all tasks of an executor.
 * Ops run in the calling task's thread (inter-op -1): a shared inter-op pool of one thread would
 * serialise concurrent tasks, a larger one would oversubscribe the cores the tasks already hold. Each
 * op may use spark.task.cpus threads; TensorFlow runs single-threaded ops inline.
 */
final class ThreadPolicy {

    /** TensorFlow's inter-op setting for "run every op in the thread that called Session.run". */
    private static final int CALLER_THREAD = -1;

    private ThreadPolicy() {
    }

    /** model.intra-op-threads and model.inter-op-threads where set, else the policy above. */
    static SessionThreads sessionThreads(SparkSession spark, JobConfig.Model model) {
        int taskCpus = Integer.parseInt(spark.conf().get("spark.task.cpus", "1"));
        int intra = model.intraOpThreads() > 0 ? model.intraOpThreads() : taskCpus;
        int inter = model.interOpThreads() != 0 ? model.interOpThreads() : CALLER_THREAD;
        return new SessionThreads(intra, inter);
    }
}
