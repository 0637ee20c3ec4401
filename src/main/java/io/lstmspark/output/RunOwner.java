package io.lstmspark.output;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The owner marker of a run's directory: the driver's host and pid, touched as a heartbeat while the run
 * lives, from which a later run tells whether the directory's run is dead.
 */
final class RunOwner implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RunOwner.class);

    private static final String OWNER = "owner";
    private static final Duration HEARTBEAT = Duration.ofSeconds(30);
    /** A run whose driver cannot be asked (another host) is dead after this long without a heartbeat. */
    static final Duration STALE = Duration.ofMinutes(10);

    private final ScheduledExecutorService heartbeat;

    private RunOwner(ScheduledExecutorService heartbeat) {
        this.heartbeat = heartbeat;
    }

    /** Marks {@code dir} as this driver's and keeps its heartbeat until closed. */
    static RunOwner mark(FileSystem fs, Path dir) throws IOException {
        Path owner = new Path(dir, OWNER);
        try (OutputStream out = fs.create(owner, false)) {
            out.write(("host=" + hostName() + "\npid=" + ProcessHandle.current().pid() + "\n")
                    .getBytes(StandardCharsets.UTF_8));
        }
        ScheduledExecutorService heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "lstm-spark-run-heartbeat");
            thread.setDaemon(true);
            return thread;
        });
        heartbeat.scheduleAtFixedRate(() -> touch(fs, owner), HEARTBEAT.toSeconds(), HEARTBEAT.toSeconds(),
                TimeUnit.SECONDS);
        return new RunOwner(heartbeat);
    }

    /** Stops the heartbeat. */
    @Override
    public void close() {
        heartbeat.shutdownNow();
    }

    /** The owner of a dead run's directory, described; null while the run may still be running. */
    static String deadOwner(FileSystem fs, Path dir, long dirModified) throws IOException {
        Path ownerFile = new Path(dir, OWNER);
        long now = System.currentTimeMillis();
        if (!fs.exists(ownerFile)) {
            return now - dirModified > STALE.toMillis() ? "no owner marker, unchanged for " + STALE : null;
        }
        String host = null;
        long pid = -1;
        try (BufferedReader in = new BufferedReader(
                new InputStreamReader(fs.open(ownerFile), StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (line.startsWith("host=")) {
                    host = line.substring("host=".length());
                } else if (line.startsWith("pid=")) {
                    pid = Long.parseLong(line.substring("pid=".length()));
                }
            }
        }
        String owner = "driver pid " + pid + " on " + host;
        if (hostName().equals(host) && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
            return null;
        }
        if (hostName().equals(host)) {
            return owner + ", which has exited";
        }
        long heartbeat = fs.getFileStatus(ownerFile).getModificationTime();
        return now - heartbeat > STALE.toMillis() ? owner + ", no heartbeat for " + STALE : null;
    }

    private static void touch(FileSystem fs, Path file) {
        try {
            fs.setTimes(file, System.currentTimeMillis(), -1);
        } catch (IOException e) {
            LOG.warn("Cannot update the heartbeat of {}: {}", file, e.getMessage());
        }
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }
}
