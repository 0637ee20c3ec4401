package io.lstmspark.output;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The journal of a publish's swaps in a run's directory, where each swap's replaced directory is kept, and the
 * roll-back that puts them back: at once when a publish fails, or by a later run when a dead driver cut a
 * publish short.
 */
final class PublishJournal {

    private static final Logger LOG = LoggerFactory.getLogger(PublishJournal.class);

    static final String JOURNAL = "journal";
    static final String REPLACED = "replaced";
    private static final String NOTHING_STAGED = "-";

    private PublishJournal() {
    }

    static void write(FileSystem fs, Path dir, List<RunDirectory.Swap> swaps) throws IOException {
        StringBuilder text = new StringBuilder();
        for (RunDirectory.Swap swap : swaps) {
            text.append(swap.staged() == null ? NOTHING_STAGED : swap.staged().toString()).append('\t')
                    .append(swap.destination()).append('\n');
        }
        try (OutputStream out = fs.create(new Path(dir, JOURNAL), false)) {
            out.write(text.toString().getBytes(StandardCharsets.UTF_8));
        }
    }

    static List<RunDirectory.Swap> read(FileSystem fs, Path dir) throws IOException {
        List<RunDirectory.Swap> swaps = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(fs.open(new Path(dir, JOURNAL)),
                StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                String[] fields = line.split("\t", 2);
                swaps.add(new RunDirectory.Swap(NOTHING_STAGED.equals(fields[0]) ? null : new Path(fields[0]),
                        new Path(fields[1]), true));
            }
        }
        return swaps;
    }

    /** A hidden file that marks a staged directory as the run's of {@code dir}, wherever it was moved. */
    static String marker(Path dir) {
        return "." + dir.getName().substring(dir.getName().indexOf(RunDirectory.NAME));
    }

    /** Where swap {@code swap} keeps the directory it replaced. */
    static Path replaced(Path dir, int swap) {
        return new Path(new Path(dir, REPLACED), Integer.toString(swap));
    }

    /**
     * Undoes the swaps of a publish, last first: a destination holding the run's marker holds its
     * output, which is removed, and what it replaced is moved back.
     *
     * @return whether everything replaced is back in place
     */
    static boolean rollBack(FileSystem fs, Path dir, List<RunDirectory.Swap> journal) {
        boolean complete = true;
        for (int i = journal.size() - 1; i >= 0; i--) {
            RunDirectory.Swap swap = journal.get(i);
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
                        Renames.move(fs, previous, swap.destination());
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
}
