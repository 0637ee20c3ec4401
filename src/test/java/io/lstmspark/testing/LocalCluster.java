package io.lstmspark.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The Spark standalone cluster of {@code submit/local-cluster.sh}: a master and {@value #WORKERS}
 * workers on 127.0.0.1, each its own JVM, one executor core per worker. Jobs reach it through
 * {@code submit/spark-submit.sh} with the fat jar, as users submit them.
 *
 * <p>Stopped by {@link #close()}, by a shutdown hook if the JVM ends first, and otherwise by the next
 * start, which ends whatever the pid files of its directory name.
 */
public final class LocalCluster implements AutoCloseable {

    public static final int WORKERS = 2;
    private static final Path SCRIPTS = Path.of("submit");
    private static final String EXECUTOR_MAIN = "org.apache.spark.executor.CoarseGrainedExecutorBackend";
    private static final long SCRIPT_TIMEOUT_SECONDS = 180;
    private static final long JOB_TIMEOUT_SECONDS = 300;
    private static final String FAST_START = "-XX:TieredStopAtLevel=1";
    private static final long WATCH_MILLIS = 200;

    private final Path dir;
    private final String masterUrl;
    private final Thread stopAtExit;
    private boolean stopped;

    private LocalCluster(Path dir, String masterUrl) {
        this.dir = dir;
        this.masterUrl = masterUrl;
        this.stopAtExit = new Thread(this::stop, "lstm-spark-local-cluster-stop");
        Runtime.getRuntime().addShutdownHook(stopAtExit);
    }

    /** Starts the cluster with its pid files, logs and worker directories under {@code dir}. */
    public static LocalCluster start(Path dir) {
        Path log = dir.resolve("start.log");
        script(dir, log, "start");
        try {
            return new LocalCluster(dir, Files.readString(dir.resolve("master-url")).strip());
        } catch (IOException e) {
            throw new UncheckedIOException("the cluster started but left no master-url in " + dir, e);
        }
    }

    public String masterUrl() {
        return masterUrl;
    }

    /** The executor JVMs running now: the workers' child processes. */
    public List<ProcessHandle> executors() {
        List<ProcessHandle> executors = new ArrayList<>();
        for (int n = 1; n <= WORKERS; n++) {
            ProcessHandle.of(pid("worker-" + n)).ifPresent(worker -> worker.children()
                    .filter(child -> child.info().commandLine().orElse("").contains(EXECUTOR_MAIN))
                    .forEach(executors::add));
        }
        return executors;
    }

    /**
     * Waits until the log of one of the executor JVMs running now has {@code times} lines that
     * {@code line} finds, and returns that executor.
     */
    public ProcessHandle awaitExecutorLogging(Pattern line, int times, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            for (ProcessHandle executor : executors()) {
                Optional<Path> log = logOf(executor);
                if (log.isPresent() && count(log.get(), line) >= times) {
                    return executor;
                }
            }
            sleep(WATCH_MILLIS);
        }
        throw new AssertionError("no executor logged /" + line + "/ " + times + " times within " + timeout
                + "; logs in " + workDirectory());
    }

    /** An executor's stderr: WORK/worker-N/APP-ID/EXECUTOR-ID/stderr, as its command line names them. */
    private Optional<Path> logOf(ProcessHandle executor) {
        List<String> arguments = List.of(executor.info().arguments().orElse(new String[0]));
        int app = arguments.indexOf("--app-id");
        int id = arguments.indexOf("--executor-id");
        if (app < 0 || id < 0 || app + 1 >= arguments.size() || id + 1 >= arguments.size()) {
            return Optional.empty();
        }
        for (int n = 1; n <= WORKERS; n++) {
            Path log = workDirectory().resolve("worker-" + n).resolve(arguments.get(app + 1))
                    .resolve(arguments.get(id + 1)).resolve("stderr");
            if (Files.exists(log)) {
                return Optional.of(log);
            }
        }
        return Optional.empty();
    }

    private static long count(Path log, Pattern line) {
        try (Stream<String> lines = Files.lines(log)) {
            return lines.filter(text -> line.matcher(text).find()).count();
        } catch (IOException | UncheckedIOException e) {
            return 0; // being written or just removed: looked at again on the next round
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while watching the cluster", e);
        }
    }

    /**
     * A finished submission.
     *
     * @param driverPid    the driver's process id (spark-submit.sh runs the driver in its own process)
     * @param executorPids the executor JVMs the workers ran for it
     */
    public record Submission(long driverPid, Set<Long> executorPids) {
    }

    /**
     * Runs {@code submit/spark-submit.sh} against this cluster and waits for it, noting the executor
     * JVMs as they come; fails with the end of its output unless the job succeeds. The output stays in
     * {@code submit-NAME.log} beside the cluster's own logs.
     *
     * @param sparkOptions spark-submit options; the master is added
     * @param jobArgs      the job's arguments: [CONFIG] [key=value ...]
     */
    public Submission submit(String name, List<String> sparkOptions, List<String> jobArgs) {
        return submit(name, sparkOptions, jobArgs, () -> { });
    }

    /**
     * As {@link #submit(String, List, List)}, calling {@code whileRunning} on this thread once the driver
     * has started, e.g. to kill an executor mid-run; if it throws, the driver is ended and so is the test.
     */
    public Submission submit(String name, List<String> sparkOptions, List<String> jobArgs, Runnable whileRunning) {
        Path log = dir.resolve("submit-" + name + ".log");
        List<String> command = new ArrayList<>(List.of(SCRIPTS.resolve("spark-submit.sh").toString(),
                "--master", masterUrl));
        command.addAll(sparkOptions);
        command.add("--");
        command.addAll(jobArgs);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> env = builder.environment();
        env.remove("SPARK_HOME");
        env.put("SPARK_LOCAL_IP", "127.0.0.1");
        env.put("LSTM_SPARK_JAR", System.getProperty("lstmspark.fatJar"));
        // Four JVMs start at once on two cores: the JIT's first tier alone keeps them from starving
        // each other. The numbers are TensorFlow's, whichever JIT runs the Java around it.
        env.put("DRIVER_JAVA_OPTS", FAST_START);
        env.put("EXECUTOR_JAVA_OPTS", FAST_START);
        Process driver = start(builder);
        Set<Long> executorPids = ConcurrentHashMap.newKeySet();
        Thread watcher = new Thread(() -> {
            while (driver.isAlive()) {
                executors().forEach(executor -> executorPids.add(executor.pid()));
                try {
                    Thread.sleep(WATCH_MILLIS);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "lstm-spark-executor-watch");
        watcher.setDaemon(true);
        watcher.start();
        try {
            whileRunning.run();
        } catch (RuntimeException | Error e) {
            driver.descendants().forEach(ProcessHandle::destroyForcibly);
            driver.destroyForcibly();
            throw e;
        }
        try {
            await(driver, JOB_TIMEOUT_SECONDS, log, "spark-submit.sh " + String.join(" ", jobArgs));
            watcher.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for the executor watch", e);
        } finally {
            watcher.interrupt();
        }
        return new Submission(driver.pid(), Set.copyOf(executorPids));
    }

    /** Executor logs of this cluster's workers: where a failed job's cause is. */
    public Path workDirectory() {
        return dir.resolve("work");
    }

    @Override
    public void close() {
        stop();
        try {
            Runtime.getRuntime().removeShutdownHook(stopAtExit);
        } catch (IllegalStateException e) {
            // Already shutting down: the hook runs stop(), which is idempotent.
        }
    }

    private synchronized void stop() {
        if (!stopped) {
            stopped = true;
            script(dir, dir.resolve("stop.log"), "stop");
        }
    }

    private long pid(String daemon) {
        try {
            return Long.parseLong(Files.readString(dir.resolve(daemon + ".pid")).strip());
        } catch (IOException e) {
            throw new UncheckedIOException("no pid file for " + daemon + " in " + dir + ": is the cluster up?", e);
        }
    }

    private static void script(Path dir, Path log, String action) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ProcessBuilder builder = new ProcessBuilder(SCRIPTS.resolve("local-cluster.sh").toString(), action)
                .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("LOCAL_CLUSTER_DIR", dir.toAbsolutePath().toString());
        builder.environment().put("WORKERS", String.valueOf(WORKERS));
        await(start(builder), SCRIPT_TIMEOUT_SECONDS, log, "local-cluster.sh " + action);
    }

    private static Process start(ProcessBuilder builder) {
        try {
            return builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + builder.command(), e);
        }
    }

    private static void await(Process process, long timeoutSeconds, Path log, String what) {
        try {
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor();
                throw new AssertionError(what + " did not finish within " + timeoutSeconds + " s; output:\n"
                        + tail(log));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new AssertionError(what + " was interrupted", e);
        }
        if (process.exitValue() != 0) {
            throw new AssertionError(what + " exited with " + process.exitValue() + "; output:\n" + tail(log));
        }
    }

    private static String tail(Path log) {
        try (Stream<String> lines = Files.lines(log)) {
            List<String> all = lines.toList();
            return String.join("\n", all.subList(Math.max(0, all.size() - 40), all.size()))
                    + "\n(all of it in " + log + ")";
        } catch (IOException | UncheckedIOException e) {
            return "(no output in " + log + ")";
        }
    }
}
