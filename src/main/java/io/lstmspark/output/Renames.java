package io.lstmspark.output;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Path;

/**
 * Moves that are renames and cannot turn into copies: {@code rename(2)} for local paths (Hadoop's local rename
 * falls back to copy-then-delete, which loses data when it fails halfway), and {@link FileContext}'s rename
 * that never replaces for the others.
 */
final class Renames {

    private Renames() {
    }

    /** Moves {@code from} to {@code to}, which must not exist. */
    static void move(FileSystem fs, Path from, Path to) throws IOException {
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

    private static boolean isLocal(FileSystem fs) {
        return "file".equals(fs.getUri().getScheme());
    }

    private static java.nio.file.Path local(FileSystem fs, Path path) {
        return Paths.get(fs.makeQualified(path).toUri());
    }
}
