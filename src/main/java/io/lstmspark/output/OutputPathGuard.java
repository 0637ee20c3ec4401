package io.lstmspark.output;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Paths;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Refuses an output.path whose replacement would delete what the job must not touch: its own input
 * or model, a file system root, the working or home directory, the Spark warehouse, or a directory
 * holding any of them. Staging plus rename bypasses Spark's own "cannot overwrite a path being
 * read" check, so the job checks here, before any task runs.
 */
final class OutputPathGuard {

    private static final String GLOB_CHARACTERS = "*?[{";

    private OutputPathGuard() {
    }

    /** A directory the job reads or must keep, and what it is ("input.path", "the home directory"). */
    record Kept(String what, String path, boolean read) {
    }

    /** Throws {@link OutputException} when replacing {@code output} could touch one of {@code kept}. */
    static void check(Path output, List<Kept> kept, Configuration conf) {
        check("output.path " + output, output, kept, conf);
    }

    /** As {@link #check(Path, List, Configuration)} for {@code what} (a key and its value) at {@code output}. */
    static void check(String what, Path output, List<Kept> kept, Configuration conf) {
        if (output.getParent() == null) {
            throw refused(what, "it is the root of its file system");
        }
        for (Kept k : kept) {
            Path path = resolve(k.read() ? withoutGlob(k.path()) : k.path(), conf);
            if (sameLocation(path, output)) {
                throw refused(what, "it is " + k.what() + (k.read() ? "" : " " + path));
            }
            if (isSameOrInside(output, path)) {
                throw refused(what, "it holds " + k.what() + " " + path);
            }
            if (k.read() && isSameOrInside(path, output)) {
                throw refused(what, "it lies inside " + k.what() + " " + path + ", which the run reads");
            }
        }
    }

    /** The directories no output.path may be or hold, for this JVM and session. */
    static List<Kept> protectedDirectories(FileSystem fs, String warehouse) {
        List<Kept> kept = new ArrayList<>();
        kept.add(new Kept("the working directory", fs.getWorkingDirectory().toString(), false));
        kept.add(new Kept("the home directory", fs.getHomeDirectory().toString(), false));
        if (warehouse != null) {
            kept.add(new Kept("the Spark warehouse (spark.sql.warehouse.dir)", warehouse, false));
        }
        return kept;
    }

    /** Fully qualified and normalised; a local path also with its symbolic links resolved. */
    static Path resolve(String given, Configuration conf) {
        Path path = new Path(given);
        try {
            Path qualified = path.getFileSystem(conf).makeQualified(path);
            boolean local = "file".equals(qualified.toUri().getScheme());
            return local ? new Path("file", null, realLocalPath(qualified.toUri())) : qualified;
        } catch (IOException e) {
            throw new UncheckedIOException("no file system for " + given, e);
        }
    }

    /** The real path of the longest existing prefix, with the rest appended. */
    private static String realLocalPath(URI uri) throws IOException {
        java.nio.file.Path path = Paths.get(uri).normalize();
        Deque<java.nio.file.Path> missing = new ArrayDeque<>();
        java.nio.file.Path existing = path;
        while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
            missing.push(existing.getFileName());
            existing = existing.getParent();
        }
        java.nio.file.Path real = existing == null ? path.getRoot() : existing.toRealPath();
        while (!missing.isEmpty()) {
            real = real.resolve(missing.pop());
        }
        return real.toString();
    }

    /** Whether {@code inner} is {@code outer} or lies below it. */
    static boolean isSameOrInside(Path outer, Path inner) {
        for (Path p = inner; p != null; p = p.getParent()) {
            if (sameLocation(p, outer)) {
                return true;
            }
        }
        return false;
    }

    private static boolean sameLocation(Path a, Path b) {
        URI x = a.toUri();
        URI y = b.toUri();
        return String.valueOf(x.getScheme()).equals(String.valueOf(y.getScheme()))
                && String.valueOf(x.getAuthority()).equals(String.valueOf(y.getAuthority()))
                && stripSlash(x.getPath()).equals(stripSlash(y.getPath()));
    }

    private static String stripSlash(String path) {
        return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }

    /** A glob's fixed leading directories: everything it can match lies below them. */
    private static String withoutGlob(String path) {
        int glob = -1;
        for (char c : GLOB_CHARACTERS.toCharArray()) {
            int at = path.indexOf(c);
            if (at >= 0 && (glob < 0 || at < glob)) {
                glob = at;
            }
        }
        if (glob < 0) {
            return path;
        }
        int slash = path.lastIndexOf('/', glob);
        return slash <= 0 ? "/" : path.substring(0, slash);
    }

    private static OutputException refused(String what, String why) {
        String key = what.split(" ", 2)[0];
        return new OutputException(what + " is refused: " + why
                + ". A run replaces what is at " + key + ": give it a "
                + (key.endsWith("table") ? "table" : "directory") + " of its own");
    }
}
