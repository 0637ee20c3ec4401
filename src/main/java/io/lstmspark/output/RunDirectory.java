package io.lstmspark.output;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run's private directory, {@code .<prefix>lstm-spark-run-<id>}, on the same file system as what
 * the run replaces. It holds an owner marker ({@link RunOwner}), the staged output, and at publish a
 * journal of the swaps and the directories they replaced ({@link PublishJournal}). A publish that
 * fails is rolled back at once; one cut short by a dead driver is rolled back by the next run on the
 * same target ({@link DeadRuns}), which also removes what dead runs staged. Every move is a
 * {@link Renames rename}.
 */
final class RunDirectory implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RunDirectory.class);

    static final String NAME = "lstm-spark-run-";
    private static final String OUTPUT = "output";
    static final String PUBLISHED = "published";
    /** Marks output kept for the user (error-if-exists found its target taken): never cleaned up. */
    static final String KEPT = "kept";
    /** The exit status of a JVM halted by the test hook, as if killed by SIGKILL. */
    private static final int HALTED = 137;

    /**
     * Puts {@code staged} at {@code destination}, moving what is there aside first.
     *
     * @param mayReplace false: fail when the destination exists (output.mode error-if-exists)
     */
    record Swap(Path staged, Path destination, boolean mayReplace) {
    }

    private final FileSystem fs;
    private final Path dir;
    private final RunOwner owner;
    private boolean keep;

    private RunDirectory(FileSystem fs, Path dir, RunOwner owner) {
        this.fs = fs;
        this.dir = dir;
        this.owner = owner;
    }

    /** Creates the run's directory in {@code parent}, marked as this driver's. */
    static RunDirectory create(FileSystem fs, Path parent, String prefix) {
        Path dir = new Path(parent, "." + prefix + NAME + UUID.randomUUID());
        try {
            fs.mkdirs(dir);
            return new RunDirectory(fs, dir, RunOwner.mark(fs, dir));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the run's staging directory " + dir, e);
        }
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
            PublishJournal.write(fs, dir, journal);
            for (int i = 0; i < journal.size(); i++) {
                Swap swap = journal.get(i);
                if (fs.exists(swap.destination())) {
                    if (!swap.mayReplace()) {
                        throw appeared(swap.destination());
                    }
                    fs.mkdirs(new Path(dir, PublishJournal.REPLACED));
                    Renames.move(fs, swap.destination(), PublishJournal.replaced(dir, i));
                }
                if (swap.staged() != null) {
                    fs.create(new Path(swap.staged(), PublishJournal.marker(dir)), false).close();
                    fs.mkdirs(swap.destination().getParent());
                    Renames.move(fs, swap.staged(), swap.destination());
                }
                if (i == haltAfterSwap) {
                    Runtime.getRuntime().halt(HALTED);
                }
            }
            fs.create(new Path(dir, PUBLISHED), false).close();
            for (Swap swap : journal) {
                if (swap.staged() != null) {
                    fs.delete(new Path(swap.destination(), PublishJournal.marker(dir)), false);
                }
            }
        } catch (IOException | RuntimeException e) {
            if (!PublishJournal.rollBack(fs, dir, journal)) {
                keep = true;
                throw new IllegalStateException("publishing " + output() + " failed (" + e + ") and what it replaced "
                        + "could not all be put back: it is kept in " + new Path(dir, PublishJournal.REPLACED)
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
        owner.close();
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
}
