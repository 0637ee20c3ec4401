package io.lstmspark.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lstmspark.testing.TestSpark;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.permission.FsPermission;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Local directories and files get the permissions Hadoop asks for, set without a chmod process. */
class PosixLocalFileSystemTest {

    @TempDir
    Path dir;

    @Test
    void jobSessionsUseItForLocalPaths() throws IOException {
        Configuration hadoop = TestSpark.session().sparkContext().hadoopConfiguration();
        try (FileSystem fs = FileSystem.newInstance(URI.create("file:///"), hadoop)) {
            assertInstanceOf(PosixLocalFileSystem.class, fs);
        }
    }

    @Test
    void newDirectoriesAndFilesTakeTheUmask() throws IOException {
        try (FileSystem fs = fileSystem("077")) {
            org.apache.hadoop.fs.Path directory = new org.apache.hadoop.fs.Path(dir.resolve("a/b").toUri());
            assertTrue(fs.mkdirs(directory));
            try (OutputStream out = fs.create(new org.apache.hadoop.fs.Path(directory, "part-0"))) {
                out.write(1);
            }
        }
        assertEquals("rwx------", mode(dir.resolve("a")));
        assertEquals("rwx------", mode(dir.resolve("a/b")));
        assertEquals("rw-------", mode(dir.resolve("a/b/part-0")));
    }

    @Test
    void setPermissionSetsEachOfTheNineBits() throws IOException {
        Path file = Files.createFile(dir.resolve("f"));
        try (FileSystem fs = fileSystem("022")) {
            fs.setPermission(hadoopPath(file), new FsPermission((short) 0640));
            assertEquals("rw-r-----", mode(file));
            fs.setPermission(hadoopPath(file), new FsPermission((short) 0507));
            assertEquals("r-x---rwx", mode(file));
        }
    }

    @Test
    void theStickyBitIsSetAsHadoopSetsIt() throws IOException {
        Path shared = Files.createDirectory(dir.resolve("shared"));
        try (FileSystem fs = fileSystem("022")) {
            fs.setPermission(hadoopPath(shared), new FsPermission((short) 01777));
        }
        assertEquals(01777, (int) Files.getAttribute(shared, "unix:mode") & 07777);
    }

    @Test
    void aMissingPathIsAnIoErrorNamingIt() throws IOException {
        Path missing = dir.resolve("missing");
        try (FileSystem fs = fileSystem("022")) {
            NoSuchFileException e = assertThrows(NoSuchFileException.class,
                    () -> fs.setPermission(hadoopPath(missing), new FsPermission((short) 0644)));
            assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
        }
    }

    private static FileSystem fileSystem(String umask) throws IOException {
        Configuration conf = new Configuration(false);
        conf.set("fs.file.impl", PosixLocalFileSystem.class.getName());
        conf.set("fs.permissions.umask-mode", umask);
        return FileSystem.newInstance(URI.create("file:///"), conf);
    }

    private static org.apache.hadoop.fs.Path hadoopPath(Path path) {
        return new org.apache.hadoop.fs.Path(path.toUri());
    }

    private static String mode(Path path) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }
}
