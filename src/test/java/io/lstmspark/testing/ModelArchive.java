package io.lstmspark.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** A model directory zipped as users ship it with {@code --archives}: its contents at the archive's root. */
public final class ModelArchive {

    private ModelArchive() {
    }

    public static Path zip(Path modelDirectory, Path zip) {
        try (Stream<Path> walk = Files.walk(modelDirectory);
             ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip))) {
            List<Path> files = walk.filter(Files::isRegularFile).sorted().toList();
            for (Path file : files) {
                out.putNextEntry(new ZipEntry(modelDirectory.relativize(file).toString().replace('\\', '/')));
                Files.copy(file, (OutputStream) out);
                out.closeEntry();
            }
            return zip;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot zip " + modelDirectory + " into " + zip, e);
        }
    }
}
