package io.lstmspark.output;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run's private directory, {@code .<prefix>lstm-spark-run-<id>}, on the same file system as what
 * the run replaces. It holds an owner marker (driver host and pid, touched as a heartbeat), the staged
 * output, and at publish a journal of the swaps and the directories they replaced. A publish that
 * fails is rolled back at once; one cut short by a dead driver is rolled back by the next run on the
 * same target ({@link #cleanUpDeadRuns}), which also removes what dead runs staged.
 *
 * <p>Every move is a rename that cannot turn into a copy: {@code rename(2)} for local paths (Hadoop's
 * local rename falls back to copy-then-delete, which loses data when it fails halfway), and
 * {@link FileContext}'s rename that never replaces for the others.
 */
final class RunDirectory implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RunDirectory.class);

    static final String NAME = "lstm-spark-run-";
    static final String OWNER = "owner";
    static final String OUTPUT = "output";
    private static final String REPLACED = "replaced";
    private static final String JOURNAL = "journal";
    private static final String PUBLISHED = "published";
    /** Marks output kept for the user (error-if-exists found its target taken): never cleaned up. */
    private static final String KEPT = "kept";
    private static final String NOTHING_STAGED = "-";
    /** The exit status of a JVM halted by the test hook, as if killed by SIGKILL. */
    private static final int HALTED = 137;
    private static final Duration HEARTBEAT = Duration.ofSeconds(30);
    /** A run whose driver cannot be asked (another host) is dead after this long without a heartbeat. */
    static final Duration STALE = Duration.ofMinutes(10);

    /**
     * Puts {@code staged} at {@code destination}, moving what is there aside first.
     *
     * @param mayReplace false: fail when the destination exists (output.mode error-if-exists)
     */
    record Swap(Path staged, Path destination, boolean mayReplace) {
    }

    private final FileSystem fs;
    private final Path dir;
    private final ScheduledExecutorService heartbeat;
    private boolean keep;

    private RunDirectory(FileSystem fs, Path dir) {
        this.fs = fs;
        this.dir = dir;
        this.heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "lstm-spark-run-heartbeat");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Creates the run's directory in {@code parent}, marked as this driver's. */
    static RunDirectory create(FileSystem fs, Path parent, String prefix) {
        Path dir = new Path(parent, "." + prefix + NAME + UUID.randomUUID());
        RunDirectory run = new RunDirectory(fs, dir);
        Path owner = new Path(dir, OWNER);
        try {
            fs.mkdirs(dir);
            try (OutputStream out = fs.create(owner, false)) {
                out.write(("host=" + hostName() + "\npid=" + ProcessHandle.current().pid() + "\n")
                        .getBytes(StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the run's staging directory " + dir, e);
        }
        run.heartbeat.scheduleAtFixedRate(() -> touch(fs, owner), HEARTBEAT.toSeconds(), HEARTBEAT.toSeconds(),
                TimeUnit.SECONDS);
        return run;
    }

    /** Where the run writes its output, laid out as it will be published. */
    Path output() {
        return new Path(dir, OUTPUT);
    }

    /**
     * Makes the staged output visible: each swap moves its destination aside and the staged directory
     * in (a swap with nothing staged only removes its destination). Any failure puts back what was
     * moved; the run's directory is then removed unless it holds something the user must get back.
     */
    void publish(List<Swap> swaps) {
        publish(swaps, -1);
    }

    /** {@link #publish(List)}; a test hook: the JVM halts once swap {@code haltAfterSwap} is done. */
    void publish(List<Swap> swaps, int haltAfterSwap) {
        List<Swap> journal = new ArrayList<>();
        try {
            for (Swap swap : swaps) {
                journal.add(fs.exists(swap.staged()) ? swap : new Swap(null, swap.destination(), swap.mayReplace()));
            }
            writeJournal(journal);
            for (int i = 0; i < journal.size(); i++) {
                Swap swap = journal.get(i);
                if (fs.exists(swap.destination())) {
                    if (!swap.mayReplace()) {
                        throw appeared(swap.destination());
                    }
                    fs.mkdirs(new Path(dir, REPLACED));
                    move(fs, swap.destination(), replaced(dir, i));
                }
                if (swap.staged() != null) {
                    fs.create(new Path(swap.staged(), marker(dir)), false).close();
                    fs.mkdirs(swap.destination().getParent());
                    move(fs, swap.staged(), swap.destination());
                }
                if (i == haltAfterSwap) {
                    Runtime.getRuntime().halt(HALTED);
                }
            }
            fs.create(new Path(dir, PUBLISHED), false).close();
            for (Swap swap : journal) {
                if (swap.staged() != null) {
                    fs.delete(new Path(swap.destination(), marker(dir)), false);
                }
            }
        } catch (IOException | RuntimeException e) {
            if (!rollBack(fs, dir, journal)) {
                keep = true;
                throw new IllegalStateException("publishing " + output() + " failed (" + e + ") and what it replaced "
                        + "could not all be put back: it is kept in " + new Path(dir, REPLACED)
                        + " (see the log for each directory)", e);
            }
            throw e instanceof IOException io ? new UncheckedIOException("cannot publish " + output(), io)
                    : (RuntimeException) e;
        }
        close();
    }

    /** Stops the heartbeat and removes the directory, unless it holds output the user must get back. */
    @Override
    public void close() {
        heartbeat.shutdownNow();
        if (!keep) {
            try {
                fs.delete(dir, true);
            } catch (IOException e) {
                LOG.warn("Could not delete {}: {}", dir, e.getMessage());
            }
        }
    }

    private OutputException appeared(Path destination) throws IOException {
        keep = true;
        fs.create(new Path(dir, KEPT), false).close();
        return new OutputException(destination + " appeared while the run ran, and output.mode is error-if-exists: "
                + "it was left as it is, and nothing was published. The run's output is kept in " + output()
                + ": move it where it belongs, or delete " + dir);
    }

    private void writeJournal(List<Swap> swaps) throws IOException {
        StringBuilder text = new StringBuilder();
        for (Swap swap : swaps) {
            text.append(swap.staged() == null ? NOTHING_STAGED : swap.staged().toString()).append('\t')
                    .append(swap.destination()).append('\n');
        }
        try (OutputStream out = fs.create(new Path(dir, JOURNAL), false)) {
            out.write(text.toString().getBytes(StandardCharsets.UTF_8));
        }
    }

    private static List<Swap> readJournal(FileSystem fs, Path dir) throws IOException {
        List<Swap> swaps = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(fs.open(new Path(dir, JOURNAL)),
                StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                String[] fields = line.split("\t", 2);
                swaps.add(new Swap(NOTHING_STAGED.equals(fields[0]) ? null : new Path(fields[0]),
                        new Path(fields[1]), true));
            }
        }
        return swaps;
    }

    /** A hidden file that marks a staged directory as this run's, wherever it was moved. */
    private static String marker(Path dir) {
        return "." + dir.getName().substring(dir.getName().indexOf(NAME));
    }

    private static Path replaced(Path dir, int swap) {
        return new Path(new Path(dir, REPLACED), Integer.toString(swap));
    }

    /**
     * Undoes the swaps of a publish, last first: a destination holding the run's marker holds its
     * output, which is removed, and what it replaced is moved back.
     *
     * @return whether everything replaced is back in place
     */
    private static boolean rollBack(FileSystem fs, Path dir, List<Swap> journal) {
        boolean complete = true;
        for (int i = journal.size() - 1; i >= 0; i--) {
            Swap swap = journal.get(i);
            Path previous = replaced(dir, i);
            try {
                if (fs.exists(new Path(swap.destination(), marker(dir)))) {
                    fs.delete(swap.destination(), true);
                }
                if (fs.exists(previous)) {
                    if (fs.exists(swap.destination())) {
                        LOG.error("Cannot put {} back: {} exists; the replaced output stays in {}", swap.destination(),
                                swap.destination(), previous);
                        complete = false;
                    } else {
                        move(fs, previous, swap.destination());
                        LOG.warn("Put the previous output back at {}", swap.destination());
                    }
                }
            } catch (IOException | RuntimeException e) {
                LOG.error("Cannot put {} back; the replaced output stays in {}", swap.destination(), previous, e);
                complete = false;
            }
        }
        return complete;
    }

    /**
     * Rolls back and removes the run directories in {@code parent} of drivers that are no longer
     * running: same host and a pid that is gone, or no heartbeat for {@link #STALE}. Directories of
     * live runs and output kept for the user are left alone.
     */
    static void cleanUpDeadRuns(FileSystem fs, Path parent, String prefix) {
        FileStatus[] runs;
        try {
            if (!fs.isDirectory(parent)) {
                return;
            }
            runs = fs.listStatus(parent, p -> p.getName().startsWith("." + prefix + NAME));
        } catch (IOException e) {
            LOG.warn("Cannot look for stale run directories in {}: {}", parent, e.getMessage());
            return;
        }
        for (FileStatus run : runs) {
            Path dir = run.getPath();
            try {
                String owner = deadOwner(fs, dir, run.getModificationTime());
                if (owner == null || fs.exists(new Path(dir, KEPT))) {
                    continue;
                }
                if (!fs.exists(new Path(dir, PUBLISHED)) && fs.exists(new Path(dir, JOURNAL))
                        && !rollBack(fs, dir, readJournal(fs, dir))) {
                    LOG.error("Run directory {} of a dead run ({}) holds replaced output that could not be put back",
                            dir, owner);
                    continue;
                }
                long bytes = fs.getContentSummary(dir).getLength();
                fs.delete(dir, true);
                LOG.warn("Removed {} ({} bytes), left by a run that is no longer running ({})", dir, bytes, owner);
            } catch (IOException e) {
                LOG.warn("Cannot clean up {}: {}", dir, e.getMessage());
            }
        }
    }

    /** The owner of a dead run's directory, described; null while the run may still be running. */
    private static String deadOwner(FileSystem fs, Path dir, long dirModified) throws IOException {
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

    /**
     * Refuses, before any task runs, a destination that a rename from {@code parent} cannot reach:
     * a mount point or a directory on another local file system.
     */
    static void checkRenamable(FileSystem fs, Path parent, List<Path> destinations) {
        if (!isLocal(fs)) {
            return;
        }
        try {
            java.nio.file.Path base = local(fs, parent);
            while (!Files.exists(base)) {
                base = base.getParent();
            }
            FileStore store = Files.getFileStore(base);
            for (Path destination : destinations) {
                for (java.nio.file.Path p = local(fs, destination); p != null && p.startsWith(base)
                        && !p.equals(base); p = p.getParent()) {
                    if (Files.exists(p) && !Files.getFileStore(p).equals(store)) {
                        throw new OutputException(p + " is a mount point (another file system than " + base
                                + "): a run cannot replace it by a rename, and a copy that failed halfway would "
                                + "lose the previous output. Write to a directory inside it, e.g. output.path = "
                                + p.resolve("lstm-spark"));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot check the file systems of " + destinations, e);
        }
    }

    private static void move(FileSystem fs, Path from, Path to) throws IOException {
        if (fs.exists(to)) {
            throw new FileAlreadyExistsException(to.toString());
        }
        if (isLocal(fs)) {
            // rename(2): atomic, never a copy, and it replaces no non-empty directory.
            Files.move(local(fs, from), local(fs, to), StandardCopyOption.ATOMIC_MOVE);
        } else {
            FileContext.getFileContext(fs.getUri(), fs.getConf()).rename(from, to, Options.Rename.NONE);
        }
    }

    private static boolean isLocal(FileSystem fs) {
        return "file".equals(fs.getUri().getScheme());
    }

    private static java.nio.file.Path local(FileSystem fs, Path path) {
        return Paths.get(fs.makeQualified(path).toUri());
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
