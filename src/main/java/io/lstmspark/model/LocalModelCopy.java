package io.lstmspark.model;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.RemoteIterator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A model on a Hadoop file system ({@code hdfs://}, {@code s3a://}, {@code file:///}, ...) copied to this
 * host's local disk, under {@code java.io.tmpdir/lstm-spark-models-USER/<fingerprint>/<name>}, once per
 * fingerprint: later tasks, jobs and JVMs of the same user on the host use that copy.
 *
 * <p>A copy is made in a temporary directory beside the others, its fingerprint checked, and renamed into
 * place, so no task, here or in another JVM, ever sees half a model. A copy found already in place is
 * hashed once per JVM before use: a damaged one is replaced.
 */
public final class LocalModelCopy {

    private static final Logger LOG = LoggerFactory.getLogger(LocalModelCopy.class);
    private static final AtomicLong COPIES = new AtomicLong();
    /** Copies this JVM has checked: fingerprint to model path. */
    private static final Map<String, Path> CHECKED = new ConcurrentHashMap<>();
    /** The driver's shortcut: a remote model whose files are unchanged (names, sizes, times) hashes the same. */
    private static final Map<String, String> FINGERPRINT_BY_LISTING = new ConcurrentHashMap<>();
    private static final Map<String, Object> LOCKS = new ConcurrentHashMap<>();

    private LocalModelCopy() {
    }

    /** The model's local copy and the fingerprint of its files. */
    public record Copy(Path path, String fingerprint) {
    }

    /** Whether {@code path} names a file system by a scheme ({@code hdfs://...}, {@code file:///...}). */
    public static boolean isUri(String path) {
        return new org.apache.hadoop.fs.Path(path).toUri().getScheme() != null;
    }

    /** Copies made by this JVM since it started (a copy found in place is not one). */
    public static long copyCount() {
        return COPIES.get();
    }

    /**
     * The local copy of the model at {@code uri}, copied when needed. Without {@code expected} (on the driver),
     * the fingerprint is what the copied files hash to; with it (executors: the driver's), a copy that hashes
     * otherwise is refused: the model changed after the driver checked it.
     */
    public static Copy of(String uri, Supplier<Configuration> conf, Optional<String> expected) {
        Path checked = expected.map(CHECKED::get).orElse(null);
        if (checked != null && Files.exists(checked)) {
            return new Copy(checked, expected.get());
        }
        org.apache.hadoop.fs.Path remote = new org.apache.hadoop.fs.Path(uri);
        try {
            FileSystem fs = remote.getFileSystem(conf.get());
            Optional<String> known = expected;
            String listing = null;
            if (known.isEmpty()) {
                listing = uri + "\n" + listing(fs, remote);
                known = Optional.ofNullable(FINGERPRINT_BY_LISTING.get(listing));
            }
            Copy copy;
            if (known.isPresent()) {
                synchronized (LOCKS.computeIfAbsent(known.get(), k -> new Object())) {
                    copy = findOrCopy(fs, remote, known.get(), expected.isPresent());
                }
            } else {
                copy = copy(fs, remote, Optional.empty());
            }
            if (listing != null) {
                FINGERPRINT_BY_LISTING.put(listing, copy.fingerprint());
            }
            return copy;
        } catch (java.io.FileNotFoundException e) {
            throw new ModelException("model.path " + uri + " does not exist (" + e.getMessage() + "): give the "
                    + "model's directory or file on a file system the driver and every executor can read");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy model.path " + uri + " to local disk", e);
        }
    }

    private static Copy findOrCopy(FileSystem fs, org.apache.hadoop.fs.Path remote, String fingerprint,
                                   boolean mustMatch) throws IOException {
        Path checked = CHECKED.get(fingerprint);
        if (checked != null && Files.exists(checked)) {
            return new Copy(checked, fingerprint);
        }
        Path placed = root().resolve(directoryName(fingerprint)).resolve(remote.getName());
        if (Files.exists(placed)) {
            if (ModelFingerprint.of(placed).equals(fingerprint)) {
                CHECKED.put(fingerprint, placed);
                return new Copy(placed, fingerprint);
            }
            LOG.warn("The local copy {} of model {} does not hash to {}: copying it again", placed, remote,
                    fingerprint);
            delete(placed.getParent());
        }
        return copy(fs, remote, mustMatch ? Optional.of(fingerprint) : Optional.empty());
    }

    /** Copies into a temporary directory, checks the fingerprint, renames the directory into place. */
    private static Copy copy(FileSystem fs, org.apache.hadoop.fs.Path remote, Optional<String> expected)
            throws IOException {
        Path root = root();
        Path temporary = Files.createTempDirectory(root, ".copying-");
        try {
            long started = System.nanoTime();
            Path local = temporary.resolve(remote.getName());
            fs.copyToLocalFile(false, remote, new org.apache.hadoop.fs.Path(local.toUri()), true);
            String fingerprint = ModelFingerprint.of(local);
            if (expected.isPresent() && !expected.get().equals(fingerprint)) {
                throw new ModelException("model.path " + remote + " changed after the driver checked it: its files "
                        + "now hash to " + fingerprint + ", the driver's to " + expected.get()
                        + ". Replace a model by writing a new path, not over the files a running job reads");
            }
            COPIES.incrementAndGet();
            Path placedDir = root.resolve(directoryName(fingerprint));
            try {
                Files.move(temporary, placedDir, StandardCopyOption.ATOMIC_MOVE);
                LOG.info("Copied model {} ({}) to {} in {} ms", remote, fingerprint, placedDir,
                        (System.nanoTime() - started) / 1_000_000);
            } catch (FileSystemException e) {
                if (!Files.isDirectory(placedDir)) {
                    throw e;
                }
                // Another JVM of this host placed the same model first (rename fails on a full directory).
                LOG.info("Model {} ({}) was copied to {} by another JVM meanwhile", remote, fingerprint, placedDir);
            }
            Path placed = placedDir.resolve(remote.getName());
            CHECKED.put(fingerprint, placed);
            return new Copy(placed, fingerprint);
        } finally {
            if (Files.exists(temporary)) {
                delete(temporary);
            }
        }
    }

    /** Relative names, sizes and modification times of the model's files: what the driver's shortcut compares. */
    private static String listing(FileSystem fs, org.apache.hadoop.fs.Path remote) throws IOException {
        FileStatus top = fs.getFileStatus(remote);
        Map<String, String> files = new TreeMap<>();
        if (top.isFile()) {
            files.put(remote.getName(), top.getLen() + " " + top.getModificationTime());
        } else {
            String prefix = fs.makeQualified(remote).toUri().getPath();
            RemoteIterator<LocatedFileStatus> all = fs.listFiles(remote, true);
            while (all.hasNext()) {
                LocatedFileStatus file = all.next();
                files.put(file.getPath().toUri().getPath().substring(prefix.length()),
                        file.getLen() + " " + file.getModificationTime());
            }
        }
        return files.toString();
    }

    /** The user's directory of model copies, readable by that user alone. */
    static Path root() throws IOException {
        Path root = Path.of(System.getProperty("java.io.tmpdir"),
                "lstm-spark-models-" + System.getProperty("user.name"));
        if (!Files.isDirectory(root)) {
            try {
                Files.createDirectory(root, PosixFilePermissions.asFileAttribute(
                        PosixFilePermissions.fromString("rwx------")));
            } catch (FileAlreadyExistsException raced) {
                // Another JVM made it.
            }
        }
        String owner = Files.getOwner(root).getName();
        if (!owner.equals(System.getProperty("user.name"))) {
            throw new ModelException("the directory for local model copies " + root + " belongs to " + owner
                    + ", not to " + System.getProperty("user.name") + ": remove it, or point java.io.tmpdir elsewhere");
        }
        return root;
    }

    private static String directoryName(String fingerprint) {
        return fingerprint.replace(':', '-');
    }

    private static void delete(Path directory) {
        try (Stream<Path> walk = Files.walk(directory)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            LOG.warn("Could not delete {}: {}", directory, e.toString());
        }
    }
}
