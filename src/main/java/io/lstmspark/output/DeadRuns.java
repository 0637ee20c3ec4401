package io.lstmspark.output;

import java.io.IOException;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The clean-up, at a run's start, of what runs whose driver died left in the run directories' parent. */
final class DeadRuns {

    private static final Logger LOG = LoggerFactory.getLogger(DeadRuns.class);

    private DeadRuns() {
    }

    /**
     * Rolls back and removes the run directories in {@code parent} of drivers that are no longer
     * running: same host and a pid that is gone, or no heartbeat for {@link RunOwner#STALE}. Directories of
     * live runs and output kept for the user are left alone.
     */
    static void cleanUp(FileSystem fs, Path parent, String prefix) {
        FileStatus[] runs;
        try {
            if (!fs.isDirectory(parent)) {
                return;
            }
            runs = fs.listStatus(parent, p -> p.getName().startsWith("." + prefix + RunDirectory.NAME));
        } catch (IOException e) {
            LOG.warn("Cannot look for stale run directories in {}: {}", parent, e.getMessage());
            return;
        }
        for (FileStatus run : runs) {
            Path dir = run.getPath();
            try {
                String owner = RunOwner.deadOwner(fs, dir, run.getModificationTime());
                if (owner == null || fs.exists(new Path(dir, RunDirectory.KEPT))) {
                    continue;
                }
                if (!fs.exists(new Path(dir, RunDirectory.PUBLISHED))
                        && fs.exists(new Path(dir, PublishJournal.JOURNAL))
                        && !PublishJournal.rollBack(fs, dir, PublishJournal.read(fs, dir))) {
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
}
