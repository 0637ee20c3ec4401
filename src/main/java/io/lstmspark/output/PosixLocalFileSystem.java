package io.lstmspark.output;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/**
 * Hadoop's {@code file://} file system, with permissions set through {@code java.nio}. Without
 * Hadoop's native library (which Spark does not ship), {@link RawLocalFileSystem} runs
 * {@code chmod} in a new process for every directory and file it creates: a job writing to local
 * disk forks its multi-gigabyte JVM a few times per task (BENCHMARKS.md has what that cost). Everything
 * else is Hadoop's own.
 */
public final class PosixLocalFileSystem extends LocalFileSystem {

    static final String IMPLEMENTATION_KEY = "spark.hadoop.fs.file.impl";

    /** Bits 0-8 of a POSIX mode, lowest first. */
    private static final PosixFilePermission[] MODE_BITS = {
            PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
            PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ};

    public PosixLocalFileSystem() {
        super(new Raw());
    }

    /** Uses this file system for {@code file://} paths, unless the Spark configuration names another. */
    public static SparkSession.Builder use(SparkSession.Builder builder) {
        return new SparkConf().contains(IMPLEMENTATION_KEY) ? builder
                : builder.config(IMPLEMENTATION_KEY, PosixLocalFileSystem.class.getName());
    }

    /** The raw local file system with a process-free {@link #setPermission}. */
    public static final class Raw extends RawLocalFileSystem {

        @Override
        public void setPermission(Path path, FsPermission permission) throws IOException {
            int mode = permission.toShort();
            // Sticky, setuid and setgid bits, and file systems without POSIX attributes: Hadoop's way.
            if ((mode & ~0777) != 0) {
                super.setPermission(path, permission);
                return;
            }
            Set<PosixFilePermission> permissions = EnumSet.noneOf(PosixFilePermission.class);
            for (int bit = 0; bit < MODE_BITS.length; bit++) {
                if ((mode & (1 << bit)) != 0) {
                    permissions.add(MODE_BITS[bit]);
                }
            }
            try {
                Files.setPosixFilePermissions(pathToFile(path).toPath(), permissions);
            } catch (UnsupportedOperationException notPosix) {
                super.setPermission(path, permission);
            }
        }
    }
}
