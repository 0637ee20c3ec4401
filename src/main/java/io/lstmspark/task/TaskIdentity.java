package io.lstmspark.task;

/**
 * Which task a pipeline runs as and where: taken from Spark by {@link SparkTask}, given by a test.
 *
 * @param partition     the partition's index
 * @param attempt       the attempt number (0 for the first)
 * @param taskAttemptId Spark's id of this attempt, unique in the application
 * @param executorId    Spark executor id ("driver" in local mode)
 * @param host          the executor's host, as Spark names it
 * @param pid           the executor JVM's process id
 */
record TaskIdentity(int partition, int attempt, long taskAttemptId, String executorId, String host, long pid) {
}
